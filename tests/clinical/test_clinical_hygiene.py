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
