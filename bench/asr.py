"""Speech recognition: the pipeline against bare faster-whisper, on the same files in one run.

For every evaluation file (four synthetic visits made on demand by ``asr_audio.py`` with their
own voices, two with room noise, as MP3/OGG/M4A/WAV, plus the shared visit), mono and stereo:
bare faster-whisper's WER and time for four decodings (beam 1/5, conditioning on the previous
text on/off; the whole file, faster-whisper's defaults otherwise) next to the pipeline's
(``transcripts.service.recognize``: windows, VAD, repetition guard, speaker roles, the batch
defaults), the speaker-role accuracy, and the ratio pipeline time / bare beam-1 time. Then the
word-weighted totals, the peak RSS with the model loaded, and (``--long M``) M minutes of looped
audio through the pipeline to show memory stays bounded.

    .venv/bin/python bench/asr.py [--quick] [--long MINUTES] [--model DIR] [--compute-type int8]

WER uses one fixed normaliser (printed). Timings on a shared 2-core machine are noisy: compare
the ratios taken in the same run, not absolute seconds across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asr_audio import SHARED, ensure_visits
from faster_whisper import decode_audio  # type: ignore[import-untyped]

from scribe.config import ASRSettings
from scribe.evaluation import asr as asr_eval
from scribe.providers.asr import voices
from scribe.providers.asr.audio import WavWriter, iter_chunks
from scribe.providers.asr.base import AsrSegment, TranscriptionRequest
from scribe.providers.asr.whisper import WhisperRecognizer
from scribe.transcripts import service as transcript_service

SHARED_VISIT = SHARED / "data" / "audio" / "aci-valid-D2N069"
DECODINGS: dict[str, dict[str, Any]] = {
    "bare b1": {"beam_size": 1, "condition_on_previous_text": True},
    "bare b1 nocond": {"beam_size": 1, "condition_on_previous_text": False},
    "bare b5": {"beam_size": 5, "condition_on_previous_text": True},
    "bare b5 nocond": {"beam_size": 5, "condition_on_previous_text": False},
}
PIPELINE = "pipeline"


@dataclass(frozen=True, slots=True)
class Case:
    audio: Path
    kind: str  # mono or stereo
    reference: tuple[asr_eval.ReferenceTurn, ...]
    duration_ms: int

    @property
    def words(self) -> int:
        return sum(len(asr_eval.normalise(turn.text).split()) for turn in self.reference)


@dataclass(frozen=True, slots=True)
class Run:
    wer: float
    seconds: float
    roles: float | None = None
    # This process's CPU time (all its threads): less swayed than seconds by other processes.
    cpu: float = 0.0


def peak_rss_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cases(quick: bool) -> list[Case]:
    found: list[tuple[Path, Path, Path]] = [
        (
            SHARED_VISIT.with_suffix(".mono.ogg"),
            SHARED_VISIT.with_suffix(".stereo.ogg"),
            SHARED_VISIT.with_suffix(".json"),
        )
    ]
    visits = ensure_visits()
    found += [(v.mono, v.stereo, v.reference) for v in visits[: 1 if quick else None]]
    out = []
    for mono, stereo, reference in found:
        turns, duration_ms = asr_eval.load_reference(reference)
        out += [Case(mono, "mono", turns, duration_ms), Case(stereo, "stereo", turns, duration_ms)]
    return out


def bare(model: Any, case: Case, options: dict[str, Any]) -> Run:
    started, cpu = time.perf_counter(), time.process_time()
    pieces, _ = model.transcribe(decode_audio(str(case.audio)), language="en", **options)
    segments = [AsrSegment(round(p.start * 1000), round(p.end * 1000), p.text) for p in pieces]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return Run(asr_eval.word_error_rate(case.reference, segments), seconds, cpu=cpu)


async def pipeline(recognizer: WhisperRecognizer, case: Case) -> Run:
    roles: tuple[Any, ...] | None = ("doctor", "patient") if case.kind == "stereo" else None
    request = TranscriptionRequest(case.audio, language="en", channel_roles=roles)
    started, cpu = time.perf_counter(), time.process_time()
    result = await transcript_service.recognize(recognizer, request)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    accuracy = asr_eval.role_accuracy(case.reference, result.segments)
    wer = asr_eval.word_error_rate(case.reference, result.segments)
    return Run(wer, seconds, accuracy, cpu)


def show(case: Case, runs: dict[str, Run]) -> None:
    best = min(run.wer for name, run in runs.items() if name != PIPELINE)
    mine = runs[PIPELINE]
    ratio = mine.seconds / runs["bare b1"].seconds
    cpu_ratio = mine.cpu / max(runs["bare b1"].cpu, 1e-9)
    cells = "  ".join(f"{name} {run.wer:.3f}/{run.seconds:.0f}s" for name, run in runs.items())
    print(f"{case.audio.name:32} {cells}")
    print(
        f"{'':32} pipeline - best bare {mine.wer - best:+.3f}  roles {mine.roles:.2f}  "
        f"time pipeline / bare b1 {ratio:.2f} (CPU {cpu_ratio:.2f})  pipeline RTF "
        f"{mine.seconds * 1000 / case.duration_ms:.3f} ({case.duration_ms / 1000:.0f} s audio)"
    )


@dataclass(frozen=True, slots=True)
class Totals:
    kind: str
    wer: float
    best_bare: float
    roles: float
    ratio: float  # wall time, pipeline / bare b1, summed over the files
    cpu_ratio: float


def totals(kind: str, scored: list[tuple[Case, dict[str, Run]]]) -> Totals:
    rows = [(case, runs) for case, runs in scored if case.kind == kind]
    words = sum(case.words for case, _ in rows) or 1
    names = list(rows[0][1]) if rows else []
    wer = {n: sum(r[n].wer * c.words for c, r in rows) / words for n in names}
    seconds = {n: sum(r[n].seconds for _, r in rows) for n in names}
    cpu = {n: sum(r[n].cpu for _, r in rows) for n in names}
    roles = sum((r[PIPELINE].roles or 0.0) * c.words for c, r in rows) / words
    ratios = [r[PIPELINE].seconds / r["bare b1"].seconds for _, r in rows]
    best = min(v for n, v in wer.items() if n != PIPELINE)
    print(f"{kind} ({len(rows)} files, {words} reference words), word-weighted:")
    for name in names:
        print(
            f"  {name:16} WER {wer[name]:.3f}   time {seconds[name]:.0f} s   CPU {cpu[name]:.0f} s"
        )
    print(f"  pipeline - best bare decoding {wer[PIPELINE] - best:+.3f} (target <= +0.01)")
    print(f"  speaker roles {roles:.3f}")
    ratio = seconds[PIPELINE] / seconds["bare b1"]
    cpu_ratio = cpu[PIPELINE] / max(cpu["bare b1"], 1e-9)
    print(
        f"  time pipeline / bare b1: total {ratio:.2f}, median per file "
        f"{statistics.median(ratios):.2f}, CPU time {cpu_ratio:.2f} (target <= 2)"
    )
    return Totals(kind, wer[PIPELINE], best, roles, ratio, cpu_ratio)


def must_show(mono: Totals, stereo: Totals, peak_mb: float) -> None:
    """The issue's targets, one line each, with whether this run met them."""

    def line(label: str, value: str, met: bool) -> None:
        print(f"  {label:44} {value:24} {'met' if met else 'NOT met'}")

    print("must show (issue 15):")
    for t in (mono, stereo):
        value = f"{t.wer:.3f} vs {t.best_bare:.3f} + 0.01"
        line(f"{t.kind} pipeline WER <= best bare + 0.01", value, t.wer <= t.best_bare + 0.01)
    line("mono pipeline WER <= 0.20", f"{mono.wer:.3f}", mono.wer <= 0.20)
    line("speaker roles, mono >= 0.90", f"{mono.roles:.3f}", mono.roles >= 0.90)
    line("speaker roles, stereo >= 0.98", f"{stereo.roles:.3f}", stereo.roles >= 0.98)
    for t in (mono, stereo):
        value = f"wall {t.ratio:.2f}, CPU {t.cpu_ratio:.2f}"
        line(f"{t.kind} time pipeline / bare b1 <= 2", value, max(t.ratio, t.cpu_ratio) <= 2)
    print(f"  peak RSS, Whisper and the speaker model loaded: {peak_mb:.0f} MB")


