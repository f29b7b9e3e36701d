"""`scribe transcribe`, `note`, `eval` and `train`: the engines on local files, no server."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, Literal, TypeVar

from scribe.clinical.types import SpeakerRole, TranscriptTooShortError
from scribe.config import Settings
from scribe.errors import ScribeError

_T = TypeVar("_T")


def add_parsers(commands: Any) -> None:
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
