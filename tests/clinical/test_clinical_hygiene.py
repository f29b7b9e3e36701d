from scribe.clinical import parse_transcript, write_note
from scribe.clinical.hygiene import polish
from scribe.evaluation import ACI_TEMPLATE, render_note
from scribe.evaluation.notes import hygiene


class TestPolish:
    def test_strikes_spoken_hedges_and_interjections(self) -> None:
        assert polish("It kind of moved over, okay, to the left side.") == (
            "It moved over to the left side."
        )
        assert (
            polish("She is doing okay with the inhaler.") == "She is doing well with the inhaler."
        )

    def test_a_real_kind_of_reads_type_of(self) -> None:
        assert (
            polish("She asked what kind of brace works.") == "She asked what type of brace works."
        )

    def test_drops_what_is_not_a_chart_statement(self) -> None:
        assert polish("It hurts when you push there.") is None
        assert polish("Any fever.?") is None


def test_engine_notes_carry_no_second_person_fillers_or_questions() -> None:
    dialogue = """[doctor] hi , how are you doing ? what brings you in today ?
[patient] um , my knee has kind of been hurting for , you know , two weeks .
[doctor] okay . any fever ?
[patient] no , no fever .
[doctor] on exam , you have some swelling of the right knee .
[doctor] i'm gonna order an x-ray of your knee , okay ?
[patient] yeah , that sounds good ."""
    draft = write_note(parse_transcript(dialogue), ACI_TEMPLATE)
    result = hygiene([render_note(draft)])
    assert result.sentences > 0
    assert (result.second_person, result.fillers, result.questions) == (0.0, 0.0, 0.0)
    assert all(s.segment_ids for section in draft.sections for s in section.sentences)


class TestBadInput:
    def test_a_transcript_in_another_language_is_too_short_to_write(self) -> None:
        import pytest

        from scribe.clinical import TranscriptTooShortError

        spanish = (
            "[doctor] hola, ¿qué le trae hoy por aquí?\n[patient] me duele la rodilla desde hace"
            " dos semanas y tengo fiebre por la noche.\n[doctor] vamos a pedir una radiografía."
        )
        with pytest.raises(TranscriptTooShortError):
            write_note(parse_transcript(spanish), ACI_TEMPLATE)

    def test_small_talk_is_too_short_to_write(self) -> None:
        import pytest

        from scribe.clinical import TranscriptTooShortError

        chat = (
            "[doctor] hi how was the game last night\n[patient] it was great we won by ten points"
            " and the crowd was wild\n[doctor] nice i love that team they played well this year"
        )
        with pytest.raises(TranscriptTooShortError):
            write_note(parse_transcript(chat), ACI_TEMPLATE)

    def test_a_very_long_transcript_makes_a_bounded_note(self) -> None:
        from scribe.clinical.notes import MAX_SECTION_SENTENCES

        parts = "knee back neck shoulder hip ankle wrist elbow chest foot".split()
        causes = "fall lifting running cycling gardening tennis skiing hiking swimming work".split()
        lines = [
            f"[patient] my {part} has hurt for {n + 2} days since {cause} on {day} ."
            for n, (part, cause) in enumerate((p, c) for p in parts for c in causes)
            for day in ("monday", "friday")
        ]
        draft = write_note(parse_transcript("\n".join(lines)), ACI_TEMPLATE, keep="off")
        sizes = [len(section.sentences) for section in draft.sections]
        assert max(sizes) == MAX_SECTION_SENTENCES


class TestNumbersAndUnits:
    def test_spoken_doses_become_chart_doses(self) -> None:
        from scribe.clinical.numbers import digits

        assert digits("ibuprofen six hundred milligrams four times a day") == (
            "ibuprofen 600 mg 4 times a day"
        )
        assert digits("glucose two hundred fifty milligrams per deciliter") == "glucose 250 mg/dL"
        assert digits("a hundred and twenty over eighty") == "120 over 80"

    def test_readings_said_in_hundreds_are_one_number(self) -> None:
        from scribe.clinical.numbers import digits

        assert digits("one twenty five over seventy") == "125 over 70"
        assert digits("two ten over one ten") == "210 over 110"
        assert digits("one oh five") == "105"
        assert digits("she weighs two twenty pounds") == "she weighs 220 pounds"
        assert digits("one hundred and twenty five") == "125"

    def test_no_reading_is_left_half_in_words(self) -> None:
        from scribe.clinical.numbers import digits

        assert digits("come back at two thirty") == "come back at 2:30"
        # A time or a count, not a reading: left as said rather than "2 30" or "one 20".
        assert digits("two thirty") == "two thirty"
        assert digits("one twenty year old") == "one twenty year old"
        for spoken in ("one twenty five", "one forty", "one eighteen", "one twenty-two"):
            written = digits(spoken)
            assert written.isdigit(), written
            assert len(written) == 3, written

    def test_words_without_a_number_stay(self) -> None:
        from scribe.clinical.numbers import digits

        assert digits("a few milligrams more, hundreds of times") == (
            "a few milligrams more, hundreds of times"
        )
