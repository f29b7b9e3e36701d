"""An hour of audio runs in bounded memory: a synthetic hour through the real recognizer.

The hour is mostly quiet room tone with the fixture clip spoken every five minutes, so the
model's work stays small (VAD skips the rest) while decoding, windowing and VAD see all of it.
It runs in a child process so that its peak RSS is its own: the peak after the hour may exceed
the peak after a 6 s clip by far less than the hour's samples alone would take in memory
(60 min of 16 kHz float32 is 230 MB; Whisper's features of it several times that).
"""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np

from scribe.providers.asr.audio import SAMPLE_RATE, iter_chunks
from tests.providers.asr.conftest import clip

MINUTES = 60
EVERY_SECONDS = 300
# Well under the 230 MB of the hour's samples: windows keep memory flat.
MAX_GROWTH_MB = 150

_CHILD = """
import asyncio, json, resource, sys
from pathlib import Path
from scribe.config import ASRSettings
from scribe.providers.asr.base import TranscriptionRequest
from scribe.providers.asr.whisper import WhisperRecognizer

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

async def main():
    recognizer = WhisperRecognizer(ASRSettings(beam_size=1))
    await recognizer.transcribe(TranscriptionRequest(Path(sys.argv[1]), language="en"))
    short = peak()
    result = await recognizer.transcribe(TranscriptionRequest(Path(sys.argv[2]), language="en"))
    print(json.dumps({"short_mb": short, "long_mb": peak(), "duration_ms": result.duration_ms,
                      "texts": [s.text for s in result.segments]}))

asyncio.run(main())
"""


def _write_hour(path: Path) -> None:
    """Write the hour block by block (never the whole hour in this process's memory either)."""
    (chunk,) = iter_chunks(clip("clip.mono.wav"), per_channel=False)
    speech = (np.clip(chunk.samples[0], -1, 1) * 32767).astype("<i2")
    rng = np.random.default_rng(60)
    quiet = EVERY_SECONDS * SAMPLE_RATE - len(speech)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        for _ in range(MINUTES * 60 // EVERY_SECONDS):
            room = (rng.standard_normal(quiet) * 30).astype("<i2")  # about -60 dBFS
            out.writeframes(speech.tobytes() + room.tobytes())


def test_an_hour_is_transcribed_in_bounded_memory(tmp_path: Path) -> None:
    hour = tmp_path / "hour.wav"
    _write_hour(hour)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(clip("clip.mono.wav")), str(hour)],
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["duration_ms"] == MINUTES * 60_000
    said = " ".join(report["texts"]).lower()
    # The clip is heard in most of its twelve places, and nothing loops in the quiet between.
    assert said.count("thompson") >= 8
    assert len(report["texts"]) <= 4 * MINUTES * 60 // EVERY_SECONDS
    assert report["long_mb"] - report["short_mb"] < MAX_GROWTH_MB
