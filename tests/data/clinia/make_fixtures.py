"""Writes the Clinia fixtures beside this file: two FHIR bundles, a PDF with text, a TIFF.

    .venv/bin/python tests/data/clinia/make_fixtures.py

The PDF is written by hand (a few PDF objects and their offsets) because pypdf reads text but
cannot lay new text out; the TIFF holds two 1x1 pages, enough to count pages.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
PATIENT = {"reference": "Patient/p1"}
PDF_LINES = (
    "Discharge letter. The patient was admitted for community acquired pneumonia.",
    "She was treated with amoxicillin and recovered well.",
)


def concept(text: str, code: str | None = None, system: str | None = None) -> dict[str, Any]:
    coding = [{"system": system, "code": code, "display": text}] if code and system else []
    return {"text": text, **({"coding": coding} if coding else {})}


def status(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": f"http://terminology.hl7.org/CodeSystem/{system}", "code": code}]}


def each_type() -> list[dict[str, Any]]:
    """One resource of every kind the record reads, plus a Patient it ignores."""
    return [
        {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1961-04-02"},
        {
            "resourceType": "MedicationStatement",
            "id": "ms1",
            "status": "active",
            "subject": PATIENT,
            "medicationCodeableConcept": concept("Lisinopril 10 mg tablet"),
            "effectiveDateTime": "2024-03-01",
            "dosage": [
                {
                    "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                    "route": concept("Oral"),
                    "doseAndRate": [{"doseQuantity": {"value": 1, "unit": "tablet"}}],
                }
            ],
        },
        {"resourceType": "Medication", "id": "med2", "code": concept("Metformin 500 mg tablet")},
        {
            "resourceType": "MedicationRequest",
            "id": "mr1",
            "status": "active",
            "intent": "order",
            "subject": PATIENT,
            "medicationReference": {"reference": "Medication/med2"},
            "authoredOn": "2024-02-10",
            "dosageInstruction": [{"text": "500 mg twice daily with meals"}],
        },
        {
            "resourceType": "Condition",
            "id": "c1",
            "subject": PATIENT,
            "code": concept("Type 2 diabetes mellitus", "44054006", "http://snomed.info/sct"),
            "clinicalStatus": status("condition-clinical", "active"),
            "verificationStatus": status("condition-ver-status", "confirmed"),
            "onsetDateTime": "2015-06-01",
        },
        {
            "resourceType": "AllergyIntolerance",
            "id": "a1",
            "patient": PATIENT,
            "code": concept("Penicillin"),
            "clinicalStatus": status("allergyintolerance-clinical", "active"),
            "reaction": [{"manifestation": [concept("Hives")], "severity": "moderate"}],
        },
        {
            "resourceType": "Observation",
            "id": "bp1",
            "status": "final",
            "category": [status("observation-category", "vital-signs")],
            "code": concept("Blood pressure"),
            "subject": PATIENT,
            "effectiveDateTime": "2024-05-01T09:30:00Z",
            "component": [
                {"code": concept("Systolic"), "valueQuantity": {"value": 128, "unit": "mmHg"}},
                {"code": concept("Diastolic"), "valueQuantity": {"value": 82, "unit": "mmHg"}},
            ],
        },
        {
            "resourceType": "Observation",
            "id": "lab1",
            "status": "final",
            "category": [status("observation-category", "laboratory")],
            "code": concept("Hemoglobin A1c"),
            "subject": PATIENT,
            "effectiveDateTime": "2024-04-20",
            "valueQuantity": {"value": 7.4, "unit": "%"},
        },
        {
            "resourceType": "Encounter",
            "id": "e1",
            "status": "finished",
            "class": {"code": "AMB", "display": "ambulatory"},
            "type": [concept("Office visit")],
            "reasonCode": [concept("Diabetes follow-up")],
            "period": {"start": "2024-05-01T09:00:00Z"},
        },
        {
            "resourceType": "Procedure",
            "id": "pr1",
            "status": "completed",
            "subject": PATIENT,
            "code": concept("Appendectomy"),
            "performedDateTime": "1989-07-14",
        },
        {
            "resourceType": "Immunization",
            "id": "i1",
            "status": "completed",
            "patient": PATIENT,
            "vaccineCode": concept("Influenza vaccine"),
            "occurrenceDateTime": "2023-10-15",
        },
        {
            "resourceType": "DiagnosticReport",
            "id": "dr1",
            "status": "final",
            "code": concept("Chest X-ray"),
            "effectiveDateTime": "2024-01-05",
            "conclusion": "No acute cardiopulmonary process.",
        },
        {
            "resourceType": "DocumentReference",
            "id": "doc1",
            "status": "current",
            "description": "Cardiology consult note",
            "date": "2023-12-01T10:00:00Z",
            "content": [
                {
                    "attachment": {
                        "contentType": "text/plain",
                        "data": "RWNobyBzaG93ZWQgbm9ybWFsIGVqZWN0aW9uIGZyYWN0aW9uLg==",
                    }
                }
            ],
        },
    ]


def fifty() -> list[dict[str, Any]]:
    """A 50-resource record: the 13 above plus vitals, labs and medications over time."""
    resources = each_type()
    for n in range(37):
        day = f"2024-{(n % 12) + 1:02d}-{(n % 27) + 1:02d}"
        if n % 3 == 0:
            resources.append(
                _observation(f"hr{n}", "Heart rate", 60 + n, "/min", "vital-signs", day)
            )
        elif n % 3 == 1:
            resources.append(_observation(f"glu{n}", "Glucose", 90 + n, "mg/dL", "laboratory", day))
        else:
            resources.append(_medication(f"ms{n}", n, day))
    return resources


def _observation(
    rid: str, name: str, value: float, unit: str, category: str, day: str
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "category": [status("observation-category", category)],
        "code": concept(name),
        "effectiveDateTime": day,
        "valueQuantity": {"value": value, "unit": unit},
    }


def _medication(rid: str, n: int, day: str) -> dict[str, Any]:
    return {
        "resourceType": "MedicationStatement",
        "id": rid,
        "status": "completed" if n % 2 else "active",
        "subject": PATIENT,
        "medicationCodeableConcept": concept(f"Vitamin D {n * 100} IU"),
        "effectiveDateTime": day,
        "dosage": [{"text": "once daily"}],
    }


def bundle(resources: list[dict[str, Any]]) -> dict[str, Any]:
    entries = [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def pdf(lines: tuple[str, ...]) -> bytes:
    text = "".join(f"({line}) Tj 0 -16 Td " for line in lines)
    stream = f"BT /F1 11 Tf 50 750 Td {text}ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def tiff(pages: int) -> bytes:
    """Little-endian TIFF, each page a 1x1 bilevel image in its own IFD."""
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    for page in range(pages):
        start = len(out)
        entries = [(256, 3, 1, 1), (257, 3, 1, 1), (259, 3, 1, 1), (262, 3, 1, 1)]
        entries += [(273, 4, 1, start + 2 + 12 * 6 + 4), (279, 4, 1, 1)]
        next_ifd = 0 if page == pages - 1 else start + 2 + 12 * 6 + 4 + 2
        out += struct.pack("<H", len(entries))
        out += b"".join(struct.pack("<HHII", *entry) for entry in entries)
        out += struct.pack("<I", next_ifd) + b"\x00\x00"  # the pixel and a pad byte
    return bytes(out)


def main() -> None:
    (HERE / "bundle_each_type.json").write_text(json.dumps(bundle(each_type()), indent=1) + "\n")
    (HERE / "bundle_50.json").write_text(json.dumps(bundle(fifty()), indent=1) + "\n")
    (HERE / "discharge_letter.pdf").write_bytes(pdf(PDF_LINES))
    (HERE / "scan_two_pages.tiff").write_bytes(tiff(2))


if __name__ == "__main__":
    main()
