"""FHIR bundles into record items: validation errors name a path, items say only the record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scribe.clinical import fhir
from scribe.clinical.fhir_text import medication, observation

BUNDLE = json.loads(
    (Path(__file__).parents[1] / "data" / "clinia" / "bundle_each_type.json").read_text()
)


def bundle_of(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }


class TestValidation:
    def test_a_valid_bundle_passes_unchanged(self) -> None:
        assert fhir.validate_bundle(BUNDLE) is BUNDLE

    @pytest.mark.parametrize(
        ("payload", "message"),
        [
            ([], "bundle.resourceType must be Bundle"),
            ({"resourceType": "Patient"}, "bundle.resourceType must be Bundle"),
            (
                {"resourceType": "Bundle", "type": "collection", "entry": 3},
                "bundle.entry must be a list",
            ),
            (bundle_of({"id": "x"}), "bundle.entry[0].resource.resourceType is required"),
            (
                bundle_of({"resourceType": "Dosage"}),
                "bundle.entry[0].resource.resourceType is not a FHIR R4 resource",
            ),
            ({"resourceType": "Bundle"}, "bundle.type is required"),
            (
                bundle_of(
                    {
                        "resourceType": "Observation",
                        "status": "final",
                        "code": {"text": "x"},
                        "valueQuantity": {"value": "PHI-high"},
                    }
                ),
                "bundle.entry[0].resource.valueQuantity.value is invalid",
            ),
            (
                bundle_of({"resourceType": "Condition", "subject": {}, "madeUp": 1}),
                "bundle.entry[0].resource.madeUp is not an element of this resource",
            ),
        ],
    )
    def test_problems_are_named_by_path_without_values(self, payload: Any, message: str) -> None:
        with pytest.raises(fhir.BundleError) as caught:
            fhir.validate_bundle(payload)
        assert str(caught.value) == message
        assert "PHI" not in str(caught.value)


class TestItems:
    def test_each_resource_type_becomes_one_item(self) -> None:
        extract = fhir.record_items(BUNDLE)
        kinds = {item.id: item.kind for item in extract.items}
        assert kinds == {
            "MedicationStatement/ms1": "medication",
            "MedicationRequest/mr1": "medication",
            "Condition/c1": "condition",
            "AllergyIntolerance/a1": "allergy",
            "Observation/bp1": "observation",
            "Observation/lab1": "observation",
            "Encounter/e1": "encounter",
            "Procedure/pr1": "procedure",
            "Immunization/i1": "immunization",
            "DiagnosticReport/dr1": "document",
            "DocumentReference/doc1": "document",
        }
        assert (extract.resources, extract.ignored) == (13, 2)

    def test_texts_carry_dosage_status_reaction_and_values(self) -> None:
        texts = {item.id: item.text for item in fhir.record_items(BUNDLE).items}
        assert (
            texts["MedicationStatement/ms1"]
            == "Lisinopril 10 mg tablet, 1 tablet once daily by mouth (active)"
        )
        # The request names its drug through a Medication resource in the bundle.
        assert (
            texts["MedicationRequest/mr1"]
            == "Metformin 500 mg tablet, 500 mg twice daily with meals (active)"
        )
        assert texts["Condition/c1"] == "Type 2 diabetes mellitus (active)"
        assert texts["AllergyIntolerance/a1"] == "Allergy to Penicillin: Hives (moderate)"
        assert texts["Observation/bp1"] == "Blood pressure 128/82 mmHg"
        assert (
            texts["DocumentReference/doc1"]
            == "Cardiology consult note: Echo showed normal ejection fraction."
        )

    def test_observations_keep_their_category_and_dates_their_day(self) -> None:
        items = {item.id: item for item in fhir.record_items(BUNDLE).items}
        assert items["Observation/bp1"].category == "vital-signs"
        assert items["Observation/lab1"].category == "laboratory"
        assert items["Observation/bp1"].date == "2024-05-01"

    def test_entered_in_error_resources_are_left_out(self) -> None:
        wrong = {
            "resourceType": "Condition",
            "subject": {"reference": "Patient/p"},
            "code": {"text": "Gout"},
            "verificationStatus": {"coding": [{"code": "entered-in-error"}]},
        }
        withdrawn = {
            "resourceType": "MedicationStatement",
            "status": "entered-in-error",
            "subject": {},
            "medicationCodeableConcept": {"text": "Aspirin"},
        }
        assert fhir.record_items(bundle_of(wrong, withdrawn)).items == ()


def test_structured_dosages_and_value_kinds_read_naturally() -> None:
    dosed = {
        "medicationCodeableConcept": {"coding": [{"display": "Ibuprofen 400 mg"}]},
        "dosage": [
            {
                "doseAndRate": [{"doseQuantity": {"value": 2.0, "unit": "tablets"}}],
                "timing": {"repeat": {"frequency": 3, "period": 1, "periodUnit": "d"}},
                "asNeededCodeableConcept": {"text": "pain"},
            }
        ],
    }
    assert (
        medication(dosed, {})
        == "Ibuprofen 400 mg, 2 tablets three times per day as needed for pain"
    )
    assert observation({"code": {"text": "Smoker"}, "valueBoolean": False}) == "Smoker negative"
    assert (
        observation(
            {
                "code": {"text": "Glucose"},
                "valueQuantity": {"value": 180, "unit": "mg/dL"},
                "interpretation": [{"text": "High"}],
            }
        )
        == "Glucose 180 mg/dL (high)"
    )
    assert observation({"code": {"text": "Heart rate"}}) == ""
