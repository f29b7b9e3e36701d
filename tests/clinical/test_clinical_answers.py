import pytest

from scribe.clinical.answers import asked_symptoms, paired_reply


class TestPairedReply:
    def test_no_to_a_symptom_list_is_a_denial(self) -> None:
        assert paired_reply("no , no .", "any nausea or vomiting , diarrhea ?", set()) == (
            "Denies nausea, vomiting, and diarrhea.",
            "ros",
        )

    def test_yes_to_one_symptom_is_a_report(self) -> None:
        assert paired_reply("yeah .", "do you feel short of breath ?", set()) == (
            "Reports shortness of breath.",
            "hpi",
        )

    @pytest.mark.parametrize(
        ("question", "expected"),
        [
            ("Any allergies?", ("Denies allergies.", "allergies")),
            ("Do you smoke or drink?", ("Denies tobacco use and alcohol use.", "social_history")),
            ("Have you had any surgeries?", ("Denies prior surgeries.", "past_history")),
        ],
    )
    def test_no_to_history_topics(self, question: str, expected: tuple[str, str]) -> None:
        assert paired_reply("No.", question, set()) == expected

    def test_never_denies_a_symptom_the_patient_reported(self) -> None:
        assert paired_reply("no", "any fever or cough?", {"cough"}) == ("Denies fever.", "ros")

    def test_reply_with_content_is_not_paired(self) -> None:
        assert paired_reply("no, but my knee hurts", "any fever?", set()) is None

    def test_yes_to_several_symptoms_is_ambiguous(self) -> None:
        assert paired_reply("yes", "any fever or chills?", set()) is None


class TestAskedSymptoms:
    def test_symptom_referred_back_to_is_not_asked(self) -> None:
        assert asked_symptoms("any new lesions on your legs from the swelling?") == []

    def test_canonical_names(self) -> None:
        assert asked_symptoms("any fevers or trouble breathing?") == [
            "fever",
            "shortness of breath",
        ]
