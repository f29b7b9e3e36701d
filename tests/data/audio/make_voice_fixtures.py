"""Regenerate the speaker-voice fixtures: short made-up visits spoken by espeak-ng voices.

    .venv/bin/python tests/data/audio/make_voice_fixtures.py

Needs Debian's espeak-ng. Writes 16 kHz mono Opus files and a JSON reference of who spoke when:
``three_voices.ogg`` (a clinician, a patient and a relative) and ``one_voice.ogg`` (a clinician
dictating). The two-voice case uses ``knee_visit.ogg``.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import wave
from pathlib import Path

import av
import numpy as np

HERE = Path(__file__).resolve().parent
RATE = 16_000
PAUSE = np.zeros(RATE * 35 // 100, np.int16)
VOICES = {"doctor": "en-us+m3", "patient": "en-gb+f2", "relative": "en-us+m7"}
THREE = [
    ("doctor", "Good morning. What brings you in today?"),
    ("patient", "My knee has been hurting for two weeks."),
    ("relative", "She could not climb the stairs on Sunday, so I drove her here."),
    ("doctor", "Does it hurt when you bend it?"),
    ("patient", "Yes, mostly in the morning when I get up."),
    ("relative", "And she has been taking her pills for the pain every night."),
]
ONE = [
    ("doctor", "Patient seen today for left knee pain of two weeks."),
    ("doctor", "On exam there is mild swelling and no redness."),
    ("doctor", "Plan is rest, ice and ibuprofen, and follow up in two weeks."),
]


def speak(text: str, voice: str) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "turn.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", "165", "-w", str(raw), text], check=True)
        with av.open(str(raw)) as container:
            resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
            frames = [
                out.to_ndarray().reshape(-1)
                for frame in container.decode(audio=0)
                for out in resampler.resample(frame)
            ]
        return np.concatenate(frames).astype(np.int16)


def write(name: str, turns: list[tuple[str, str]]) -> None:
    pcm: list[np.ndarray] = []
    reference: list[dict[str, object]] = []
    at = 0
    for speaker, text in turns:
        samples = speak(text, VOICES[speaker])
        start = at * 1000 // RATE
        reference.append(
            {"speaker": speaker, "start_ms": start, "end_ms": start + len(samples) * 1000 // RATE}
        )
        pcm += [samples, PAUSE]
        at += len(samples) + len(PAUSE)
    audio = np.concatenate(pcm)
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "visit.wav"
        with wave.open(str(plain), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(audio.tobytes())
        opus = ["-c:a", "libopus", "-b:a", "24k", str(HERE / f"{name}.ogg")]
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(plain), *opus], check=True)
    duration = len(audio) * 1000 // RATE
    document = {"voices": VOICES, "duration_ms": duration, "segments": reference}
    (HERE / f"{name}.json").write_text(json.dumps(document, indent=1) + "\n")


if __name__ == "__main__":
    write("three_voices", THREE)
    write("one_voice", ONE)
