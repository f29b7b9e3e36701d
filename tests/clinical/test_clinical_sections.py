import pytest

from scribe.clinical import classify, is_small_talk
from scribe.clinical.types import Category, SpeakerRole


class TestClassify:
    @pytest.mark.parametrize(
        ("sentence", "speaker", "expected"),
        [
            ("I am here because my knee hurts.", "patient", "chief_complaint"),
            ("I have had knee pain for two days.", "patient", "hpi"),
            ("I have no fever or chills.", "patient", "ros"),
            ("I had my appendix removed years ago.", "patient", "past_history"),
            ("My mother had breast cancer.", "patient", "family_history"),
            ("I smoke a pack a day.", "patient", "social_history"),
            ("I take lisinopril 20 mg daily.", "patient", "medications"),
            ("I am allergic to penicillin.", "patient", "allergies"),
            ("Your blood pressure is 120 over 80.", "doctor", "vitals"),
            ("On exam, I see tenderness over the medial joint line.", "doctor", "exam"),
            ("Your X-ray shows no fracture.", "doctor", "results"),
            ("I think you have a sprain.", "doctor", "assessment"),
            ("I am going to order an MRI.", "doctor", "plan"),
            ("I am going to prescribe ibuprofen 600 mg.", "doctor", "prescriptions"),
            ("Come back in two weeks.", "doctor", "follow_up"),
            ("I feel anxious and my mood is low.", "patient", "behavior"),
            ("We practiced breathing exercises.", "doctor", "intervention"),
            ("That helped a lot, I will try it.", "patient", "response"),
            ("My goal is to get back to running.", "patient", "goals"),
        ],
    )
    def test_typical_sentences(
        self, sentence: str, speaker: SpeakerRole, expected: Category
    ) -> None:
        assert classify(sentence, speaker) == expected

    @pytest.mark.parametrize(
        "sentence",
        ["hi", "How are you?", "okay.", "Thank you.", "hey dragon, show me the x-ray."],
    )
    def test_small_talk_is_none(self, sentence: str) -> None:
        assert classify(sentence, "doctor") is None
        assert is_small_talk(sentence)

    def test_speaker_changes_the_category(self) -> None:
        assert classify("I see some swelling.", "doctor") == "exam"
        assert classify("I see some swelling.", "patient") != "exam"

    def test_symptom_makes_a_short_sentence_clinical(self) -> None:
        assert not is_small_talk("no fever")
