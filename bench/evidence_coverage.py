"""Evidence coverage per dialect: how many note sentences quote a segment, and are the quotes real.

Each ACI-Bench valid dialogue (``[doctor] …`` / ``[patient] …`` lines) goes through every dialect
that writes a note from a transcript, over HTTP through the ASGI app in this process (SQLite, the
embedded engine): Omniloy (transcription → extraction run → join), Nabla digest, a Corti
document from string context, and Invox's consultation summary and clinical note (typed fields).
Clinia summaries are written for the test FHIR bundles with every Clinia template. For each
answer it counts the sentences (values) of ``evidence``, those quoting at least one segment, the
quotes whose text is not in the source (should be 0), and how many of a supported sentence's
content words (stems and numbers) its quotes hold, on average (a check that the quotes are about
the sentence; for Invox and Clinia it is the measure the quotes were chosen by)::

    .venv/bin/python bench/evidence_coverage.py [--data /work/shared/data/aci-bench/valid.csv]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import csv
import json
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from alembic import command
from sqlalchemy import select

from scribe.auth import service as auth_service
from scribe.cli import alembic_config
from scribe.clinical import catalogue, parse_transcript
from scribe.clinical.grounding import terms
from scribe.config import Settings
from scribe.main import create_app
from scribe.patients.models import Patient, RecordItem
from scribe.runtime import Runtime

ROOT = Path(__file__).resolve().parents[1]
BUNDLES = [
    ROOT / "tests/data/clinia" / name for name in ("bundle_each_type.json", "bundle_50.json")
]
FIELDS = [
    {"id": "cc", "name": "Chief complaint", "type": "string"},
    {"id": "dx", "name": "Diagnosis", "description": "Assessment", "type": "string"},
    {"id": "meds", "name": "Medications", "type": "array"},
    {"id": "plan", "name": "Plan", "type": "string"},
    {"id": "bp", "name": "Blood pressure", "description": "Systolic", "type": "number"},
]
TEMPLATE = {"id": "t", "template_name": "Visit", "template_language": "en", "fields": FIELDS}


def _squash(text: str) -> str:
    return " ".join(text.lower().split())


class Tally:
    """Sentences, supported sentences and quotes not found in the source, per dialect."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = {}

    def add(self, dialect: str, evidence: dict[str, Any], source: str) -> None:
        counts = self.counts.setdefault(dialect, Counter())
        counts["answers"] += 1
        where = _squash(source)
        for sentences in evidence.values():
            for sentence in sentences:
                counts["sentences"] += 1
                counts["supported"] += bool(sentence["segments"])
                counts["unreal"] += sum(
                    _squash(s["text"]) not in where for s in sentence["segments"]
                )
                said = terms(sentence["text"])
                if sentence["segments"] and said:
                    quoted = frozenset().union(*(terms(s["text"]) for s in sentence["segments"]))
                    counts["overlap_permille"] += round(1000 * len(said & quoted) / len(said))
                    counts["scored"] += 1

    def lines(self) -> Iterator[str]:
        yield (
            f"{'dialect':<22}{'answers':>8}{'sentences':>11}{'with evidence':>17}{'unreal':>8}"
            f"{'word overlap':>14}"
        )
        for dialect, c in self.counts.items():
            share = 100 * c["supported"] / max(c["sentences"], 1)
            overlap = c["overlap_permille"] / 10 / max(c["scored"], 1)
            yield (
                f"{dialect:<22}{c['answers']:>8}{c['sentences']:>11}"
                f"{c['supported']:>8} ({share:5.1f}%){c['unreal']:>8}{overlap:>13.1f}%"
            )


async def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201, 202), response.text[:300]
    body: dict[str, Any] = response.json()
    return body


