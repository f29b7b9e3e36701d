"""The embedded ICD-10-CM coder, its term table and the proposed-code validator."""

from __future__ import annotations

import warnings

import pytest

from scribe.clinical.coding import NOT_A_CODE, ProposedCode, code_note, validate_codes
from scribe.clinical.coding_terms import TERMS

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import simple_icd_10_cm as cm  # type: ignore[import-untyped]

TABLE_CODES = sorted({c for t in TERMS for c in (t.code, t.right, t.left) if c})


def final_codes(text: str) -> list[str]:
    return [item.code for item in code_note(text).final]


def discarded_codes(text: str) -> list[str]:
    return [item.code for item in code_note(text).discarded]


class TestTermTable:
    @pytest.mark.parametrize("code", TABLE_CODES)
    def test_every_code_is_a_billable_icd10cm_code(self, code: str) -> None:
        assert cm.is_valid_item(code)
        assert cm.is_leaf(code)

    def test_descriptions_are_the_official_ones(self) -> None:
        result = code_note("Type 2 diabetes. Right knee pain. Hypothyroidism.")
        for item in result.final:
            assert item.description == cm.get_description(item.code)


class TestMatching:
    def test_a_finding_is_coded_with_its_sentence_as_evidence(self) -> None:
        note = "Patient seen today. She has type 2 diabetes, well controlled."
        [item] = code_note(note).final
        assert item.code == "E11.9"
        assert item.justification == "She has type 2 diabetes, well controlled."
        assert item.justification in note

    def test_the_longest_phrase_wins(self) -> None:
        assert final_codes("Iron deficiency anemia.") == ["D50.9"]

    def test_hypertension_with_heart_failure_is_combined(self) -> None:
        assert sorted(final_codes("Congestive heart failure. Hypertension.")) == ["I11.0", "I50.9"]


class TestNegationAndContext:
    @pytest.mark.parametrize(
        "note",
        [
            "He denies chest pain.",
            "No history of asthma.",
            "Negative for pneumonia.",
            "Her mother has type 2 diabetes.",
            "Possible GERD versus gastritis.",
            "The pneumonia has resolved.",
        ],
    )
    def test_the_finding_is_not_coded(self, note: str) -> None:
        assert final_codes(note) == []
        assert discarded_codes(note)

    def test_the_negation_reason_is_in_the_justification(self) -> None:
        [item] = code_note("He denies chest pain.").discarded
        assert item.justification.startswith("negated: ")

    def test_only_the_assessment_is_coded_when_there_is_one(self) -> None:
        note = "HISTORY OF PRESENT ILLNESS\nHe has asthma.\n\nASSESSMENT AND PLAN\nHypertension."
        assert final_codes(note) == ["I10"]
        assert "J45.909" in discarded_codes(note)

    def test_a_symptom_explained_by_a_diagnosis_is_dropped(self) -> None:
        note = "Congestive heart failure with fatigue and edema."
        assert final_codes(note) == ["I50.9"]


class TestLaterality:
    @pytest.mark.parametrize(
        ("note", "code"),
        [
            ("Right knee pain.", "M25.561"),
            ("Pain: left knee pain for a week.", "M25.562"),
            ("Knee pain.", "M25.569"),
            ("Right knee MCL strain.", "S83.411A"),
            ("Left ankle sprain.", "S93.402A"),
            ("Right wrist Colles fracture.", "S52.531A"),
        ],
    )
    def test_the_side_picks_the_code(self, note: str, code: str) -> None:
        assert final_codes(note) == [code]

    def test_a_missing_side_lowers_confidence(self) -> None:
        [sided] = code_note("Right knee pain.").final
        [unsided] = code_note("Knee pain.").final
        assert unsided.confidence_percent < sided.confidence_percent


class TestValidateCodes:
    def test_valid_codes_get_the_official_description(self) -> None:
        valid, invalid = validate_codes([ProposedCode("e119", "diabetic", 90.0)])
        assert invalid == []
        assert valid[0].code == "E11.9"
        assert valid[0].description == "Type 2 diabetes mellitus without complications"

    @pytest.mark.parametrize("code", ["E11", "XYZ.1", "", "I10.99", "!!"])
    def test_unknown_or_non_billable_codes_are_discarded(self, code: str) -> None:
        valid, invalid = validate_codes([ProposedCode(code, "guess", 140.0)])
        assert valid == []
        assert invalid[0].justification == NOT_A_CODE
        assert invalid[0].confidence_percent == 100.0
