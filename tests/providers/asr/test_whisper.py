"""The local recognizer: real tiny.en on real audio, every decoder path, roles and guards."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from scribe.clinical.types import SpeakerRole
from scribe.config import ASRSettings
from scribe.providers.asr import whisper as whisper_module
from scribe.providers.asr._hotwords import lost_words
from scribe.providers.asr.audio import SAMPLE_RATE, iter_chunks
from scribe.providers.asr.base import (
    TranscriptionRequest,
    TranscriptionResult,
    UnreadableAudioError,
)
from scribe.providers.asr.speakers import assign_roles
from scribe.providers.asr.whisper import (
    UnsupportedLanguageError,
    WhisperRecognizer,
    decode_options,
    resolve_language,
)
from scribe.providers.base import ProviderError
from tests.providers.asr.conftest import FORMATS, clip, write_pcm_wav

ROLES: tuple[SpeakerRole, ...] = ("doctor", "patient")


def _text(result: TranscriptionResult, channel: int | None = None) -> str:
    return " ".join(
        s.text for s in result.segments if channel is None or s.channel == channel
    ).lower()


class TestEveryFormat:
    @pytest.mark.parametrize("name", FORMATS)
    async def test_transcribes_recognisable_words(
        self, whisper: WhisperRecognizer, name: str
    ) -> None:
        result = await whisper.transcribe(TranscriptionRequest(clip(name), language="en"))
        text = _text(result)
        # Names only: tiny.en in int8 words the rest differently with the CPU's int8 kernels
        # (AMX and AVX2 machines disagree on "how are you" in the lossless files).
        assert "thompson" in text
        assert "moore" in text or "how are you" in text
        assert 6000 <= result.duration_ms <= 6150
        assert all(s.channel is None for s in result.segments)
        assert all(0 <= s.start_ms <= s.end_ms <= result.duration_ms for s in result.segments)

    async def test_details_carry_figures_not_text(self, whisper: WhisperRecognizer) -> None:
        result = await whisper.transcribe(TranscriptionRequest(clip("clip.mono.wav")))
        assert result.details["model"] == "tiny.en"
        assert result.details["beam_size"] == 5
        assert isinstance(result.details["real_time_factor"], float)
        assert "thompson" not in str(result.details).lower()
        assert result.language == "en"


class TestChannels:
    async def test_stereo_gives_each_speaker_their_channel(
        self, whisper: WhisperRecognizer
    ) -> None:
        request = TranscriptionRequest(clip("clip.stereo.wav"), channel_roles=ROLES)
        result = assign_roles(await whisper.transcribe(request), ROLES)
        assert result.channels == 2
        assert {s.channel for s in result.segments} == {0, 1}
        assert all(s.speaker == ROLES[s.channel or 0] for s in result.segments)
        assert "thompson" in _text(result, channel=0)
        assert "moore" in _text(result, channel=1)
        assert "thompson" not in _text(result, channel=1)
        assert [s.start_ms for s in result.segments] == sorted(s.start_ms for s in result.segments)

    async def test_channel_segments_keep_to_the_speakers_own_time(
        self, whisper: WhisperRecognizer
    ) -> None:
        # The doctor speaks 0-3.6 s on the left, the patient 4.0-5.7 s on the right; word times
        # keep each channel's segments inside its own speech, so the two interleave.
        request = TranscriptionRequest(clip("clip.stereo.wav"), channel_roles=ROLES)
        result = await whisper.transcribe(request)
        patient = [s for s in result.segments if s.channel == 1]
        doctor = [s for s in result.segments if s.channel == 0]
        assert min(s.start_ms for s in patient) >= 3_000
        assert max(s.end_ms for s in doctor) <= 4_500

    async def test_mono_asked_for_channels_is_mixed_and_roles_inferred(
        self, whisper: WhisperRecognizer
    ) -> None:
        # A whole visit: turns enough that the roles do not hang on how one greeting is cut.
        request = TranscriptionRequest(clip("knee_visit.ogg"), channel_roles=ROLES)
        result = assign_roles(await whisper.transcribe(request), ROLES)
        assert all(s.channel is None for s in result.segments)
        speakers = [s.speaker for s in result.segments]
        assert speakers[0] == "doctor"
        assert set(speakers) == {"doctor", "patient"}


class TestNoSpeech:
    async def test_silence_gives_no_segments(
        self, whisper: WhisperRecognizer, tmp_path: Path
    ) -> None:
        path = write_pcm_wav(tmp_path / "silence.wav", np.zeros(3 * SAMPLE_RATE, np.float32))
        result = await whisper.transcribe(TranscriptionRequest(path))
        assert result.segments == ()
        assert result.duration_ms == 3000

    async def test_unreadable_audio_is_bad_input(
        self, whisper: WhisperRecognizer, tmp_path: Path
    ) -> None:
        path = tmp_path / "visit.wav"
        path.write_text("not audio at all")
        with pytest.raises(UnreadableAudioError):
            await whisper.transcribe(TranscriptionRequest(path))


async def test_long_audio_is_transcribed_window_by_window(
    whisper: WhisperRecognizer, tmp_path: Path
) -> None:
    # The clip, 25 s of silence, the clip again: two 30 s windows, times offset into the file.
    (chunk,) = iter_chunks(clip("clip.mono.wav"), per_channel=False)
    speech = chunk.samples[0]
    samples = np.concatenate([speech, np.zeros(25 * SAMPLE_RATE, np.float32), speech])
    path = write_pcm_wav(tmp_path / "long.wav", samples)
    settings = ASRSettings(chunk_seconds=30)
    recognizer = WhisperRecognizer(settings)
    recognizer._model = whisper.load()  # share the session's model rather than load another
    told: list[float] = []
    result = await recognizer.transcribe(TranscriptionRequest(path, on_progress=told.append))
    late = [s for s in result.segments if s.start_ms >= 30_000]
    assert "thompson" in " ".join(s.text for s in late).lower()
    assert "thompson" in _text(result).split("moore")[0]
    assert result.duration_ms == len(samples) * 1000 // SAMPLE_RATE
    # Progress is told as segments come, window after window, and ends at the whole file.
    assert told == sorted(told)
    assert any(0.05 < fraction < 0.5 for fraction in told)  # within the first window
    assert any(0.5 <= fraction < 1.0 for fraction in told)
    assert told[-1] == 1.0


async def test_per_channel_progress_counts_each_channel(whisper: WhisperRecognizer) -> None:
    told: list[float] = []
    request = TranscriptionRequest(
        clip("clip.stereo.wav"), channel_roles=ROLES, on_progress=told.append
    )
    await whisper.transcribe(request)
    assert told == sorted(told)
    assert 0.5 in told  # the left channel done, the right one to go
    assert told[-1] == 1.0


async def test_vocabulary_biases_the_model(whisper: WhisperRecognizer) -> None:
    request = TranscriptionRequest(clip("clip.ogg"), channel_roles=ROLES, vocabulary=("Moore",))
    result = await whisper.transcribe(request)
    assert "moore" in _text(result, channel=0)


def test_a_window_whose_words_hotwords_lost_is_told_apart() -> None:
    # The signature of a window a small model decoded without timestamps under hotwords.
    lost = SimpleNamespace(start=0.0, end=30.0, text="I have but I miss them every year")
    long_but_full = SimpleNamespace(start=30.0, end=60.0, text=" ".join(["word"] * 80))
    short = SimpleNamespace(start=60.0, end=64.0, text="Okay.")
    assert lost_words(lost)
    assert not lost_words(long_but_full)
    assert not lost_words(short)


class TestLanguage:
    async def test_other_languages_are_refused_by_an_english_model(
        self, whisper: WhisperRecognizer
    ) -> None:
        request = TranscriptionRequest(clip("clip.mono.wav"), language="es-ES")
        with pytest.raises(UnsupportedLanguageError, match="English-only") as raised:
            await whisper.transcribe(request)
        assert raised.value.status_code == 400
        assert raised.value.error_code == "unsupported_language"

    @pytest.mark.parametrize(
        ("requested", "expected"), [(None, "en"), ("en", "en"), ("en-US", "en"), ("EN_gb", "en")]
    )
    def test_english_tags(self, requested: str | None, expected: str) -> None:
        assert resolve_language(requested, ["en"]) == expected

    def test_multilingual_models_detect_or_take_the_primary_tag(self) -> None:
        assert resolve_language(None, ["en", "es", "fr"]) is None
        assert resolve_language("pt-BR", ["en", "pt"]) == "pt"


class TestDecodeOptions:
    def test_vocabulary_from_settings_and_request_become_hotwords(self) -> None:
        settings = ASRSettings(vocabulary="metformin, lisinopril")
        request = TranscriptionRequest(Path("x.wav"), vocabulary=("Ozempic", "metformin"))
        options = decode_options(settings, request, "en")
        assert options["hotwords"] == "metformin, lisinopril, Ozempic"
        assert "initial_prompt" not in options

    def test_decoding_is_guarded_against_loops(self) -> None:
        options = decode_options(ASRSettings(), TranscriptionRequest(Path("x.wav")), "en")
        assert options["condition_on_previous_text"] is False
        assert options["compression_ratio_threshold"] == 2.4
        assert options["vad_filter"] is True
        assert options["hotwords"] is None

    def test_the_live_stream_decodes_for_latency(self) -> None:
        request = TranscriptionRequest(Path("stream"))
        batch = decode_options(ASRSettings(), request, "en")
        live = decode_options(ASRSettings(), request, "en", live=True)
        assert (batch["beam_size"], batch["vad_filter"]) == (5, True)
        assert (live["beam_size"], live["vad_filter"]) == (1, True)

    def test_the_request_may_widen_the_beam(self) -> None:
        request = TranscriptionRequest(Path("x.wav"), beam_size=5)
        assert decode_options(ASRSettings(beam_size=1), request, "en")["beam_size"] == 5


async def test_a_model_that_is_not_there_is_a_provider_error() -> None:
    recognizer = WhisperRecognizer(ASRSettings(model="no-such-model.en"))
    with pytest.raises(ProviderError, match=r"no-such-model\.en"):
        await recognizer.transcribe(TranscriptionRequest(clip("clip.mono.wav")))


class TestPauses:
    """Channel segments are cut where the words pause (the other speaker's turn)."""

    @staticmethod
    def _piece(*words: tuple[float, float, str]) -> SimpleNamespace:
        found = [SimpleNamespace(start=a, end=b, word=w) for a, b, w in words]
        return SimpleNamespace(start=words[0][0], end=words[-1][1], text="", words=found)

    def test_a_long_pause_splits_the_segment(self) -> None:
        piece = self._piece((0.0, 0.4, " Hi"), (0.5, 0.9, " there."), (3.0, 3.5, " Yes."))
        assert whisper_module._runs(piece) == [(0.0, 0.9, " Hi there."), (3.0, 3.5, " Yes.")]

    def test_short_pauses_keep_it_whole(self) -> None:
        piece = self._piece((0.0, 0.4, " Hi"), (0.8, 1.2, " there."))
        assert whisper_module._runs(piece) == [(0.0, 1.2, " Hi there.")]

    def test_without_word_times_the_segment_is_kept(self) -> None:
        piece = SimpleNamespace(start=1.0, end=2.0, text=" Okay.", words=None)
        assert whisper_module._runs(piece) == [(1.0, 2.0, " Okay.")]
