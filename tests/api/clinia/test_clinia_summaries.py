"""POST /ai/v1/summaries as Server-Sent Events, and the stored summaries read back."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from fastapi import FastAPI

from scribe.auth.service import IssuedKey
from scribe.clinical import catalogue
from tests.api.clinia.conftest import Clinia, assert_error, clinia_client, load_bundle, payloads

HPI = "clinia-hpi-medications"
FRAME = re.compile(r"id: (\d+)\ndata: (\{.*\})\n\n")


def patient() -> str:
    return f"patient-{uuid.uuid4().hex[:8]}"


def check_order(events: list[dict[str, Any]], titles: list[str]) -> None:
    """text-start, one or more text-delta, text-end per section in order; summary-end last."""
    kinds = [e["type"] for e in events]
    assert kinds[-1] == "summary-end"
    assert kinds.count("summary-end") == 1
    position = 0
    for index, title in enumerate(titles):
        where = {"sectionTitle": title, "sectionIndex": index}
        assert events[position] == {"type": "text-start", "payload": where}
        position += 1
        deltas = 0
        while events[position]["type"] == "text-delta":
            payload = events[position]["payload"]
            assert payload["sectionTitle"] == title
            assert payload["sectionIndex"] == index
            assert isinstance(payload["text"], str)
            assert payload["text"]
            position, deltas = position + 1, deltas + 1
        assert deltas >= 1
        assert events[position] == {"type": "text-end", "payload": where}
        position += 1
    assert position == len(events) - 1


class TestStream:
    async def test_the_wire_format_is_id_and_data_only(self, clinia: Clinia) -> None:
        await clinia.ingested(pid := patient())
        body = {"patientId": pid, "summaryTemplateId": HPI}
        response = await clinia.client.post("/ai/v1/summaries", json=body)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache"
        frames = FRAME.findall(response.text)
        assert "".join(f"id: {i}\ndata: {d}\n\n" for i, d in frames) == response.text
        assert [int(i) for i, _ in frames] == list(range(1, len(frames) + 1))
        assert "event:" not in response.text

    async def test_events_come_in_order_and_the_summary_is_stored(self, clinia: Clinia) -> None:
        await clinia.ingested(pid := patient())
        events = await clinia.summarize(pid, HPI)
        assert [e.id for e in events] == [str(i) for i in range(1, len(events) + 1)]
        assert {e.event for e in events} == {"message"}  # no event: field on the wire
        parsed = payloads(events)
        spec = catalogue.find("clinia", HPI)
        assert spec is not None
        check_order(parsed, [s.title for s in spec.sections])
        end = parsed[-1]["payload"]
        assert end["status"] == "success"
        assert end["summaryId"].startswith("sum_")
        stored = (await clinia.client.get(f"/ai/v1/summaries/{end['summaryId']}")).json()
        assert stored["patientId"] == pid
        assert stored["summaryTemplateId"] == HPI
        for section in stored["sections"]:
            streamed = "".join(
                e["payload"]["text"]
                for e in parsed
                if e["type"] == "text-delta"
                and e["payload"]["sectionIndex"] == section["sectionIndex"]
            )
            assert section["text"] == streamed.strip()

    async def test_deltas_are_increments_not_one_blob(self, clinia: Clinia) -> None:
        await clinia.ingested(pid := patient())
        parsed = payloads(await clinia.summarize(pid, HPI))
        medications = [
            e for e in parsed if e["type"] == "text-delta" and e["payload"]["sectionIndex"] == 1
        ]
        assert len(medications) >= 2  # one sentence per medication

    async def test_the_summary_says_nothing_the_record_does_not(self, clinia: Clinia) -> None:
        await clinia.ingested(pid := patient())
        record = json.dumps(load_bundle())
        for spec in catalogue.list_templates("clinia"):
            parsed = payloads(await clinia.summarize(pid, spec.key))
            text = " ".join(e["payload"].get("text", "") for e in parsed)
            for absent in ("aspirin", "warfarin", "asthma", "fever", "cancer"):
                assert absent not in text.lower(), (spec.key, absent)
            # Every number (doses, values, dates) is one the record holds.
            numbers = set(re.findall(r"\d+(?:\.\d+)?", text))
            assert {n for n in numbers if n not in record} == set(), spec.key

    async def test_an_unknown_patient_ends_the_stream_with_an_error(self, clinia: Clinia) -> None:
        parsed = payloads(await clinia.summarize(patient(), HPI))
        assert parsed == [
            {
                "type": "summary-end",
                "payload": {
                    "status": "error",
                    "error": "No data has been ingested for this patientId",
                },
            }
        ]

    async def test_another_tenants_patient_is_unknown(
        self, clinia: Clinia, other_clinia: Clinia
    ) -> None:
        await clinia.ingested(pid := patient())
        parsed = payloads(await other_clinia.summarize(pid, HPI))
        assert parsed[-1]["payload"]["status"] == "error"
        assert len(parsed) == 1


class TestValidation:
    async def test_bad_requests_are_json_400s_before_any_stream(self, clinia: Clinia) -> None:
        bodies: list[dict[str, Any]] = [
            {"summaryTemplateId": HPI},
            {"patientId": "p"},
            {"patientId": "", "summaryTemplateId": HPI},
            {"patientId": "p", "summaryTemplateId": "  "},
            {"patientId": 5, "summaryTemplateId": HPI},
        ]
        for body in bodies:
            response = await clinia.client.post("/ai/v1/summaries", json=body)
            assert response.headers["content-type"] == "application/json"
            assert_error(response, 400)
        malformed = await clinia.client.post(
            "/ai/v1/summaries", content=b"{", headers={"Content-Type": "application/json"}
        )
        assert "not valid JSON" in assert_error(malformed, 400)

    async def test_an_unknown_template_is_404(self, clinia: Clinia) -> None:
        body = {"patientId": "p", "summaryTemplateId": "no-such-template"}
        response = await clinia.client.post("/ai/v1/summaries", json=body)
        assert "template" in assert_error(response, 404).lower()

    async def test_without_credentials_it_is_401(self, app: FastAPI) -> None:
        async with clinia_client(app, None) as anonymous:
            response = await anonymous.post("/ai/v1/summaries", json={})
        assert_error(response, 401)


class TestStored:
    async def test_list_by_patient_newest_first(self, clinia: Clinia) -> None:
        await clinia.ingested(pid := patient())
        first = payloads(await clinia.summarize(pid, HPI))[-1]["payload"]["summaryId"]
        second = payloads(await clinia.summarize(pid, "clinia-soap-note"))[-1]["payload"]
        listed = (await clinia.client.get("/ai/v1/summaries", params={"patientId": pid})).json()
        assert [s["id"] for s in listed["data"]] == [second["summaryId"], first]
        assert listed["data"][0]["status"] == "success"
        empty = await clinia.client.get("/ai/v1/summaries", params={"patientId": patient()})
        assert empty.json() == {"data": []}
        assert_error(await clinia.client.get("/ai/v1/summaries"), 400)

    async def test_foreign_and_unknown_summaries_are_404(
        self, clinia: Clinia, other_clinia: Clinia
    ) -> None:
        await clinia.ingested(pid := patient())
        summary_id = payloads(await clinia.summarize(pid, HPI))[-1]["payload"]["summaryId"]
        assert_error(await other_clinia.client.get(f"/ai/v1/summaries/{summary_id}"), 404)
        assert_error(await clinia.client.get("/ai/v1/summaries/sum_unknown"), 404)
        listed = await other_clinia.client.get("/ai/v1/summaries", params={"patientId": pid})
        assert listed.json() == {"data": []}


async def test_the_user_id_header_is_accepted(app: FastAPI, tenant_key: IssuedKey) -> None:
    async with clinia_client(app, tenant_key.api_key, **{"x-user-id": "dr-who"}) as client:
        api = Clinia(client)
        await api.ingested(pid := patient())
        assert payloads(await api.summarize(pid, HPI))[-1]["payload"]["status"] == "success"
