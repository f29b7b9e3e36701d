"""Typed template fields filled by extraction: values from the source, or None."""

from __future__ import annotations

import pytest

from scribe.clinical.fields import FieldSpec, FieldType, fill_fields

SUMMARY = """Chief complaint: cough for one week.
Temperature 38.5 C, heart rate 92 bpm.
The patient denies smoking. No fever at night.
She takes lisinopril 20 mg daily and metformin 500 mg twice daily. She is not taking aspirin.
Pain is moderate, not severe.
Diagnosis: acute bronchitis.
Allergies: penicillin, sulfa and latex.
"""
TRANSCRIPT = """Do you drink alcohol?
Yes, on weekends.
Do you exercise?
No.
"""
SPANISH = """Motivo de consulta: tos desde hace una semana.
Temperatura de 37,8 grados. Niega tabaquismo.
Diagnóstico: bronquitis aguda.
Tratamiento:
- ibuprofeno 400 mg cada 8 horas
- paracetamol si fiebre
"""


def _fill(
    source: str,
    name: str,
    kind: FieldType = "string",
    description: str = "",
    options: tuple[str, ...] = (),
) -> object:
    return fill_fields(source, [FieldSpec("f", name, description, kind, options)])["f"]


class TestNumbers:
    @pytest.mark.parametrize(
        ("name", "description", "value"),
        [
            ("Temperature", "", 38.5),
            ("Heart rate", "beats per minute", 92.0),
            ("Pulse", "Heart rate in beats per minute", 92.0),
        ],
    )
    def test_the_number_next_to_the_field_words(
        self, name: str, description: str, value: float
    ) -> None:
        assert _fill(SUMMARY, name, "number", description) == value

    def test_decimal_comma(self) -> None:
        assert _fill(SPANISH, "Temperatura", "number") == 37.8

    def test_not_mentioned(self) -> None:
        assert _fill(SUMMARY, "Weight", "number", "Body weight in kg") is None

    def test_mentioned_without_a_number(self) -> None:
        assert _fill("The patient has a cough.", "Cough duration", "number") is None


class TestBooleans:
    @pytest.mark.parametrize(
        ("source", "name", "value"),
        [
            (SUMMARY, "Smoker", False),
            (SUMMARY, "Fever", False),
            (SUMMARY, "Cough", True),
            (SUMMARY, "Diabetes", None),
            ("Smoker: yes", "Smoker", True),
            ("Fever: none", "Fever", False),
            (TRANSCRIPT, "Alcohol use", True),
            (TRANSCRIPT, "Exercise", False),
            (SPANISH, "Tabaquismo", False),
            (SPANISH, "Tos", True),
        ],
    )
    def test_mentioned_negated_or_unsaid(self, source: str, name: str, value: bool | None) -> None:
        assert _fill(source, name, "boolean") is value

    def test_description_words_count_when_the_name_is_not_used(self) -> None:
        assert _fill(SUMMARY, "Tobacco", "boolean", "Does the patient smoke?") is False


class TestEnums:
    def test_option_as_declared_and_negated_options_skipped(self) -> None:
        options = ("mild", "MODERATE", "severe")
        assert _fill(SUMMARY, "Pain severity", "enum", options=options) == "MODERATE"

    def test_no_option_mentioned(self) -> None:
        assert _fill(SUMMARY, "Laterality", "enum", options=("Left", "Right")) is None

    def test_yes_no_options_follow_the_boolean(self) -> None:
        assert _fill(SUMMARY, "Smoker", "enum", options=("Yes", "No")) == "No"
        assert _fill(SPANISH, "Tos", "enum", options=("Sí", "No")) == "Sí"
        assert _fill(SUMMARY, "Diabetes", "enum", options=("Yes", "No")) is None


