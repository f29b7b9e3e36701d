"""Speech recognition speed and memory: the default model (tiny.en, int8) on this machine's CPU.

Prints the model load time, the real-time factor (processing seconds per audio second, median of
rounds; decoding included) at beam 1 and beam 5 with the WER of each (when a reference .json
sits beside the audio), and the peak RSS of the process with the model loaded. ``--long M``
loops the audio to M minutes and transcribes it in windows, to show that memory stays bounded
and how many repeated segments the hallucination guard dropped.

    .venv/bin/python bench/asr.py [--audio PATH] [--rounds N] [--long MINUTES]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import tempfile
import time
from pathlib import Path

from scribe.config import ASRSettings
from scribe.evaluation import asr as asr_eval
from scribe.providers.asr.audio import WavWriter, iter_chunks, probe
from scribe.providers.asr.base import TranscriptionRequest, TranscriptionResult
from scribe.providers.asr.whisper import WhisperRecognizer

AUDIO = Path(__file__).resolve().parents[2] / "shared" / "data" / "audio"
DEFAULT_AUDIO = AUDIO / "aci-valid-D2N069.mono.ogg"


def peak_rss_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reference_for(audio: Path) -> Path | None:
    candidate = audio.with_name(audio.name.split(".")[0] + ".json")
    return candidate if candidate.exists() else None


async def rounds(
    recognizer: WhisperRecognizer, audio: Path, beam: int, count: int
) -> tuple[float, TranscriptionResult]:
    factors: list[float] = []
    result: TranscriptionResult | None = None
    for _ in range(count):
        result = await recognizer.transcribe(TranscriptionRequest(audio, beam_size=beam))
        factors.append(float(str(result.details["real_time_factor"])))
    assert result is not None
    return statistics.median(factors), result


def wer(audio: Path, result: TranscriptionResult) -> str:
    reference = reference_for(audio)
    if reference is None:
        return "n/a (no reference)"
    turns, _ = asr_eval.load_reference(reference)
    return f"{asr_eval.word_error_rate(turns, result.segments):.3f}"


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
        result = await recognizer.transcribe(TranscriptionRequest(looped))
        elapsed = time.perf_counter() - started
    repeats = sum(
        1 for a, b in zip(result.segments, result.segments[1:], strict=False) if a.text == b.text
    )
    print(f"long audio: {result.duration_ms / 60_000:.1f} min in {elapsed:.1f} s")
    print(f"  real-time factor        {result.details['real_time_factor']}")
    print(f"  peak RSS before / after {before:.0f} MB / {peak_rss_mb():.0f} MB")
    print(f"  segments                {len(result.segments)}")
    print(f"  dropped by the guard    {result.details['dropped_repeats']}")
    print(f"  back-to-back repeats    {repeats}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio", type=Path, default=DEFAULT_AUDIO)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--long", type=float, default=0.0, metavar="MINUTES")
    args = parser.parse_args()
    info = probe(args.audio)
    print(f"audio: {args.audio.name}, {info.duration_ms / 1000:.1f} s, {info.codec}")
    print(f"peak RSS before the model: {peak_rss_mb():.0f} MB")
    recognizer = WhisperRecognizer(ASRSettings())
    started = time.perf_counter()
    recognizer.load()
    print(f"model load: {time.perf_counter() - started:.2f} s (tiny.en, int8, cpu)")
    # One untimed run warms the VAD model and the CPU caches.
    await recognizer.transcribe(TranscriptionRequest(args.audio))
    for beam in (1, 5):
        factor, result = await rounds(recognizer, args.audio, beam, args.rounds)
        print(
            f"beam {beam}: real-time factor {factor:.4f} (median of {args.rounds}), "
            f"WER {wer(args.audio, result)} [{asr_eval.NORMALISER}]"
        )
    print(f"peak RSS with the model loaded: {peak_rss_mb():.0f} MB")
    if args.long:
        await long_run(recognizer, args.audio, args.long)


if __name__ == "__main__":
    asyncio.run(main())
