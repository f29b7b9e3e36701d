import pytest

from scribe.clinical import is_negated, negated_symptoms
from scribe.clinical.negation import is_negative_answer, is_positive_answer


class TestIsNegated:
    @pytest.mark.parametrize(
        ("sentence", "term"),
        [
            ("No fever.", "fever"),
            ("She denies chest pain.", "chest pain"),
            ("I haven't had any fever.", "fever"),
            ("i have n't had any fever .", "fever"),
            ("Negative for nausea.", "nausea"),
            ("Denies fever, chills, nausea, vomiting, or diarrhea.", "diarrhea"),
            ("Fever is absent.", "fever"),
        ],
    )
    def test_negated(self, sentence: str, term: str) -> None:
        assert is_negated(sentence, term)

    @pytest.mark.parametrize(
        ("sentence", "term"),
        [
            ("I have a fever.", "fever"),
            ("No cough, but I do have a fever.", "fever"),
            ("No fever.", "cough"),
        ],
    )
    def test_not_negated(self, sentence: str, term: str) -> None:
        assert not is_negated(sentence, term)

    def test_negated_symptoms_lists_canonical_names(self) -> None:
        assert negated_symptoms("I'm not short of breath and have no fevers.") == [
            "shortness of breath",
            "fever",
        ]


class TestAnswers:
    @pytest.mark.parametrize("reply", ["no , no .", "Nope.", "No, I haven't.", "not really"])
    def test_negative(self, reply: str) -> None:
        assert is_negative_answer(reply)

    def test_a_no_with_content_is_not_bare(self) -> None:
        assert not is_negative_answer("No, but I have a cough.")

    def test_positive(self) -> None:
        assert is_positive_answer("uh, yeah.")
        assert not is_positive_answer("yeah, it hurts at night")
