"""WER and speaker-role accuracy: the figures `scribe eval asr` prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scribe.evaluation import asr
from scribe.providers.asr.base import AsrSegment

REFERENCE = (
    asr.ReferenceTurn("doctor", "hi , ms. thompson . how are you ?", 0, 2000),
    asr.ReferenceTurn("patient", "my knee hurts .", 2000, 4000),
)


def _segment(start: int, end: int, text: str, speaker: str) -> AsrSegment:
    return AsrSegment(start_ms=start, end_ms=end, text=text, speaker=speaker)  # type: ignore[arg-type]


class TestNormalise:
    def test_punctuation_and_case_become_single_spaces(self) -> None:
        assert (
            asr.normalise("Hi, Ms. Thompson!  I'm 43-year-old.") == "hi ms thompson i m 43 year old"
        )

    def test_tokenised_reference_and_written_hypothesis_agree(self) -> None:
        assert asr.normalise("hi , ms. thompson .") == asr.normalise("Hi, Ms. Thompson.")


class TestWordErrorRate:
    def test_identical_words_score_zero(self) -> None:
        segments = [_segment(0, 4000, "Hi, Ms. Thompson. How are you? My knee hurts.", "doctor")]
        assert asr.word_error_rate(REFERENCE, segments) == 0.0

    def test_one_substitution_in_ten_words(self) -> None:
        segments = [_segment(0, 4000, "hi ms thompson how are you my knee hurt", "doctor")]
        assert asr.word_error_rate(REFERENCE, segments) == pytest.approx(1 / 9)

    def test_nothing_recognised_is_all_errors(self) -> None:
        assert asr.word_error_rate(REFERENCE, []) == 1.0


class TestRoleAccuracy:
    def test_roles_that_follow_the_turns_are_all_right(self) -> None:
        segments = [
            _segment(0, 1900, "hi ms thompson how are you", "doctor"),
            _segment(2100, 4000, "my knee hurts", "patient"),
        ]
        assert asr.role_accuracy(REFERENCE, segments) == 1.0

    def test_swapped_roles_are_all_wrong(self) -> None:
        segments = [
            _segment(0, 1900, "hi ms thompson how are you", "patient"),
            _segment(2100, 4000, "my knee hurts", "doctor"),
        ]
        assert asr.role_accuracy(REFERENCE, segments) == 0.0

    def test_share_is_counted_in_reference_words(self) -> None:
        # The doctor's six words are right; the patient's three are given to the doctor.
        segments = [_segment(0, 4000, "everything", "doctor")]
        assert asr.role_accuracy(REFERENCE, segments) == pytest.approx(6 / 9)

    def test_words_between_segments_take_the_nearest(self) -> None:
        segments = [_segment(0, 500, "hi", "doctor"), _segment(3900, 4000, "hurts", "patient")]
        # Every word falls in a gap, and each gap word is nearer its own speaker's segment.
        assert asr.role_accuracy(REFERENCE, segments) == 1.0


class TestCases:
    def test_every_audio_named_after_a_reference_is_a_case(self, tmp_path: Path) -> None:
        reference = {
            "duration_ms": 4000,
            "segments": [
                {"speaker": t.speaker, "text": t.text, "start_ms": t.start_ms, "end_ms": t.end_ms}
                for t in REFERENCE
            ],
        }
        (tmp_path / "visit.json").write_text(json.dumps(reference))
        for name in ("visit.mono.wav", "visit.stereo.ogg", "visit-other.mono.wav", "visit.txt"):
            (tmp_path / name).write_bytes(b"")
        cases = asr.find_cases(tmp_path)
        assert [case.audio.name for case in cases] == ["visit.mono.wav", "visit.stereo.ogg"]
        assert cases[0].reference == REFERENCE
        assert cases[0].duration_ms == 4000

    def test_overall_weights_files_by_reference_words(self) -> None:
        scores = [asr.AsrScore("a", 0.5, 1.0, 10), asr.AsrScore("b", 0.0, 0.0, 30)]
        assert asr.overall(scores) == pytest.approx((0.125, 0.25))
