from scribe.clinical import answer_question, parse_transcript
from scribe.clinical.chat import NOT_MENTIONED, TOO_SHORT

VISIT = parse_transcript(
    """[doctor] what brings you in today ?
[patient] i have had a cough for a week and some wheezing at night .
[doctor] any fever ?
[patient] no .
[doctor] are you taking any medications ?
[patient] i take lisinopril 20 mg a day for my blood pressure .
[doctor] your blood pressure is 130 over 85 today .
[doctor] i think you have bronchitis . i'm going to prescribe an albuterol inhaler .
[doctor] come back in two weeks if the cough is not better ."""
)


class TestAnswerQuestion:
    def test_answers_from_matching_sentences(self) -> None:
        answer = answer_question("What meds is the patient on?", VISIT)
        assert "lisinopril 20 mg" in answer
        assert "albuterol" in answer

    def test_synonyms_and_abbreviations(self) -> None:
        answer = answer_question("What was the BP?", VISIT, max_sentences=1)
        assert answer == "The patient's blood pressure is 130 over 85 today."

    def test_denial_from_question_and_answer(self) -> None:
        assert answer_question("Did the patient have a fever?", VISIT) == "Denies fever."

    def test_limits_sentences(self) -> None:
        answer = answer_question("cough", VISIT, max_sentences=1)
        assert answer == "The patient has had a cough for a week and some wheezing at night."

    def test_no_overlap_is_honest(self) -> None:
        assert answer_question("Any history of diabetes?", VISIT) == NOT_MENTIONED
        assert answer_question("", VISIT) == NOT_MENTIONED
        assert answer_question("what about the cough?", []) == NOT_MENTIONED

    def test_summary_uses_note_sections(self) -> None:
        summary = answer_question("Please summarize the visit.", VISIT)
        assert summary.startswith("Subjective: The patient has had a cough")
        assert "Assessment: I think the patient has bronchitis." in summary

    def test_summary_of_too_little_text(self) -> None:
        assert answer_question("summary", parse_transcript("Doctor: hi")) == TOO_SHORT


class TestFollowUpQuestions:
    def test_follow_up_question_finds_the_return_visit(self) -> None:
        from scribe.clinical import answer_question, parse_transcript

        utterances = parse_transcript(
            "[patient] My knee hurts when I walk.\n"
            "[doctor] Take naproxen 500 mg twice a day.\n"
            "[doctor] Come back in two weeks if it is not better."
        )
        answer = answer_question("When is the follow-up?", utterances)
        assert "two weeks" in answer
        assert "naproxen" not in answer
