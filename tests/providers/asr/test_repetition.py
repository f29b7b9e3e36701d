"""The hallucination guard on synthetic segments: loops go, real dialogue stays."""

from __future__ import annotations

import pytest

from scribe.providers.asr._repetition import RepetitionGuard, has_loop, is_degenerate, words_of


def _kept(*texts: str) -> list[str]:
    guard = RepetitionGuard()
    return [text for text in texts if guard.accept(text)]


class TestRepeatedSegments:
    def test_a_sentence_said_again_is_dropped(self) -> None:
        line = "I'm going to prescribe you some ibuprofen."
        assert _kept(line, line, line) == [line]

    def test_a_repeat_a_few_segments_later_is_dropped(self) -> None:
        line = "Thank you for watching this video."
        assert _kept(line, "Okay.", line) == [line, "Okay."]

    def test_punctuation_and_case_do_not_hide_a_repeat(self) -> None:
        assert _kept("Take it twice a day.", "take it, twice a day") == ["Take it twice a day."]

    def test_short_answers_may_repeat_twice(self) -> None:
        assert _kept("No.", "No.") == ["No.", "No."]

    def test_a_short_answer_looping_is_cut_at_two(self) -> None:
        assert _kept("Thank you.", "Thank you.", "Thank you.", "Thank you.") == ["Thank you."] * 2

    def test_dialogue_with_recurring_short_answers_is_kept(self) -> None:
        dialogue = ("Any fever?", "No.", "Any chills?", "No.", "Any cough?", "No.")
        assert _kept(*dialogue) == list(dialogue)

    def test_the_same_sentence_far_apart_is_kept(self) -> None:
        line = "How is the pain in your knee?"
        others = ("It hurts.", "Since Monday.", "When I climb stairs.")
        assert _kept(line, *others, line) == [line, *others, line]

    def test_the_same_sentence_minutes_later_is_kept(self) -> None:
        # A clinician greeting each new arrival, five minutes apart with silence between.
        guard = RepetitionGuard()
        line = "Hi, I'm Dr. Moore, how are you?"
        assert guard.accept(line, 0.0, 3.0)
        assert guard.accept(line, 300.0, 303.0)
        assert not guard.accept(line, 304.0, 307.0)  # but said again at once it is a loop

    def test_empty_text_is_dropped_without_counting_as_a_loop(self) -> None:
        guard = RepetitionGuard()
        assert not guard.accept("  ...  ")
        assert guard.accept("Okay.")
        assert guard.dropped == 0

    def test_dropped_loops_are_counted(self) -> None:
        guard = RepetitionGuard()
        for _ in range(4):
            guard.accept("I'll see you in two weeks for a follow up.")
        assert guard.dropped == 3


class TestLoopsInsideASegment:
    @pytest.mark.parametrize(
        "text",
        [
            "the the the the the the the the the the the",
            "I'm going to I'm going to I'm going to I'm going to I'm going to",
            "and then we and then we and then we and then we",
            "Okay, so take the medication. " * 3,
        ],
    )
    def test_loops_are_found(self, text: str) -> None:
        assert has_loop(words_of(text))
        assert _kept(text) == []

    @pytest.mark.parametrize(
        "text",
        [
            "No, no, no. It just seems to be the knee.",
            "Hi, Dr. Moore, Dr. Moore, Dr. Moore.",
            "Very, very, very painful when I bend it.",
            "Well, I was trying to change a light bulb, and I was up on a ladder.",
        ],
    )
    def test_natural_repetition_is_kept(self, text: str) -> None:
        assert not has_loop(words_of(text))
        assert _kept(text) == [text]

    def test_character_loops_are_degenerate(self) -> None:
        assert is_degenerate("ha" * 40)
        assert is_degenerate("!" * 60)
        assert not is_degenerate("All right, hey, Ms. Thompson is a 43 year old female here.")
