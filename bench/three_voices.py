"""A relative's voice: is a third speaker labelled ``unspecified``, and the other two still right?

Each visit is the first 30 turns of an ACI-Bench dialogue spoken by espeak-ng with a doctor's
and a patient's voice, every third patient turn spoken instead by a third voice (a relative), as
mono audio. Through the pipeline (``transcripts.service.recognize``) it prints, per visit, the
relative's share of the speech and the share of each speaker's time given the right role
(doctor, patient, and ``unspecified`` for the relative). A relative with less than a tenth of the
speech is expected to be merged into a dialogue voice.

    .venv/bin/python bench/three_voices.py [ENCOUNTER ...]   # valid-split ids, e.g. D2N068
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import re
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

from scribe.config import ASRSettings
from scribe.providers.asr.base import TranscriptionRequest
from scribe.providers.asr.whisper import WhisperRecognizer
from scribe.transcripts.service import recognize

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "data" / "audio"))
from make_voice_fixtures import speak

DIALOGUES = Path(__file__).resolve().parents[2] / "shared" / "data" / "aci-bench" / "valid.csv"
VOICES = {"doctor": "en-gb+m1", "patient": "en-us+f2", "relative": "en-us+m7"}
EXPECTED = {"doctor": "doctor", "patient": "patient", "relative": "unspecified"}
RATE = 16_000
Turn = tuple[str, int, int]  # speaker, start and end in samples


def turns_of(encounter: str) -> list[tuple[str, str]]:
    with DIALOGUES.open(newline="", encoding="utf-8") as file:
        row = next(r for r in csv.DictReader(file) if r["encounter_id"] == encounter)
    turns = []
    for line in row["dialogue"].splitlines():
        found = re.match(r"\s*\[(doctor|patient)\]\s*(.*)", line)
        if found and found.group(2).strip():
            turns.append((found.group(1), found.group(2).strip()))
    turns = turns[:30]
    for index in [i for i, (who, _) in enumerate(turns) if who == "patient"][1::3]:
        turns[index] = ("relative", turns[index][1])
    return turns


def synthesise(turns: list[tuple[str, str]], target: Path) -> list[Turn]:
    pause = np.zeros(RATE * 35 // 100, np.int16)
    pcm, reference, at = [], [], 0
    for who, text in turns:
        samples = speak(text, VOICES[who])
        reference.append((who, at, at + len(samples)))
        pcm += [samples, pause]
        at += len(samples) + len(pause)
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(np.concatenate(pcm).tobytes())
    return reference


async def score(recognizer: WhisperRecognizer, audio: Path, reference: list[Turn]) -> None:
    result = await recognize(recognizer, TranscriptionRequest(audio, language="en"))
    right = dict.fromkeys(EXPECTED, 0)
    total = dict.fromkeys(EXPECTED, 0)
    for who, start, end in reference:
        start_ms, end_ms = start * 1000 // RATE, end * 1000 // RATE
        total[who] += end_ms - start_ms
        for segment in result.segments:
            if segment.speaker == EXPECTED[who]:
                right[who] += max(0, min(segment.end_ms, end_ms) - max(segment.start_ms, start_ms))
    share = total["relative"] / sum(total.values())
    cells = "  ".join(f"{who} {right[who] / max(total[who], 1):.3f}" for who in EXPECTED)
    print(f"{audio.stem:8} relative's share {share:.2f}  right role: {cells}", flush=True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("encounters", nargs="*", default=["D2N068", "D2N074", "D2N080"])
    args = parser.parse_args()
    recognizer = WhisperRecognizer(ASRSettings())
    with tempfile.TemporaryDirectory() as folder:
        for encounter in args.encounters:
            audio = Path(folder) / f"{encounter}.wav"
            reference = synthesise(turns_of(encounter), audio)
            await score(recognizer, audio, reference)


if __name__ == "__main__":
    asyncio.run(main())
