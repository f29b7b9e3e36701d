"""ASR settings from the environment: every default works, vocabulary is comma-separated."""

from __future__ import annotations

import pytest

from scribe.config import Settings


def test_defaults_choose_the_local_model(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SCRIBE_ASR__PROVIDER", "SCRIBE_ASR__MODEL", "SCRIBE_ASR__VOCABULARY"):
        monkeypatch.delenv(name, raising=False)
    asr = Settings(_env_file=None).asr
    assert (asr.provider, asr.model, asr.device, asr.beam_size) == ("whisper", None, "cpu", 5)
    # Batch work decodes wide; the live stream keeps greedy decoding.
    assert (asr.vad_filter, asr.stream_beam_size, asr.stream_vad_filter) == (True, 1, True)
    assert asr.vocabulary == ()
    assert asr.vocabulary_decoding == "targeted"


def test_vocabulary_is_read_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRIBE_ASR__VOCABULARY", "metformin, lisinopril,,Ozempic ")
    monkeypatch.setenv("SCRIBE_ASR__BEAM_SIZE", "3")
    asr = Settings(_env_file=None).asr
    assert asr.vocabulary == ("metformin", "lisinopril", "Ozempic")
    assert asr.beam_size == 3


def test_vocabulary_decoding_is_read_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRIBE_ASR__VOCABULARY_DECODING", "targeted")
    assert Settings(_env_file=None).asr.vocabulary_decoding == "targeted"
    monkeypatch.setenv("SCRIBE_ASR__VOCABULARY_DECODING", "sometimes")
    with pytest.raises(ValueError, match="vocabulary_decoding"):
        Settings(_env_file=None)
