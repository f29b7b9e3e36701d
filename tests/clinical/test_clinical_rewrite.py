import pytest

from scribe.clinical import to_clinical
from scribe.clinical.types import SpeakerRole


class TestPatientVoice:
    @pytest.mark.parametrize(
        ("sentence", "expected"),
        [
            ("I have had knee pain for two days", "The patient has had knee pain for two days."),
            ("my knee hurts", "The patient's knee hurts."),
            ("I'm feeling better", "The patient is feeling better."),
            ("I am tired all the time", "The patient is tired all the time."),
            ("I think I have a cold", "The patient thinks they have a cold."),
            ("i do n't smoke .", "The patient does not smoke."),
            ("I just feel tired", "The patient just feels tired."),
        ],
    )
    def test_first_person_becomes_third(self, sentence: str, expected: str) -> None:
        assert to_clinical(sentence, "patient") == expected


class TestDoctorVoice:
    @pytest.mark.parametrize(
        ("sentence", "expected"),
        [
            ("I'm going to prescribe ibuprofen", "Plan to prescribe ibuprofen."),
            ("your X-ray shows no fracture", "X-ray shows no fracture."),
            ("let's get an mri of your knee", "Plan to get an MRI of the patient's knee."),
            (
                "i want you to weigh yourself every day .",
                "The patient should weigh themselves every day.",
            ),
            ("i'll see you in two weeks , okay ?", "Will see the patient in two weeks."),
            ("i think you're retaining fluid .", "I think the patient is retaining fluid."),
            ("you have a sprain", "The patient has a sprain."),
        ],
    )
    def test_second_person_becomes_third(self, sentence: str, expected: str) -> None:
        assert to_clinical(sentence, "doctor") == expected


class TestCleanup:
    @pytest.mark.parametrize(
        ("sentence", "speaker", "expected"),
        [
            (
                "um, so, I, I just feel out of sorts , you know .",
                "patient",
                "The patient just feels out of sorts.",
            ),
            ("i feel kinda , like , tired", "patient", "The patient feels kind of tired."),
            ("okay , well , the rash is red", "unspecified", "The rash is red."),
            (
                "uh , it hurts when i'm doing doing chores",
                "patient",
                "It hurts when the patient is doing chores.",
            ),
            ("right knee pain since monday", "patient", "Right knee pain since monday."),
        ],
    )
    def test_fillers_stutters_and_spacing(
        self, sentence: str, speaker: SpeakerRole, expected: str
    ) -> None:
        assert to_clinical(sentence, speaker) == expected

    def test_adds_no_content_words(self) -> None:
        sentence = "i've been taking lisinopril 20 mg for my blood pressure"
        result = to_clinical(sentence, "patient")
        added = set(result.lower().rstrip(".").split()) - set(sentence.split())
        assert added <= {"the", "patient", "has", "patient's", "their"}
        assert result == "The patient has been taking lisinopril 20 mg for their blood pressure."
