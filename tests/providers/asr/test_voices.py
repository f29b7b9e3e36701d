"""Voices on mixed audio: the real speaker encoder and real tiny.en on committed visits."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from scribe.providers.asr import voices
from scribe.providers.asr.base import AsrSegment, TranscriptionRequest, TranscriptionResult
from scribe.providers.asr.voices import VoiceModel, cluster_voices, segment_embeddings
from scribe.providers.asr.whisper import WhisperRecognizer
from scribe.transcripts.service import recognize
from tests.providers.asr.conftest import AUDIO, write_pcm_wav


def _reference(name: str) -> list[dict[str, object]]:
    segments: list[dict[str, object]] = json.loads((AUDIO / f"{name}.json").read_text())["segments"]
    return segments


def _who(segment: AsrSegment, reference: list[dict[str, object]]) -> str:
    """The reference speaker who talks longest within the segment."""
    overlap: Counter[str] = Counter()
    for turn in reference:
        start, end = int(str(turn["start_ms"])), int(str(turn["end_ms"]))
        shared = min(segment.end_ms, end) - max(segment.start_ms, start)
        if shared > 0:
            overlap[str(turn["speaker"])] += shared
    return overlap.most_common(1)[0][0] if overlap else "-"


def _role_share(result: TranscriptionResult, reference: list[dict[str, object]]) -> float:
    """Share of the reference speech time whose recognised segment has the right role."""
    right = total = 0
    for turn in reference:
        start, end = int(str(turn["start_ms"])), int(str(turn["end_ms"]))
        total += end - start
        for s in result.segments:
            if s.speaker == turn["speaker"]:
                right += max(0, min(s.end_ms, end) - max(s.start_ms, start))
    return right / total


@pytest.fixture(scope="module")
def model() -> VoiceModel:
    return VoiceModel.default()


class TestEncoder:
    def test_speech_gives_a_unit_vector(self, model: VoiceModel) -> None:
        t = np.arange(16_000 * 2) / 16_000
        vector = model.embed((0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))
        assert vector is not None
        assert vector.shape == (256,)
        assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4

    def test_silence_gives_nothing(self, model: VoiceModel) -> None:
        assert model.embed(np.zeros(16_000, np.float32)) is None
        assert model.embed(np.zeros(0, np.float32)) is None

    def test_nothing_to_cluster(self) -> None:
        assert cluster_voices([None, None], [1000, 1000]) == [None, None]
        assert cluster_voices([], []) == []


class TestMixedVisits:
    async def test_two_voices_get_the_right_roles(self, whisper: WhisperRecognizer) -> None:
        audio = AUDIO / "knee_visit.ogg"
        result = await recognize(whisper, TranscriptionRequest(audio, language="en"))
        reference = _reference("knee_visit")
        labels = voices.voice_labels(audio, result.segments)
        # Every voice label stands for one reference speaker.
        pairs = {
            (label, _who(s, reference)) for s, label in zip(result.segments, labels, strict=True)
        }
        assert len({label for label, _ in pairs if label is not None}) == 2
        assert len(pairs - {(None, "doctor"), (None, "patient")}) == 2
        assert _role_share(result, reference) >= 0.9

    async def test_one_voice_is_one_voice(self, whisper: WhisperRecognizer) -> None:
        audio = AUDIO / "one_voice.ogg"
        result = await recognize(whisper, TranscriptionRequest(audio, language="en"))
        assert result.segments
        assert set(voices.voice_labels(audio, result.segments)) <= {0, None}
        assert all(s.speaker != "unspecified" for s in result.segments)

    async def test_a_relative_is_unspecified(self, whisper: WhisperRecognizer) -> None:
        audio = AUDIO / "three_voices.ogg"
        result = await recognize(whisper, TranscriptionRequest(audio, language="en"))
        reference = _reference("three_voices")
        # The reference names the relative "relative"; the transcript's role for them is none.
        relative = [
            {**t, "speaker": "unspecified"} for t in reference if t["speaker"] == "relative"
        ]
        for role in ("doctor", "patient"):
            assert _role_share(result, [t for t in reference if t["speaker"] == role]) >= 0.9
        assert _role_share(result, relative) >= 0.9

    async def test_overlapping_speech(self, whisper: WhisperRecognizer, tmp_path: Path) -> None:
        first = segment_audio(AUDIO / "knee_visit.ogg", 0, 6_000)
        mixed = first.copy()
        mixed[24_000:] += 0.6 * first[: len(first) - 24_000]  # the same visit 1.5 s later
        audio = write_pcm_wav(tmp_path / "overlap.wav", mixed / max(1.0, np.abs(mixed).max()))
        result = await recognize(whisper, TranscriptionRequest(audio, language="en"))
        assert result.segments
        assert all(s.speaker in {"doctor", "patient"} for s in result.segments)

    async def test_silence(self, whisper: WhisperRecognizer, tmp_path: Path) -> None:
        audio = write_pcm_wav(tmp_path / "silence.wav", np.zeros(16_000 * 3, np.float32))
        result = await recognize(whisper, TranscriptionRequest(audio, language="en"))
        assert result.segments == ()
        # Segments over silence (a recogniser's hallucination) get no voice, and no crash.
        ghosts = [AsrSegment(0, 1500, "Thank you."), AsrSegment(1500, 2900, "Bye.")]
        assert voices.voice_labels(audio, ghosts) == [None, None]

    def test_segments_past_the_end_and_out_of_order(self, model: VoiceModel) -> None:
        audio = AUDIO / "knee_visit.ogg"
        segments = [
            AsrSegment(9_800, 17_800, "b"),
            AsrSegment(0, 3_600, "a"),
            AsrSegment(0, 200, "too short"),
            AsrSegment(36_000, 90_000, "runs past the end"),
            AsrSegment(95_000, 99_000, "after the end"),
        ]
        vectors = segment_embeddings(audio, segments, model)
        assert [v is not None for v in vectors] == [True, True, False, True, False]


def segment_audio(path: Path, start_ms: int, end_ms: int) -> np.ndarray:
    from scribe.providers.asr.audio import iter_chunks

    samples = np.concatenate([c.samples[0] for c in iter_chunks(path, per_channel=False)])
    return samples[start_ms * 16 : end_ms * 16].astype(np.float32)


async def test_a_voice_failure_leaves_roles_to_the_wording(tmp_path: Path) -> None:
    from scribe.transcripts.service import voice_labels

    result = TranscriptionResult(segments=(AsrSegment(0, 2000, "Do you smoke?"),), duration_ms=2000)
    assert await voice_labels(tmp_path / "gone.ogg", result) is None
    stereo = TranscriptionResult(
        segments=(AsrSegment(0, 2000, "Hello.", channel=0, speaker="doctor"),), duration_ms=2000
    )
    assert await voice_labels(tmp_path / "gone.ogg", stereo) is None
