"""ASR fixtures: the committed audio clips, broken files, the real model, a fake server."""

from __future__ import annotations

import json
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from scribe.config import ASRSettings
from scribe.providers.asr.whisper import WhisperRecognizer
from tests.providers.asr.fake_server import FakeTranscriptionServer

AUDIO = Path(__file__).parents[2] / "data" / "audio"
FORMATS = (
    "clip.mono.wav",
    "clip.stereo.wav",
    "clip.mp3",
    "clip.m4a",
    "clip.ogg",
    "clip.webm",
    "clip.flac",
)


def clip(name: str) -> Path:
    return AUDIO / name


def clip_reference() -> dict[str, object]:
    reference: dict[str, object] = json.loads((AUDIO / "clip.json").read_text())
    return reference


def write_pcm_wav(path: Path, samples: np.ndarray, rate: int = 16_000) -> Path:
    """Write mono float samples as a 16-bit WAV (the standard library's wave module)."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


@pytest.fixture(scope="session")
def whisper() -> WhisperRecognizer:
    # Loading costs about a second; one model serves the whole session.
    recognizer = WhisperRecognizer(ASRSettings())
    recognizer.load()
    return recognizer


@pytest.fixture(scope="session")
def fake_server_session() -> Iterator[FakeTranscriptionServer]:
    server = FakeTranscriptionServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fake_server(fake_server_session: FakeTranscriptionServer) -> FakeTranscriptionServer:
    fake_server_session.reset()
    return fake_server_session
