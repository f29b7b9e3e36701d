import pytest

from scribe.clinical.fields import FieldSpec, fill_fields


@pytest.mark.parametrize(
    ("summary", "diagnosis", "treatment"),
    [
        ("Assessment: moderate asthma exacerbation.\nPlan: albuterol.", "Diagnosis", "Treatment"),
        ("Valoración: asma moderada.\nPlan: salbutamol.", "Diagnóstico", "Tratamiento"),
        ("Valoració: asma moderada.\nPla: salbutamol.", "Diagnòstic", "Tractament"),
        ("Avaliação: asma moderada.\nPlano: salbutamol.", "Diagnóstico", "Tratamento"),
    ],
)
def test_fields_match_the_notes_concepts_by_meaning(
    summary: str, diagnosis: str, treatment: str
) -> None:
    fields = [FieldSpec("d", diagnosis, "Working diagnosis"), FieldSpec("t", treatment)]
    values = fill_fields(summary, fields)
    assert values["d"] in {"moderate asthma exacerbation", "asma moderada"}
    assert values["t"] in {"albuterol", "salbutamol"}


def test_a_concept_the_text_does_not_mention_stays_empty() -> None:
    values = fill_fields("Assessment: moderate asthma exacerbation.", [FieldSpec("t", "Treatment")])
    assert values["t"] is None
