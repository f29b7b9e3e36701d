"""Invox note-from-summary time: through the API, and the engine's fill_fields alone.

A 13-field template of every type (string, number, array, boolean, enum) is filled from a
~150-word visit summary. The API figure is POST /api/v1/generate-clinical-note-from-summary
through the ASGI app in this process (SQLite, access token from /api/v1/auth/token), so it
includes HTTP handling, auth, validation and the audit write; the engine figure is fill_fields.

    .venv/bin/python bench/invox_fields.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from alembic import command

from scribe.cli import alembic_config
from scribe.clinical.fields import FieldSpec, fill_fields
from scribe.config import Settings
from scribe.main import create_app

KEY = "sk_bench_invox_0123456789abcdef0123456789ab"
SUMMARY = "\n".join(
    [
        "Chief complaint: productive cough for five days with fever and fatigue.",
        "History: 46-year-old woman, previously healthy, no recent travel. Cough worse at night,"
        " green sputum, mild shortness of breath on exertion. No chest pain.",
        "She denies smoking and drinks alcohol occasionally.",
        "Allergic to penicillin, which causes a rash.",
        "Medications: lisinopril 10 mg daily, ibuprofen 400 mg every 8 hours as needed.",
        "Vital signs: temperature 38.4 C, heart rate 98 bpm, respiratory rate 20, oxygen"
        " saturation 95% on room air, blood pressure 132/84.",
        "Examination: crackles at the right lung base, no wheeze. Throat mildly erythematous.",
        "Chest X-ray: right lower lobe consolidation.",
        "Diagnosis: community-acquired pneumonia, right lower lobe.",
        "Severity: moderate. CURB-65 score 1.",
        "Plan: doxycycline 100 mg twice daily for 7 days, paracetamol 1 g if fever, fluids and"
        " rest. Antibiotics prescribed. Review in 48 hours or sooner if breathing worsens.",
        "Sick leave for one week.",
    ]
)
FIELDS: list[dict[str, Any]] = [
    {"id": "f01", "name": "Chief complaint", "type": "string"},
    {"id": "f02", "name": "Diagnosis", "description": "Main diagnosis", "type": "string"},
    {"id": "f03", "name": "Temperature", "description": "Celsius", "type": "number"},
    {"id": "f04", "name": "Heart rate", "description": "Beats per minute", "type": "number"},
    {"id": "f05", "name": "Oxygen saturation", "description": "Percent", "type": "number"},
    {"id": "f06", "name": "Medications", "description": "Current medication", "type": "array"},
    {"id": "f07", "name": "Allergies", "description": "Drug allergies", "type": "array"},
    {"id": "f08", "name": "Smoker", "description": "Does the patient smoke", "type": "boolean"},
    {"id": "f09", "name": "Antibiotics prescribed", "type": "boolean"},
    {"id": "f10", "name": "Chest pain", "type": "boolean"},
    {"id": "f11", "name": "Severity", "type": "enum", "enumerableOptions": ["mild", "moderate"]},
    {"id": "f12", "name": "Laterality", "type": "enum", "enumerableOptions": ["left", "right"]},
    {"id": "f13", "name": "Plan", "description": "Treatment and follow-up", "type": "string"},
]  # fmt: skip
OPTIONS = "enumerableOptions"
TEMPLATE = {
    "id": "bench",
    "template_name": "Respiratory visit",
    "template_description": "Typed fields of a respiratory consultation",
    "template_language": "en",
    "fields": [{"description": "", "value": "", **field} for field in FIELDS],
}


def engine_times(repeat: int) -> list[float]:
    specs = [
        FieldSpec(
            f["id"], f["name"], f.get("description", ""), f["type"], tuple(f.get(OPTIONS, ()))
        )
        for f in FIELDS
    ]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fill_fields(SUMMARY, specs)
        times.append((time.perf_counter() - started) * 1000)
    return times


async def api_times(repeat: int, data_dir: str) -> tuple[list[float], dict[str, Any]]:
    settings = Settings(data_dir=Path(data_dir), bootstrap_api_key=KEY, log_level="WARNING")
    await asyncio.to_thread(command.upgrade, alembic_config(settings), "head")
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    times: list[float] = []
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
    ):
        basic = base64.b64encode(f"default:{KEY}".encode()).decode()
        login = await client.post("/api/v1/auth/token", headers={"Authorization": f"Basic {basic}"})
        headers = {"Authorization": f"Bearer {login.json()['accessToken']}"}
        body = {"summary": SUMMARY, "template": TEMPLATE, "language": "en"}
        for _ in range(repeat + 1):  # the first request warms imports and connections up
            started = time.perf_counter()
            response = await client.post(
                "/api/v1/generate-clinical-note-from-summary", json=body, headers=headers
            )
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
    return times[1:], response.json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    print(f"summary: {len(SUMMARY.split())} words; template: {len(FIELDS)} fields")
    engine = engine_times(args.repeat)
    with tempfile.TemporaryDirectory() as data_dir:
        api, note = asyncio.run(api_times(args.repeat, data_dir))
    filled = sum(1 for item in note["clinicalNote"] if item["value"] not in ("", [], None))
    e, a = statistics.median(engine), statistics.median(api)
    print(f"engine fill_fields             median {e:7.2f} ms   min {min(engine):7.2f} ms")
    print(f"API note-from-summary (token)  median {a:7.2f} ms   min {min(api):7.2f} ms")
    print(f"fields filled: {filled}/{len(FIELDS)}; last generationTime {note['generationTime']} s")


if __name__ == "__main__":
    main()
