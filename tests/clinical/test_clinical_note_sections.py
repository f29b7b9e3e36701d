"""Each kind of note content, on a small hand-written visit, lands in its section with sources."""

import pytest

from scribe.clinical import (
    BUILTIN_TEMPLATES,
    NoteDraft,
    extract_allergies,
    extract_medications,
    extract_vitals,
    parse_transcript,
    write_note,
)
from scribe.clinical.chief import stated_reason
from scribe.clinical.gender import patient_gender
from scribe.clinical.numbers import digits
from scribe.clinical.ros import review_of_systems

VISIT = """[doctor] good morning mrs. jones . she is a 52 year old female here for left knee pain .
[doctor] how long has it been bothering you ?
[patient] about three weeks . it hurts when i climb stairs and my knee swells at night .
[doctor] any fever or chills ?
[patient] no .
[doctor] any numbness or tingling in your leg ?
[patient] no , but i do feel tired .
[doctor] do you have any medical problems ?
[patient] i have high blood pressure and i had my gallbladder removed years ago .
[doctor] does anyone in your family have arthritis ?
[patient] my mother had rheumatoid arthritis .
[doctor] do you smoke or drink ?
[patient] i do n't smoke . i drink a glass of wine on weekends .
[doctor] what medications are you taking ?
[patient] i take lisinopril 20 mg once a day .
[doctor] any allergies to medications ?
[patient] i'm allergic to penicillin .
[doctor] your blood pressure today is 130 over 85 and your heart rate is 72 .
[doctor] on exam , there is tenderness over the medial joint line and a small effusion .
[doctor] your x-ray shows mild degenerative changes .
[doctor] i think you have osteoarthritis of the left knee .
[doctor] i'm going to prescribe meloxicam 15 mg once daily and refer you to physical therapy .
[doctor] i'd like to see you back in six weeks .
[patient] okay , sounds good ."""


def _note(text: str = VISIT) -> NoteDraft:
    return write_note(parse_transcript(text), BUILTIN_TEMPLATES["HP"])


def _section(note: NoteDraft, key: str) -> list[str]:
    return [s.text for s in next(s for s in note.sections if s.key == key).sentences]


class TestHistory:
    def test_chief_complaint_is_the_stated_reason(self) -> None:
        assert _section(_note(), "chief_complaint") == ["Left knee pain."]

    def test_the_introduction_opens_the_history(self) -> None:
        history = _section(_note(), "history_of_present_illness")
        assert history[0].endswith("52 year old female here for left knee pain.")
        assert "About 3 weeks." in history

    def test_past_family_and_social_history(self) -> None:
        note = _note()
        assert any("gallbladder removed" in s for s in _section(note, "past_medical_history"))
        assert _section(note, "family_history") == [
            "The patient's mother had rheumatoid arthritis."
        ]
        social = _section(note, "social_history")
        assert "The patient does not smoke." in social
        assert "She drinks a glass of wine on weekends." in social

    def test_medications_with_dose_and_frequency(self) -> None:
        assert _section(_note(), "medications") == [
            "The patient takes lisinopril 20 mg once a day."
        ]
        lisinopril = extract_medications("i take lisinopril 20 mg once a day")[0]
        assert (lisinopril.dose, lisinopril.frequency) == ("20 mg", "once a day")

    def test_allergies(self) -> None:
        assert _section(_note(), "allergies") == ["The patient is allergic to penicillin."]
        assert extract_allergies("i'm allergic to penicillin .") == ["penicillin"]


class TestReviewOfSystems:
    def test_reported_and_denied_symptoms_by_system(self) -> None:
        assert _section(_note(), "review_of_systems") == [
            "Constitutional: Reports fatigue. Denies fever and chills."
        ]

    def test_a_no_that_goes_on_to_report_something_denies_nothing(self) -> None:
        # "no , but i do feel tired" answers the numbness question ambiguously: leave it out.
        assert "numbness" not in " ".join(_section(_note(), "review_of_systems"))

    def test_negated_symptom_is_not_reported(self) -> None:
        lines = review_of_systems(
            parse_transcript("[doctor] how are you ?\n[patient] i have no fever but i cough .")
        )
        assert [line.text for line in lines] == [
            "Constitutional: Denies fever.",
            "Respiratory: Reports cough.",
        ]

    def test_denial_to_a_listed_question(self) -> None:
        text = "[doctor] any nausea , vomiting or diarrhea ?\n[patient] no .\n[doctor] okay ."
        (line,) = review_of_systems(parse_transcript(text))
        assert line.text == "Gastrointestinal: Denies nausea, vomiting, and diarrhea."
        assert line.segment_ids == ("s0", "s1")


