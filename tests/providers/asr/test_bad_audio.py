"""Bad audio through the real pipeline: a transcript or a clear error, never a crash or a hang.

Silence, music (tone chords), white noise, clipped speech, and 8 kHz band-limited telephone
audio, each through ``transcripts.service.recognize`` (the path every job takes) with the real
model. A hang would fail on the guard's deadline, far above any honest run on a busy machine.
"""

from __future__ import annotations

import wave
from pathlib import Path

import anyio
import numpy as np
import pytest

from scribe.clinical.types import SpeakerRole
from scribe.providers.asr.audio import SAMPLE_RATE, iter_chunks
from scribe.providers.asr.base import TranscriptionRequest, TranscriptionResult
from scribe.providers.asr.whisper import WhisperRecognizer
from scribe.transcripts import service as transcript_service
from tests.providers.asr.conftest import clip, write_pcm_wav

HANG_GUARD_SECONDS = 300
_RNG = np.random.default_rng(15)


def _speech() -> np.ndarray:
    (chunk,) = iter_chunks(clip("clip.mono.wav"), per_channel=False)
    speech: np.ndarray = chunk.samples[0]
    return speech


def _music(seconds: float) -> np.ndarray:
    """Chords of three tones changing every half second, with a little vibrato."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    roots = 220.0 * 2 ** (_RNG.integers(0, 12, size=int(seconds * 2) + 1) / 12)
    root = roots[(t * 2).astype(int)]
    chord = sum(
        np.sin(2 * np.pi * root * ratio * t + 0.3 * np.sin(2 * np.pi * 5 * t))
        for ratio in (1, 1.25, 1.5)
    )
    music: np.ndarray = (0.2 * chord).astype(np.float32)
    return music


def _telephone(samples: np.ndarray) -> np.ndarray:
    """Band-limit to 300-3400 Hz and take every other sample: 8 kHz narrowband speech."""
    spectrum = np.fft.rfft(samples)
    frequencies = np.fft.rfftfreq(len(samples), 1 / SAMPLE_RATE)
    spectrum[(frequencies < 300) | (frequencies > 3400)] = 0
    return np.fft.irfft(spectrum, len(samples))[::2].astype(np.float32)


async def _recognize(
    whisper: WhisperRecognizer, path: Path, roles: tuple[SpeakerRole, ...] | None = None
) -> TranscriptionResult:
    request = TranscriptionRequest(path, language="en", channel_roles=roles)
    with anyio.fail_after(HANG_GUARD_SECONDS):
        return await transcript_service.recognize(whisper, request)


def _words(result: TranscriptionResult) -> str:
    return " ".join(s.text for s in result.segments).lower()


class TestNoSpeech:
    @pytest.mark.parametrize(
        ("name", "samples"),
        [
            ("silence", np.zeros(40 * SAMPLE_RATE, np.float32)),
            ("music", _music(20.0)),
            ("noise", (0.05 * _RNG.standard_normal(20 * SAMPLE_RATE)).astype(np.float32)),
        ],
    )
    async def test_gives_a_transcript_without_invented_dialogue(
        self, whisper: WhisperRecognizer, tmp_path: Path, name: str, samples: np.ndarray
    ) -> None:
        result = await _recognize(whisper, write_pcm_wav(tmp_path / f"{name}.wav", samples))
        assert result.duration_ms == len(samples) * 1000 // SAMPLE_RATE
        # Whisper may still caption non-speech ("(music)", "Thank you."), but never loops.
        assert len(result.segments) <= 4
        assert all(0 <= s.start_ms <= s.end_ms <= result.duration_ms for s in result.segments)
        assert all(s.speaker in ("doctor", "patient", "unspecified") for s in result.segments)


class TestDamagedSpeech:
    async def test_clipped_speech_is_still_recognised(
        self, whisper: WhisperRecognizer, tmp_path: Path
    ) -> None:
        clipped = np.clip(_speech() * 20.0, -0.5, 0.5)
        result = await _recognize(whisper, write_pcm_wav(tmp_path / "clipped.wav", clipped))
        assert "thompson" in _words(result) or "moore" in _words(result)

    async def test_8khz_telephone_audio_is_resampled_and_recognised(
        self, whisper: WhisperRecognizer, tmp_path: Path
    ) -> None:
        path = write_pcm_wav(tmp_path / "phone.wav", _telephone(_speech()), rate=8_000)
        result = await _recognize(whisper, path)
        assert 5900 <= result.duration_ms <= 6150
        assert "thompson" in _words(result) or "moore" in _words(result)

    async def test_one_silent_channel_of_two_gives_the_other_speaker(
        self, whisper: WhisperRecognizer, tmp_path: Path
    ) -> None:
        # Stereo asked for by channel where only the left one carries anyone.
        speech = _speech()
        stereo = tmp_path / "half.wav"
        _write_stereo(stereo, speech, np.zeros_like(speech))
        result = await _recognize(whisper, stereo, ("doctor", "patient"))
        assert result.segments
        assert {s.speaker for s in result.segments} == {"doctor"}


def _write_stereo(path: Path, left: np.ndarray, right: np.ndarray) -> None:
    frames = np.stack([left, right], axis=1)
    pcm = (np.clip(frames, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())