class TestArrays:
    def test_medications_with_dose_and_frequency_without_negated_or_allergens(self) -> None:
        assert _fill(SUMMARY, "Medications", "array") == (
            "lisinopril 20 mg daily",
            "metformin 500 mg twice daily",
        )

    def test_labelled_list(self) -> None:
        assert _fill(SUMMARY, "Allergies", "array") == ("penicillin", "sulfa", "latex")

    def test_bullets_under_a_heading_keep_their_text(self) -> None:
        assert _fill(SPANISH, "Tratamiento", "array", "Medicación indicada") == (
            "ibuprofeno 400 mg cada 8 horas",
            "paracetamol si fiebre",
        )

    def test_relevant_sentences_otherwise(self) -> None:
        source = "Knee pain for two days. The weather is nice. Pain worse when walking."
        assert _fill(source, "Pain", "array") == (
            "Knee pain for two days.",
            "Pain worse when walking.",
        )

    def test_not_mentioned(self) -> None:
        assert _fill(SUMMARY, "Surgeries", "array", "Past operations") is None


class TestStrings:
    def test_labelled_value(self) -> None:
        assert _fill(SUMMARY, "Diagnosis", description="Main diagnosis") == "acute bronchitis"

    def test_most_relevant_sentence(self) -> None:
        assert _fill(SUMMARY, "Aspirin") == "She is not taking aspirin."

    def test_no_overlap_is_none(self) -> None:
        assert _fill(SUMMARY, "Family history", description="Illnesses in relatives") is None
        assert _fill("", "Diagnosis") is None
        assert _fill(SUMMARY, "", description="") is None

    def test_spanish_text_comes_back_untouched(self) -> None:
        assert _fill(SPANISH, "Diagnóstico") == "bronquitis aguda"
        motive = _fill(SPANISH, "Motivo de consulta")
        assert motive == "tos desde hace una semana"
        assert isinstance(motive, str)
        assert motive in SPANISH


def test_every_field_gets_an_answer_deterministically() -> None:
    fields = [
        FieldSpec("a", "Temperature", type="number"),
        FieldSpec("b", "Smoker", type="boolean"),
        FieldSpec("c", "Family history"),
    ]
    first = fill_fields(SUMMARY, fields)
    assert first == fill_fields(SUMMARY, fields)
    assert first == {"a": 38.5, "b": False, "c": None}


class TestOtherLanguagesAndTranscripts:
    """Spanish, Catalan and Portuguese cues; transcript speaker labels."""

    def test_catalan_middle_dot_words_match_and_come_back_as_written(self) -> None:
        source = "Al·lèrgies: penicil·lina i pol·len."
        assert _fill(source, "Al·lèrgies", "array") == ("penicil·lina", "pol·len")
        assert _fill(source, "Al·lèrgia", "boolean") is True

    @pytest.mark.parametrize(
        ("source", "name", "value"),
        [
            ("No fuma.", "Fumador", False),
            ("Fumador activo.", "Fumador", True),
            ("Sem febre.", "Febre", False),
            ("Se descarta neumonía.", "Neumonía", False),
            ("Cap al·lèrgia coneguda.", "Al·lèrgia", False),
        ],
    )
    def test_negations_and_verb_forms(self, source: str, name: str, value: bool) -> None:
        assert _fill(source, name, "boolean") is value

    def test_a_number_after_its_label_beats_one_before(self) -> None:
        source = "Tensión arterial 150/90 mmHg, frecuencia cardiaca 102 lpm."
        assert _fill(source, "Frecuencia cardiaca", "number") == 102.0
        assert _fill(source, "Tensión arterial", "number") == 150.0

    def test_a_labelled_medication_list_is_taken_as_written(self) -> None:
        source = "Medications: ibuprofen 400 mg every 8 hours, paracetamol 1 g if fever."
        assert _fill(source, "Medications", "array") == (
            "ibuprofen 400 mg every 8 hours",
            "paracetamol 1 g if fever",
        )

    @pytest.mark.parametrize("label", ["[patient]", "Patient:", "Paciente:", "Doente:"])
    def test_speaker_labels_do_not_hide_an_answer(self, label: str) -> None:
        source = f"[doctor] Any fever?\n{label} No."
        assert _fill(source, "Fever", "boolean") is False

    def test_field_labels_are_not_speaker_labels(self) -> None:
        assert _fill("Diagnosis: gout.", "Diagnosis") == "gout"

    def test_drug_allergies_are_allergens_not_the_medication_list(self) -> None:
        source = "Allergic to penicillin.\nMedications: lisinopril 10 mg daily."
        assert _fill(source, "Allergies", "array", "Drug allergies") == ("penicillin",)
