"""Speaker roles: mono audio from the voices (and the wording), stereo by channel.

On the shared visit (mono and stereo) and on visits synthesised here with other voices and some
room noise (``../shared/tools/synth_visit.py``; needs espeak-ng and sox), prints per file the
role accuracy (EVAL.md: share of reference words whose predicted segment has the right role)
from the wording alone and with the voices, the transcription time and the voice model's time on
the same file, and the overall figures for mono and stereo, with peak memory (Whisper and the
voice model loaded). ``--hour`` also embeds and clusters a synthetic 60-minute recording's
segments, to show time and memory stay bounded.

    .venv/bin/python bench/speakers.py [--visits N] [--turns T] [--keep DIR] [--hour]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scribe.config import ASRSettings
from scribe.evaluation.asr import AsrCase, find_cases, role_accuracy
from scribe.providers.asr import voices
from scribe.providers.asr.audio import WavWriter, iter_chunks
from scribe.providers.asr.base import AsrSegment, TranscriptionRequest
from scribe.providers.asr.speakers import assign_roles
from scribe.providers.asr.whisper import WhisperRecognizer

SHARED = Path(__file__).resolve().parents[2] / "shared"
SHARED_VISIT = SHARED / "data" / "audio"
DIALOGUES = SHARED / "data" / "aci-bench" / "train.csv"
SYNTH = SHARED / "tools" / "synth_visit.py"
# (train encounter index, doctor voice, patient voice, noise): none of them the shared visit's.
VISITS = (
    (5, "en-gb+m1", "en-us+f2", 0.0),
    (12, "en-us+m5", "en-gb-scotland+f3", 0.015),
    (47, "en-us+m6", "en-gb-x-rp+m2", 0.02),  # two male voices
    (19, "en-gb-x-rp+f1", "en-us+m7", 0.0),
    (26, "en-us+m3", "en-gb+m4", 0.01),  # two male voices
    # Not 33 (D2N034): its reference labels are swapped (the "doctor" describes his pain), so a
    # right answer scores near 0 there.
    (35, "en-029+m2", "en-us+f5", 0.015),
    (40, "en-gb-scotland+f2", "en-us+f1", 0.01),  # two female voices
)
ROLES = ("doctor", "patient")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthesise(folder: Path, count: int, turns: int) -> None:
    if not (shutil.which("espeak-ng") and shutil.which("sox") and DIALOGUES.exists()):
        print("espeak-ng, sox or the ACI-Bench dialogues missing: the shared visit only")
        return
    with DIALOGUES.open(newline="", encoding="utf-8") as file:
        rows = sorted(csv.DictReader(file), key=lambda row: row["encounter_id"])
    for index, doctor, patient, noise in VISITS[:count]:
        row = rows[index]
        text = folder / f"{row['encounter_id']}.txt"
        text.write_text(row["dialogue"], encoding="utf-8")
        command = [sys.executable, str(SYNTH), str(text), "--out", str(text.with_suffix(""))]
        command += ["--max-turns", str(turns), "--doctor-voice", doctor, "--patient-voice", patient]
        done = subprocess.run([*command, "--noise", str(noise)], check=False, capture_output=True)
        text.unlink()
        if done.returncode:  # espeak-ng gives no audio for some turns (a lone "...")
            print(f"{row['encounter_id']}: could not be synthesised, skipped")
            for leftover in folder.glob(f"{row['encounter_id']}.*"):
                leftover.unlink()


async def run_case(recognizer: WhisperRecognizer, case: AsrCase) -> tuple[float, ...]:
    """Role accuracy (wording, voices), transcription and voice seconds, for one file."""
    stereo = ".stereo." in case.audio.name
    request = TranscriptionRequest(
        case.audio, language="en", channel_roles=ROLES if stereo else None
    )
    started = time.perf_counter()
    result = await recognizer.transcribe(request)
    asr_seconds = time.perf_counter() - started
    if stereo:
        accuracy = role_accuracy(case.reference, assign_roles(result, ROLES).segments)
        return accuracy, accuracy, asr_seconds, 0.0
    wording = role_accuracy(case.reference, assign_roles(result, None).segments)
    started = time.perf_counter()
    labels = voices.voice_labels(case.audio, result.segments)
    voice_seconds = time.perf_counter() - started
    with_voices = role_accuracy(case.reference, assign_roles(result, None, voices=labels).segments)
    return wording, with_voices, asr_seconds, voice_seconds


def hour(folder: Path, minutes: int) -> None:
    """Embed and cluster the segments of a recording looped to ``minutes``."""
    source = SHARED_VISIT / "aci-valid-D2N069.mono.ogg"
    target = folder / "hour.wav"
    written = 0
    with WavWriter(target) as writer:
        while written < minutes * 60 * 16_000:
            for chunk in iter_chunks(source, per_channel=False):
                writer.write(chunk.samples[0])
                written += chunk.samples.shape[1]
    segments = [AsrSegment(ms, ms + 3_500, "") for ms in range(0, written // 16, 4_000)]
    before = peak_rss_mb()
    started = time.perf_counter()
    labels = voices.voice_labels(target, segments)
    seconds = time.perf_counter() - started
    print(
        f"{minutes} min synthetic recording, {len(segments)} segments: voices in {seconds:.1f} s "
        f"(RTF {seconds / (minutes * 60):.4f}), {len(set(labels) - {None})} voice(s); "
        f"peak RSS {before:.0f} MB before, {peak_rss_mb():.0f} MB after"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--visits", type=int, default=len(VISITS))
    parser.add_argument("--turns", type=int, default=30, help="turns of each synthesised visit")
    parser.add_argument("--keep", type=Path, help="write the synthesised visits here")
    parser.add_argument("--hour", action="store_true", help="also a 60-minute recording")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        synthesise(folder, args.visits, args.turns)
        cases = find_cases(SHARED_VISIT) + find_cases(folder)
        cases = [c for c in cases if "-first8" not in c.audio.name]
        recognizer = WhisperRecognizer(ASRSettings())
        recognizer.load()
        voices.VoiceModel.default()
        print(f"{'file':32} {'wording':>8} {'voices':>7} {'asr s':>6} {'voice s':>7} {'ratio':>6}")
        totals: dict[str, list[float]] = {"mono": [], "mono wording": [], "stereo": []}
        asr_total = voice_total = 0.0
        for case in cases:
            wording, with_voices, asr_s, voice_s = await run_case(recognizer, case)
            kind = "stereo" if ".stereo." in case.audio.name else "mono"
            totals[kind].append(with_voices)
            if kind == "mono":
                totals["mono wording"].append(wording)
                asr_total, voice_total = asr_total + asr_s, voice_total + voice_s
            ratio = f"{voice_s / asr_s:.2f}" if kind == "mono" else "-"
            print(
                f"{case.audio.name:32} {wording:8.3f} {with_voices:7.3f} {asr_s:6.1f} "
                f"{voice_s:7.1f} {ratio:>6}"
            )
        for kind, figures in totals.items():
            if figures:
                print(
                    f"speaker roles, {kind}: mean {sum(figures) / len(figures):.3f}, "
                    f"lowest {min(figures):.3f} over {len(figures)} files"
                )
        if asr_total:
            print(
                f"voice model time / transcription time (mono): {voice_total / asr_total:.3f} "
                f"({voice_total:.1f} s / {asr_total:.1f} s)"
            )
        print(f"peak RSS with Whisper and the voice model loaded: {peak_rss_mb():.0f} MB")
        if args.hour:
            hour(folder, 60)


if __name__ == "__main__":
    asyncio.run(main())
