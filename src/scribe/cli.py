"""The `scribe` command: serve | worker | migrate | keys | transcribe | note | eval."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from scribe.clinical.types import SpeakerRole, TranscriptTooShortError
from scribe.config import Settings
from scribe.errors import ScribeError
from scribe.logs import configure_logging, wants_json
from scribe.retention import commands as retention_commands

if TYPE_CHECKING:
    from alembic.config import Config

_T = TypeVar("_T")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    settings = Settings()
    json_output = wants_json(settings.log_format, settings.log_json, terminal=sys.stderr.isatty())
    configure_logging(settings.log_level, json_output=json_output)
    result: int = args.func(settings, args)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scribe", description=__doc__)
    commands = parser.add_subparsers(required=True, dest="command")
    serve = commands.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=_serve)
    worker = commands.add_parser("worker", help="run jobs from the PostgreSQL queue")
    worker.add_argument("--concurrency", type=int, default=None)
    worker.add_argument(
        "--metrics-port", type=int, default=None, help="serve GET /metrics on this port"
    )
    worker.add_argument("--metrics-host", default=None, help="default: SCRIBE_JOBS__METRICS_HOST")
    worker.set_defaults(func=_worker)
    migrate = commands.add_parser("migrate", help="upgrade the database to the latest schema")
    migrate.add_argument("revision", nargs="?", default="head")
    migrate.set_defaults(func=_migrate)
    keys = commands.add_parser("keys", help="manage API keys").add_subparsers(required=True)
    create = keys.add_parser("create", help="create an API key (and the tenant if new)")
    create.add_argument("--tenant", required=True)
    create.set_defaults(func=_keys_create)
    revoke = keys.add_parser(
        "revoke", help="revoke an API key; its login tokens stop working at once"
    )
    revoke.add_argument("--client-id", required=True)
    revoke.set_defaults(func=_keys_revoke)
    vocabulary = commands.add_parser(
        "vocabulary", help="terms speech recognition favours for a tenant"
    ).add_subparsers(required=True)
    set_terms = vocabulary.add_parser("set", help="replace the tenant's terms")
    set_terms.add_argument("--tenant", required=True)
    set_terms.add_argument("terms", nargs="*", help="terms (an empty list clears them)")
    set_terms.set_defaults(func=_vocabulary_set)
    show = vocabulary.add_parser("show", help="print the tenant's terms, one per line")
    show.add_argument("--tenant", required=True)
    show.set_defaults(func=_vocabulary_show)
    _webhooks_parsers(commands)
    _offline_parsers(commands)
    retention_commands.add_parsers(commands)
    return parser


def _webhooks_parsers(commands: Any) -> None:
    webhooks = commands.add_parser(
        "webhooks", help="the secret a tenant's callbacks are signed with"
    ).add_subparsers(required=True)
    secret = webhooks.add_parser("secret", help="print the tenant's secret (made if none)")
    secret.add_argument("--tenant", required=True)
    secret.set_defaults(func=_webhooks_secret, rotate=False)
    rotate = webhooks.add_parser(
        "rotate", help="replace the tenant's secret and print it (the old one stops at once)"
    )
    rotate.add_argument("--tenant", required=True)
    rotate.set_defaults(func=_webhooks_secret, rotate=True)


def _offline_parsers(commands: Any) -> None:
    transcribe = commands.add_parser("transcribe", help="transcribe an audio file (no server)")
    transcribe.add_argument("audio", type=Path)
    transcribe.add_argument("--json", action="store_true", help="segments as JSON on stdout")
    transcribe.add_argument(
        "--channels", type=_roles, default=None, help="one role per channel, e.g. doctor,patient"
    )
    transcribe.add_argument("--language", default=None)
    transcribe.add_argument("--vocabulary", type=_words, default=(), help="comma-separated terms")
    transcribe.set_defaults(func=_transcribe)
    note = commands.add_parser("note", help="write a note from audio or a transcript (no server)")
    note.add_argument("source", type=Path, help="audio file, or a .txt/.json transcript")
    note.add_argument(
        "--template", default="SOAP", help="a catalogue key, e.g. SOAP, corti-h-and-p"
    )
    note.add_argument(
        "--family",
        choices=["omniloy", "nabla", "corti", "clinia"],
        default=None,
        help="whose catalogue to look the key up in (default: the first that knows it)",
    )
    note.add_argument("--style", choices=["paragraphs", "bullet_points"], default="paragraphs")
    note.add_argument("--channels", type=_roles, default=None)
    note.add_argument("--json", action="store_true")
    note.set_defaults(func=_note)
    evaluate = commands.add_parser("eval", help="score the engines").add_subparsers(required=True)
    notes = evaluate.add_parser("notes", help="ROUGE of full notes on ACI-Bench")
    notes.add_argument(
        "--data",
        type=Path,
        action="append",
        required=True,
        help="ACI-Bench csv (e.g. valid.csv); repeat to pool splits (train.csv and valid.csv)",
    )
    notes.add_argument("--limit", type=int, default=None)
    notes.add_argument(
        "--folds", type=int, default=None, help="k-fold cross-validation over the pooled visits"
    )
    notes.add_argument("--output", type=Path, default=None, help="write DIR/<encounter_id>.txt")
    notes.set_defaults(func=_eval_notes)
    train = commands.add_parser("train", help="rebuild learned artefacts").add_subparsers(
        required=True
    )
    train_notes = train.add_parser(
        "notes", help="the note engine's sentence-end, layout and keep-or-drop models"
    )
    train_notes.add_argument("--data", type=Path, action="append", required=True)
    train_notes.add_argument(
        "--out", type=Path, default=None, help="keep model; default: the packaged file"
    )
    train_notes.add_argument(
        "--layout-out", type=Path, default=None, help="layout model; default: the packaged file"
    )
    train_notes.add_argument(
        "--punctuation-out",
        type=Path,
        default=None,
        help="sentence-end model; default: the packaged file",
    )
    train_notes.set_defaults(func=_train_notes)
    asr = evaluate.add_parser("asr", help="WER and speaker-role accuracy on reference audio")
    asr.add_argument("--data", type=Path, required=True, help="folder of audio + .json references")
    asr.set_defaults(func=_eval_asr)


def _roles(value: str) -> tuple[SpeakerRole, ...]:
    roles = tuple(part.strip() for part in value.split(","))
    unknown = [role for role in roles if role not in ("doctor", "patient", "unspecified")]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown role(s) {', '.join(unknown)}")
    return roles  # type: ignore[return-value]


def _words(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    if not _schema_ready(settings):
        return 2

    uvicorn.run(
        "scribe.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=None,
        access_log=False,
        # h11 refuses a request whose head is larger; the middleware also checks (any server).
        h11_max_incomplete_event_size=settings.limits.header_bytes,
    )
    return 0


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    from scribe import tasks  # noqa: F401  (registers every job handler)
    from scribe.api import jobs  # noqa: F401  (and the dialects' async jobs)
    from scribe.jobs import metrics_server, procrastinate_app
    from scribe.retention import sweeper
    from scribe.runtime import open_runtime

    if settings.job_backend != "procrastinate":
        print(
            "scribe worker needs PostgreSQL (SCRIBE_DATABASE_URL); on SQLite, "
            "`scribe serve` runs jobs itself.",
            file=sys.stderr,
        )
        return 2

    port = args.metrics_port or settings.jobs.metrics_port
    host = args.metrics_host or settings.jobs.metrics_host

    async def run() -> None:
        async with contextlib.AsyncExitStack() as stack:
            runtime = await stack.enter_async_context(open_runtime(settings, run_jobs=False))
            if port is not None:
                await stack.enter_async_context(metrics_server.serve_metrics(runtime, host, port))
            await stack.enter_async_context(sweeper.periodic_sweeps(runtime))
            concurrency = args.concurrency or settings.jobs.concurrency
            await procrastinate_app.run_worker(
                runtime, concurrency=concurrency, install_signal_handlers=True
            )

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
    return 0


def _schema_ready(settings: Settings) -> bool:
    from scribe.schema import SchemaOutOfDateError, ensure_schema

    try:
        ensure_schema(settings, alembic_config(settings))
    except SchemaOutOfDateError as exc:
        print(exc, file=sys.stderr)
        return False
    return True


def alembic_config(settings: Settings) -> Config:
    from alembic.config import Config

    root = Path(__file__).resolve().parents[2]
    ini = root / "alembic.ini"
    config = Config(str(ini)) if ini.exists() else Config()
    config.set_main_option("script_location", str(root / "migrations"))
    config.attributes["sqlalchemy_url"] = settings.sqlalchemy_url
    config.attributes["settings"] = settings
    config.attributes["configure_logging"] = False
    return config


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    from alembic import command

    from scribe.private import secure_data_dir

    secure_data_dir(settings.data_dir, settings.sqlalchemy_url)
    command.upgrade(alembic_config(settings), args.revision)
    print(f"database at revision {args.revision}")
    return 0


def _keys_create(settings: Settings, args: argparse.Namespace) -> int:
    from scribe.auth import service

    issued = asyncio.run(_in_session(settings, lambda s: service.create_key(s, args.tenant)))
    print(f"client_id={issued.client_id}")
    print(f"api_key={issued.api_key}")
    return 0


def _keys_revoke(settings: Settings, args: argparse.Namespace) -> int:
    from scribe.auth import service

    if not asyncio.run(_in_session(settings, lambda s: service.revoke_key(s, args.client_id))):
        print(f"scribe: no active key has client_id {args.client_id}", file=sys.stderr)
        return 2
    print(f"revoked client_id={args.client_id}")
    return 0


def _vocabulary_set(settings: Settings, args: argparse.Namespace) -> int:
    from scribe.auth import service

    terms = [term for arg in args.terms for term in arg.split(",")]
    tenant = asyncio.run(
        _in_session(settings, lambda s: service.set_vocabulary(s, args.tenant, terms))
    )
    print(f"{len(tenant.vocabulary)} term(s) set for tenant {args.tenant}")
    return 0


def _vocabulary_show(settings: Settings, args: argparse.Namespace) -> int:
    from scribe.auth import service

    async def show(session: Any) -> list[str]:
        tenant = await service.get_or_create_tenant(session, args.tenant)
        return list(tenant.vocabulary)

    for term in asyncio.run(_in_session(settings, show)):
        print(term)
    return 0


def _webhooks_secret(settings: Settings, args: argparse.Namespace) -> int:
    from scribe.webhooks import service

    secret = asyncio.run(
        _in_session(settings, lambda s: service.tenant_secret(s, args.tenant, rotate=args.rotate))
    )
    print(f"webhook_secret={secret}")
    return 0


async def _in_session(settings: Settings, work: Callable[[Any], Awaitable[_T]]) -> _T:
    """Run one unit of work in a session against the configured database, and commit it."""
    from scribe.db import create_engine, create_sessionmaker
    from scribe.secretbox import box_for

    engine = create_engine(settings.sqlalchemy_url, secrets=box_for(settings))
    try:
        async with create_sessionmaker(engine)() as session:
            result = await work(session)
            await session.commit()
            return result
    finally:
        await engine.dispose()


def _transcribe(settings: Settings, args: argparse.Namespace) -> int:
    from scribe import offline

    done = _offline(
        offline.transcribe(
            settings,
            args.audio,
            channel_roles=args.channels,
            vocabulary=args.vocabulary,
            language=args.language,
        )
    )
    if done is None:
        return 2
    if args.json:
        print(json.dumps(offline.transcription_json(done.result), ensure_ascii=False))
    else:
        print(offline.transcription_text(done.result))
    return 0


def _note(settings: Settings, args: argparse.Namespace) -> int:
    from scribe import offline

    async def run() -> tuple[Any, Any]:
        if offline.is_transcript_file(args.source):
            utterances = offline.read_transcript(args.source)
        else:
            done = await offline.transcribe(settings, args.source, channel_roles=args.channels)
            utterances = offline.utterances_of(done.result)
        template = offline.template_for(args.template, args.family)
        return await offline.write_note(settings, utterances, template, args.style), template

    written = _offline(run())
    if written is None:
        return 2
    draft, template = written
    if args.json:
        print(json.dumps(offline.note_json(draft, template), ensure_ascii=False))
    else:
        print(offline.note_text(draft))
    return 0


def _eval_notes(settings: Settings, args: argparse.Namespace) -> int:
    from scribe.evaluation import notes, training

    if args.folds is None and len(args.data) == 1:
        report = notes.evaluate_engine(args.data[0], limit=args.limit, output=args.output)
        print(notes.format_report(report))
        return 0
    encounters = [e for path in args.data for e in notes.load_aci(path)][: args.limit]
    if args.folds is None:
        print(notes.format_report(notes.evaluate_encounters(encounters, output=args.output)))
        return 0
    try:
        trainer = training.learned_engine_with(training.mts_beside(args.data[0]))
        result = notes.cross_validate(encounters, args.folds, trainer, output=args.output)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(notes.format_cross_validation(result))
    return 0


def _train_notes(settings: Settings, args: argparse.Namespace) -> int:
    from scribe.clinical import layout as layout_model
    from scribe.clinical import punctuation
    from scribe.clinical.keep import packaged_path
    from scribe.clinical.keep_training import train_keep_model
    from scribe.clinical.layout_training import train_layout
    from scribe.clinical.punctuation_training import train_punctuator
    from scribe.evaluation import notes
    from scribe.evaluation.calibration import calibrated
    from scribe.evaluation.training import mts_beside

    encounters = [e for path in args.data for e in notes.load_aci(path)]
    visits = [(e.dialogue, e.note) for e in encounters]
    punctuator = train_punctuator([dialogue for dialogue, _ in visits] + mts_beside(args.data[0]))
    punctuation_out = args.punctuation_out or punctuation.packaged_path()
    if punctuator is not None:
        punctuation_out.write_text(punctuator.to_json(), encoding="utf-8")
        print(f"sentence ends: {len(punctuator.weights)} weights -> {punctuation_out}")
    layout = train_layout([note for _, note in visits], [dialogue for dialogue, _ in visits])
    layout_out = args.layout_out or layout_model.packaged_path()
    layout_out.write_text(layout.to_json(), encoding="utf-8")
    print(f"layout from {len(visits)} notes -> {layout_out}")
    marks: punctuation.Punctuator | Literal["off"] = punctuator or "off"
    ided = [(e.encounter_id, e.dialogue, e.note) for e in encounters]
    model = calibrated(train_keep_model(visits, marks), ided, layout, marks)
    out = args.out or packaged_path()
    out.write_text(model.to_json() + "\n", encoding="utf-8")
    print(
        f"{len(model.weights)} weights from {len(visits)} visits, dropping below "
        f"{model.drop_below} -> {out}"
    )
    return 0


def _eval_asr(settings: Settings, args: argparse.Namespace) -> int:
    from scribe import offline
    from scribe.evaluation import asr

    scored = _offline(offline.score_asr(settings, args.data))
    if scored is None:
        return 2
    print(f"normaliser: {asr.NORMALISER}")
    for score, factor in scored:
        print(
            f"{score.audio}: WER {score.wer * 100:.2f}% roles {score.role_accuracy * 100:.2f}%"
            f" RTF {factor:.3f} ({score.reference_words} words)"
        )
    wer, roles = asr.overall([score for score, _ in scored])
    print(f"WER {wer * 100:.2f} ROLE-ACCURACY {roles * 100:.2f}")
    return 0


def _offline(work: Coroutine[Any, Any, _T]) -> _T | None:
    """Run offline work; bad input (unreadable audio, unknown file) is one line on stderr."""
    try:
        return asyncio.run(work)
    except ScribeError as exc:
        print(f"scribe: {exc.message}", file=sys.stderr)
    except TranscriptTooShortError:
        print("scribe: the transcript is too short to write a note from", file=sys.stderr)
    except OSError as exc:
        print(f"scribe: {exc.strerror}: {exc.filename}", file=sys.stderr)
    return None


if __name__ == "__main__":
    raise SystemExit(main())