class TestFindingsAndPlan:
    def test_vitals_exam_and_results(self) -> None:
        exam = _section(_note(), "physical_exam")
        assert exam[0].startswith("The patient's blood pressure today is 130 over 85")
        assert (
            "On exam, there is tenderness over the medial joint line and a small effusion." in exam
        )
        assert "X-ray shows mild degenerative changes." in exam
        assert [v.value for v in extract_vitals(VISIT)] == ["130/85", "72"]

    def test_assessment(self) -> None:
        assert _section(_note(), "assessment") == [
            "I think the patient has osteoarthritis of the left knee."
        ]

    def test_plan_follow_up_and_agreement(self) -> None:
        assert _section(_note(), "plan") == [
            "Plan to prescribe meloxicam 15 mg once daily and refer the patient to physical"
            " therapy.",
            "Plan to see the patient back in 6 weeks.",
            "She understands and agrees with the recommended medical treatment plan.",
        ]

    def test_agreement_needs_the_patient_to_assent(self) -> None:
        text = VISIT.replace(
            "[patient] okay , sounds good .", "[patient] i'm not sure about that ."
        )
        assert not any("agrees" in s for s in _section(_note(text), "plan"))


class TestProvenance:
    def test_every_sentence_points_at_real_utterances(self) -> None:
        utterances = parse_transcript(VISIT)
        ids = {u.id for u in utterances}
        note = write_note(utterances, BUILTIN_TEMPLATES["HP"])
        for section in note.sections:
            for sentence in section.sentences:
                assert sentence.segment_ids
                assert set(sentence.segment_ids) <= ids

    def test_derived_sentences_cite_their_sources(self) -> None:
        note = _note()
        by_text = {s.text: s.segment_ids for section in note.sections for s in section.sentences}
        assert by_text["Left knee pain."] == ("s0",)
        assert by_text["Constitutional: Reports fatigue. Denies fever and chills."] == (
            "s3",
            "s4",
            "s6",
        )


class TestPatientPronouns:
    def test_gender_from_the_doctors_words(self) -> None:
        assert patient_gender(parse_transcript(VISIT)) == "female"
        male = VISIT.replace("mrs. jones . she", "mr. jones . he").replace("female", "male")
        assert patient_gender(parse_transcript(male)) == "male"

    def test_unknown_gender_keeps_neutral_pronouns(self) -> None:
        text = "[doctor] what brings you in ?\n[patient] my knee hurts and my knee is swollen ."
        assert patient_gender(parse_transcript(text)) is None

    def test_a_pronoun_for_someone_else_is_not_enough(self) -> None:
        text = "[doctor] your doctor said she found low iron , right ?\n[patient] yes ."
        assert patient_gender(parse_transcript(text)) is None

    def test_later_mentions_use_he_or_she(self) -> None:
        history = _section(_note(), "history_of_present_illness")
        assert "It hurts when the patient climbs stairs and her knee swells at night." in history


class TestChiefComplaint:
    @pytest.mark.parametrize(
        ("sentence", "expected"),
        [
            (
                "brian is a 58 year old male who presents today for follow-up of his chronic"
                " problems .",
                "Follow-up of chronic problems.",
            ),
            ("so you came in for an evaluation of that right elbow pain", "Right elbow pain."),
            (
                "the nurse told me that you're having some difficulty urinating",
                "Difficulty urinating.",
            ),
            ("i heard that you're having a sore throat", "Sore throat."),
            ("she is here with her husband who is worried", None),
            ("how are you today ?", None),
        ],
    )
    def test_stated_reason(self, sentence: str, expected: str | None) -> None:
        assert stated_reason(sentence) == expected


class TestNumbers:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("for three weeks", "for 3 weeks"),
            ("forty five percent", "45%"),
            ("twenty-two years", "22 years"),
            ("one to two weeks", "1 to 2 weeks"),
            ("no one else", "no one else"),
            ("one of them", "one of them"),
            ("once a day", "once a day"),
        ],
    )
    def test_spoken_numbers_become_digits(self, text: str, expected: str) -> None:
        assert digits(text) == expected

    def test_note_writes_digits_unless_asked_not_to(self) -> None:
        utterances = parse_transcript(VISIT)
        spoken = write_note(utterances, BUILTIN_TEMPLATES["HP"], numerals=False)
        written = write_note(utterances, BUILTIN_TEMPLATES["HP"])
        assert "About three weeks." in _section(spoken, "history_of_present_illness")
        assert "About 3 weeks." in _section(written, "history_of_present_illness")
        assert "Plan to see the patient back in 6 weeks." in _section(written, "plan")
