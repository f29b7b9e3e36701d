"""Threads for speech recognition: concurrency x threads per transcription stays within the cores.

The derived values, and that the model is built with them (no timing is asserted).
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from scribe.config import ASRSettings
from scribe.providers.asr import whisper
from scribe.providers.asr.whisper import WhisperRecognizer, transcription_threads


@pytest.fixture
def cores(monkeypatch: pytest.MonkeyPatch) -> Any:
    def set_cores(count: int) -> None:
        monkeypatch.setattr(whisper, "_available_cores", lambda: count)

    return set_cores


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, (1, 1)), (2, (1, 2)), (4, (1, 4)), (8, (2, 4)), (16, (4, 4)), (6, (1, 4))],
)
def test_unset_both_are_derived_from_the_cores(
    cores: Any, count: int, expected: tuple[int, int]
) -> None:
    cores(count)
    concurrency, threads = transcription_threads(ASRSettings())
    assert (concurrency, threads) == expected
    assert concurrency * threads <= count


def test_setting_one_derives_the_other(cores: Any) -> None:
    cores(8)
    assert transcription_threads(ASRSettings(concurrency=4)) == (4, 2)
    assert transcription_threads(ASRSettings(cpu_threads=8)) == (1, 8)
    assert transcription_threads(ASRSettings(cpu_threads=3)) == (2, 3)
    # More files at once than cores: one thread each, never zero.
    assert transcription_threads(ASRSettings(concurrency=16)) == (16, 1)


def test_both_set_are_taken_as_given_with_a_warning_past_the_cores(
    cores: Any, caplog: pytest.LogCaptureFixture
) -> None:
    cores(2)
    with caplog.at_level(logging.WARNING, logger=whisper.__name__):
        assert transcription_threads(ASRSettings(concurrency=2, cpu_threads=1)) == (2, 1)
        assert not caplog.records
        assert transcription_threads(ASRSettings(concurrency=2, cpu_threads=2)) == (2, 2)
    assert [r.getMessage() for r in caplog.records] == [
        "speech recognition asks for more threads than there are cores"
    ]


def test_the_environment_sets_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from scribe.config import Settings

    monkeypatch.setenv("SCRIBE_ASR__CONCURRENCY", "3")
    monkeypatch.setenv("SCRIBE_ASR__CPU_THREADS", "2")
    asr = Settings(_env_file=None).asr
    assert (asr.concurrency, asr.cpu_threads) == (3, 2)
    monkeypatch.delenv("SCRIBE_ASR__CONCURRENCY")
    monkeypatch.delenv("SCRIBE_ASR__CPU_THREADS")
    assert (Settings(_env_file=None).asr.concurrency, Settings(_env_file=None).asr.cpu_threads) == (
        0,
        0,
    )


def test_the_model_is_built_with_them(cores: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    cores(8)
    built: list[dict[str, Any]] = []
    real = getattr(whisper, "WhisperModel")  # noqa: B009  (not re-exported, patched below)

    def spy(*args: Any, **kwargs: Any) -> Any:
        built.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(whisper, "WhisperModel", spy)
    recognizer = WhisperRecognizer(ASRSettings())
    recognizer.load()
    assert (built[0]["num_workers"], built[0]["cpu_threads"]) == (2, 4)
    # The recognizer lets as many files in at once as the model has workers.
    assert recognizer._limiter.total_tokens == 2