def loop_audio(source: Path, target: Path, minutes: float) -> None:
    """Write source over and over as a 16 kHz mono WAV of about minutes, chunk by chunk."""
    wanted = int(minutes * 60 * 16_000)
    written = 0
    with WavWriter(target) as writer:
        while written < wanted:
            for chunk in iter_chunks(source, per_channel=False, chunk_seconds=60):
                row = chunk.samples[0][: wanted - written]
                writer.write(row)
                written += row.shape[0]
                if written >= wanted:
                    break


async def long_run(recognizer: WhisperRecognizer, audio: Path, minutes: float) -> None:
    with tempfile.TemporaryDirectory(prefix="scribe-bench-") as directory:
        looped = Path(directory) / "long.wav"
        loop_audio(audio, looped, minutes)
        before = peak_rss_mb()
        started = time.perf_counter()
        result = await recognizer.transcribe(TranscriptionRequest(looped, language="en"))
        elapsed = time.perf_counter() - started
    print(f"long audio: {result.duration_ms / 60_000:.1f} min in {elapsed:.0f} s")
    print(f"  real-time factor        {result.details['real_time_factor']}")
    print(f"  peak RSS before / after {before:.0f} MB / {peak_rss_mb():.0f} MB")
    print(f"  segments                {len(result.segments)}")
    print(f"  dropped by the guard    {result.details['dropped_repeats']}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the shared visit and one other")
    parser.add_argument("--long", type=float, default=0.0, metavar="MINUTES")
    parser.add_argument("--model", default=None, help="a CTranslate2 Whisper directory")
    parser.add_argument("--compute-type", default="int8")
    args = parser.parse_args()
    settings = ASRSettings(model=args.model, compute_type=args.compute_type)
    recognizer = WhisperRecognizer(settings)
    print(f"peak RSS before the model: {peak_rss_mb():.0f} MB")
    started = time.perf_counter()
    model = recognizer.load()
    print(
        f"model {recognizer.model_label} ({args.compute_type}, cpu) loaded in "
        f"{time.perf_counter() - started:.1f} s; pipeline: beam {settings.beam_size}, "
        f"VAD {settings.vad_filter}, windows of {settings.chunk_seconds:.0f} s"
    )
    print(f"WER normaliser: {asr_eval.NORMALISER}")
    found = cases(args.quick)
    await pipeline(recognizer, found[0])  # warms the VAD model and the caches
    scored = []
    for case in found:
        runs = {name: bare(model, case, options) for name, options in DECODINGS.items()}
        runs[PIPELINE] = await pipeline(recognizer, case)
        show(case, runs)
        scored.append((case, runs))
    mono, stereo = totals("mono", scored), totals("stereo", scored)
    voices.VoiceModel.default()  # loaded by the mono runs already; the figure includes it
    print(f"peak RSS with the model loaded: {peak_rss_mb():.0f} MB")
    must_show(mono, stereo, peak_rss_mb())
    if args.long:
        await long_run(recognizer, found[0].audio, args.long)


if __name__ == "__main__":
    asyncio.run(main())
