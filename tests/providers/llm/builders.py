"""Small builders shared by the text-provider tests."""

from __future__ import annotations

from scribe.clinical import TemplateSpec, Utterance, get_template, parse_transcript
from scribe.providers.llm.base import FieldSpec, FieldsRequest, NoteRequest, SourceItem

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
RECORD = (
    SourceItem("c1", "condition", "Essential hypertension", "2019-03-01"),
    SourceItem("m1", "medication", "lisinopril 20 mg once daily"),
    SourceItem("m2", "medication", "metformin 500 mg twice daily"),
    SourceItem("a1", "allergy", "penicillin (hives)"),
    SourceItem("o1", "observation", "Blood pressure 142/90 mmHg", "2024-05-01"),
)
FIELDS = (
    FieldSpec("f-temp", "Temperature", "Body temperature in Celsius", "number"),
    FieldSpec("f-smoker", "Smoker", "Does the patient smoke?", "boolean"),
    FieldSpec("f-severity", "Severity", "", "enum", ("Mild", "Moderate", "Severe")),
    FieldSpec("f-meds", "Medications", "Current medications", "array"),
    FieldSpec("f-dx", "Diagnosis", "Main diagnosis", "string"),
)
SUMMARY = (
    "Temperature 38.5 C. The patient denies smoking. Pain is moderate. "
    "She takes lisinopril 20 mg daily. Diagnosis: acute bronchitis."
)


def soap() -> TemplateSpec:
    template = get_template("SOAP")
    assert template is not None
    return template


def note_request(utterances: tuple[Utterance, ...] | list[Utterance] = VISIT) -> NoteRequest:
    return NoteRequest(utterances, template=soap())


def fields_request() -> FieldsRequest:
    return FieldsRequest(SUMMARY, FIELDS, language="en")