async def omniloy(client: httpx.AsyncClient, text: str, key: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {key}", "x-doctor": "bench"}
    body = {"duration_seconds": 60, "original_transcript": text}
    made = await _ok(await client.post("/v1/transcriptions/create", json=body, headers=headers))
    thread = await _ok(await client.post("/v1/lang-graph/threads", json={}, headers=headers))
    tid = thread["thread_id"]
    run = {
        "input": {"messages": [{"role": "user", "content": "Write the note"}]},
        "config": {
            "configurable": {"thread_id": tid, "transcription_id": made["transcription"]["id"]}
        },
    }
    started = await _ok(
        await client.post(f"/v1/lang-graph/threads/{tid}/runs", json=run, headers=headers)
    )
    joined = await _ok(
        await client.get(
            f"/v1/lang-graph/threads/{tid}/runs/{started['run_id']}/join", headers=headers
        )
    )
    return dict(joined["clinical_note"]["evidence"])


async def nabla(client: httpx.AsyncClient, text: str, key: str) -> dict[str, Any]:
    items = [{"text": u.text, "speaker": u.speaker} for u in parse_transcript(text)]
    body = {"language": "en-US", "transcript_items": items}
    answer = await _ok(
        await client.post(
            "/v1/copilot-api/server/digest", json=body, headers={"Authorization": f"Bearer {key}"}
        )
    )
    return dict(answer["note"]["evidence"])


async def corti(client: httpx.AsyncClient, text: str, headers: dict[str, str]) -> dict[str, Any]:
    encounter = {"identifier": "bench", "status": "planned", "type": "first_consultation"}
    body = {"encounter": {**encounter, "period": {"startedAt": "2026-12-03T09:00:00Z"}}}
    interaction = await _ok(await client.post("/v2/interactions/", json=body, headers=headers))
    body = {
        "templateKey": "corti-soap",
        "outputLanguage": "en",
        "context": [{"type": "string", "data": text}],
    }
    path = f"/v2/interactions/{interaction['interactionId']}/documents/"
    return dict((await _ok(await client.post(path, json=body, headers=headers)))["evidence"])


async def invox(
    client: httpx.AsyncClient, text: str, headers: dict[str, str]
) -> list[dict[str, Any]]:
    summary = {"transcript": text, "outputLanguage": "en"}
    note: dict[str, Any] = {"transcription": text, "template": TEMPLATE, "language": "en"}
    answers = [
        await _ok(
            await client.post(
                "/api/v1/generate-consultation-summary", json=summary, headers=headers
            )
        ),
        await _ok(await client.post("/api/v1/generate-clinical-note", json=note, headers=headers)),
    ]
    return [dict(answer["evidence"]) for answer in answers]


async def _record_texts(runtime: Runtime, patient_key: str) -> list[str]:
    """The stored record items' texts: what a summary sentence may quote."""
    async with runtime.sessionmaker() as session:
        rows = await session.scalars(
            select(RecordItem.text)
            .join(Patient, Patient.id == RecordItem.patient_id)
            .where(Patient.patient_key == patient_key)
        )
        return list(rows)


async def clinia(client: httpx.AsyncClient, runtime: Runtime, key: str, tally: Tally) -> None:
    headers = {"X-Clinia-API-Key": key}
    for index, path in enumerate(BUNDLES):
        bundle = json.loads(path.read_text())
        patient = f"bench-{index}"
        started = await _ok(
            await client.post(
                "/ai/v1/ingest", json={"patientId": patient, "bundle": bundle}, headers=headers
            )
        )
        for _ in range(600):
            status = await _ok(
                await client.get(f"/ai/v1/ingest/{started['runId']}/status", headers=headers)
            )
            if status["status"] != "running":
                break
            await asyncio.sleep(0.05)
        items = await _record_texts(runtime, patient)
        for spec in catalogue.list_templates("clinia"):
            body = {"patientId": patient, "summaryTemplateId": spec.key}
            stream = await client.post("/ai/v1/summaries", json=body, headers=headers)
            end = json.loads(stream.text.strip().rsplit("data: ", 1)[1])["payload"]
            stored = await _ok(
                await client.get(f"/ai/v1/summaries/{end['summaryId']}", headers=headers)
            )
            tally.add("clinia summary", stored["evidence"], "\n".join(items))


async def _token(client: httpx.AsyncClient, key: auth_service.IssuedKey) -> dict[str, str]:
    basic = base64.b64encode(f"{key.client_id}:{key.api_key}".encode()).decode()
    answer = await _ok(
        await client.post("/api/v1/auth/token", headers={"Authorization": f"Basic {basic}"})
    )
    return {"Authorization": f"Bearer {answer['accessToken']}"}


async def _corti_headers(client: httpx.AsyncClient, key: auth_service.IssuedKey) -> dict[str, str]:
    form = {
        "grant_type": "client_credentials",
        "client_id": key.client_id,
        "client_secret": key.api_key,
    }
    token = await _ok(
        await client.post(f"/realms/{key.tenant_name}/protocol/openid-connect/token", data=form)
    )
    return {"Authorization": f"Bearer {token['access_token']}", "Tenant-Name": key.tenant_name}


async def measure(data: Path, limit: int | None, data_dir: str) -> Tally:
    settings = Settings(data_dir=Path(data_dir), log_level="WARNING")
    await asyncio.to_thread(command.upgrade, alembic_config(settings), "head")
    app = create_app(settings)
    tally = Tally()
    dialogues = [row["dialogue"] for row in csv.DictReader(data.open())][:limit]
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=120
        ) as client,
    ):
        async with app.state.runtime.sessionmaker() as session:
            key = await auth_service.create_key(session, "bench")
            await session.commit()
        invox_headers, corti_headers = await _token(client, key), await _corti_headers(client, key)
        for text in dialogues:
            tally.add("omniloy join", await omniloy(client, text, key.api_key), text)
            tally.add("nabla digest", await nabla(client, text, key.api_key), text)
            tally.add("corti document", await corti(client, text, corti_headers), text)
            summary, fields = await invox(client, text, invox_headers)
            tally.add("invox summary", summary, text)
            tally.add("invox fields", fields, text)
        await clinia(client, app.state.runtime, key.api_key, tally)
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data/aci-bench/valid.csv"))
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        tally = asyncio.run(measure(args.data, args.limit, data_dir))
    print("\n".join(tally.lines()))


if __name__ == "__main__":
    main()
