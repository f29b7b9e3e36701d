"""Summary streams over a real socket with an OpenAI-compatible provider (a local fake server).

The model's tokens are the deltas; a client that leaves mid-stream stops the work and nothing is
stored; a long silence gets keep-alive comments; a model failing mid-stream ends it in error.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx_sse import aconnect_sse

from scribe.auth.service import IssuedKey
from scribe.config import CliniaSettings, Settings
from scribe.summaries import service as summary_service
from tests.api.clinia.conftest import Clinia, clinia_client, eventually, payloads, serve
from tests.providers.llm.apps import app_with_model
from tests.providers.llm.fake_server import FakeChatServer, Scripted, deltas

HPI = "clinia-hpi-medications"
# Keep-alives this often, so a one-second silence shows some.
KEEPALIVE = 0.2


@pytest.fixture(scope="module")
async def app(settings: Settings, chat_server: FakeChatServer) -> AsyncIterator[FastAPI]:
    async with app_with_model(
        settings,
        chat_server,
        queue_name="clinia-llm-tests",
        timeout_seconds=60.0,
        clinia=CliniaSettings(keepalive_seconds=KEEPALIVE),
    ) as app:
        yield app


@pytest.fixture(scope="module")
async def base_url(app: FastAPI) -> AsyncIterator[str]:
    async with serve(app) as url:
        yield url


@pytest.fixture
def server(chat_server: FakeChatServer) -> FakeChatServer:
    chat_server.reset()
    return chat_server


@pytest.fixture
async def clinia(base_url: str, tenant_key: IssuedKey) -> AsyncIterator[Clinia]:
    async with clinia_client(None, tenant_key.api_key, base_url) as client:
        yield Clinia(client)


async def ingested(clinia: Clinia) -> str:
    patient = f"patient-{uuid.uuid4().hex[:8]}"
    await clinia.ingested(patient)
    return patient


async def test_the_models_tokens_are_the_deltas(clinia: Clinia, server: FakeChatServer) -> None:
    patient = await ingested(clinia)
    server.reply(deltas(["Type 2", " diabetes", "."]), deltas(["Lisinopril", " 10 mg."]))
    parsed = payloads(await clinia.summarize(patient, HPI))
    texts = [
        (e["payload"]["sectionIndex"], e["payload"]["text"])
        for e in parsed
        if "text" in e["payload"]
    ]
    assert texts == [(0, "Type 2"), (0, " diabetes"), (0, "."), (1, "Lisinopril"), (1, " 10 mg.")]
    assert parsed[-1]["payload"]["status"] == "success"
    prompt = server.received[1].body["messages"][-1]["content"]
    assert "Lisinopril 10 mg tablet" in prompt  # the record went to the model


async def test_a_client_that_leaves_stops_the_work(clinia: Clinia, server: FakeChatServer) -> None:
    patient = await ingested(clinia)
    # The second section's answer is slow to come: the stream is still running when we leave.
    server.reply(deltas(["History."]), Scripted(delay=30, events=("[DONE]",)))
    body = {"patientId": patient, "summaryTemplateId": HPI}
    async with aconnect_sse(clinia.client, "POST", "/ai/v1/summaries", json=body) as source:
        received = []
        async for event in source.aiter_sse():
            if not event.data:  # a keep-alive comment (see Clinia.summarize)
                continue
            received.append(json.loads(event.data)["type"])
            if len(received) == 2:
                break
    assert received == ["text-start", "text-delta"]
    await eventually(lambda: summary_service.streams_in_progress.value == 0)
    listed = await clinia.client.get("/ai/v1/summaries", params={"patientId": patient})
    assert listed.json() == {"data": []}


async def test_keepalive_comments_fill_long_silences(
    clinia: Clinia, server: FakeChatServer
) -> None:
    patient = await ingested(clinia)
    server.reply(Scripted(delay=1.0, events=(_delta("Slow."), "[DONE]")), deltas(["Fast."]))
    body = {"patientId": patient, "summaryTemplateId": HPI}
    async with clinia.client.stream("POST", "/ai/v1/summaries", json=body) as response:
        lines = [line async for line in response.aiter_lines()]
    assert ": ping" in lines
    assert lines.index(": ping") > lines.index("id: 1")  # after text-start, before the text
    assert json.loads(lines[-2].removeprefix("data: "))["payload"]["status"] == "success"


async def test_a_model_failing_mid_stream_ends_it_with_an_error(
    clinia: Clinia, server: FakeChatServer
) -> None:
    patient = await ingested(clinia)
    server.reply(deltas(["Partial"], done=False, then=("{not json",)))
    parsed = payloads(await clinia.summarize(patient, HPI))
    assert [e["type"] for e in parsed] == ["text-start", "text-delta", "summary-end"]
    end = parsed[-1]["payload"]
    assert end["status"] == "error"
    assert end["error"].startswith("Summary generation failed")
    listed = await clinia.client.get("/ai/v1/summaries", params={"patientId": patient})
    assert listed.json() == {"data": []}


def _delta(text: str) -> str:
    return json.dumps({"choices": [{"index": 0, "delta": {"content": text}}]})


async def test_the_models_sentences_get_the_record_items_they_name(
    clinia: Clinia, server: FakeChatServer
) -> None:
    patient = await ingested(clinia)
    server.reply(deltas(["Type 2", " diabetes."]), deltas(["Lisinopril", " 10 mg."]))
    end = payloads(await clinia.summarize(patient, HPI))[-1]["payload"]
    stored = (await clinia.client.get(f"/ai/v1/summaries/{end['summaryId']}")).json()
    (diabetes,), (lisinopril,) = stored["evidence"]["0"], stored["evidence"]["1"]
    assert diabetes["text"] == "Type 2 diabetes."
    assert [s["id"].split("/")[0] for s in diabetes["segments"]] == ["Condition"]
    assert "diabetes" in diabetes["segments"][0]["text"].lower()
    assert "lisinopril" in lisinopril["segments"][0]["text"].lower()
