"""The LLM provider timing out or answering garbage: the embedded engine writes the note.

End to end over HTTP, through several dialects, with the OpenAI adapter pointed at a local fake
chat server: the note is the engine's (grounded in the transcript), a warning names the task and
the reason without any clinical text, and /metrics counts the fallback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from scribe.auth.service import IssuedKey
from scribe.clinical.transcript import parse_transcript
from scribe.config import Settings
from tests.api.corti.conftest import encounter
from tests.conftest import client_for
from tests.providers.llm.apps import app_with_model
from tests.providers.llm.fake_server import FakeChatServer, Scripted, completion

VISIT = (Path(__file__).parents[1] / "data" / "visit_knee.txt").read_text()
ITEMS = [{"text": u.text, "speaker": u.speaker} for u in parse_transcript(VISIT)]
TIMEOUT_SECONDS = 0.5
# Past the adapter's timeout: the provider never answers in time.
TOO_SLOW = Scripted(body={"choices": []}, delay=TIMEOUT_SECONDS * 4)
GARBAGE = completion('{"sections": "the patient fell from a ladder"')
FAILURES = {"timeout": TOO_SLOW, "garbage": GARBAGE}


@pytest.fixture(scope="module")
async def app(settings: Settings, chat_server: FakeChatServer) -> AsyncIterator[FastAPI]:
    async with app_with_model(
        settings, chat_server, queue_name="faults-llm", timeout_seconds=TIMEOUT_SECONDS
    ) as app:
        yield app


@pytest.fixture
def server(chat_server: FakeChatServer) -> FakeChatServer:
    chat_server.reset()
    return chat_server


async def _fallbacks(client: httpx.AsyncClient, task: str) -> float:
    text = (await client.get("/metrics")).text
    found = re.search(rf'^scribe_provider_fallbacks_total{{task="{task}"}} (\S+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


def _assert_warned(caplog: pytest.LogCaptureFixture, reason: str) -> None:
    (record,) = [r for r in caplog.records if r.name == "scribe.providers.llm.fallback"]
    fields: dict[str, Any] = vars(record)
    assert fields["task"] == "note"
    assert reason in fields["reason"], fields["reason"]
    assert "ladder" not in str(fields)
    assert "knee" not in str(fields).lower()


async def _omniloy_note(client: httpx.AsyncClient) -> str:
    created = await client.post(
        "/v1/transcriptions/create", json={"duration_seconds": 60, "original_transcript": VISIT}
    )
    thread = (await client.post("/v1/lang-graph/threads", json={})).json()["thread_id"]
    configurable = {"thread_id": thread, "transcription_id": created.json()["transcription"]["id"]}
    body = {
        "input": {"messages": [{"role": "user", "content": "Generate a SOAP note"}]},
        "config": {"configurable": {**configurable, "template": "SOAP"}},
    }
    run = (await client.post(f"/v1/lang-graph/threads/{thread}/runs", json=body)).json()
    joined = await client.get(f"/v1/lang-graph/threads/{thread}/runs/{run['run_id']}/join")
    assert joined.status_code == 200, joined.text
    return str(joined.json()["clinical_note"]["ai_generated_content"]["subjective"])


async def _corti_note(client: httpx.AsyncClient) -> str:
    interaction = await client.post("/v2/interactions/", json={"encounter": encounter()})
    assert interaction.status_code == 201, interaction.text
    document = await client.post(
        f"/v2/interactions/{interaction.json()['interactionId']}/documents/",
        json={
            "templateKey": "corti-soap",
            "outputLanguage": "en",
            "context": [{"type": "string", "data": VISIT}],
        },
    )
    assert document.status_code == 201, document.text
    return " ".join(section["text"] for section in document.json()["sections"])


async def _nabla_note(client: httpx.AsyncClient) -> str:
    digest = await client.post(
        "/v1/copilot-api/server/digest", json={"language": "en-US", "transcript_items": ITEMS}
    )
    assert digest.status_code == 200, digest.text
    return " ".join(section["text"] for section in digest.json()["note"]["sections"])


WRITERS = {"omniloy": _omniloy_note, "corti": _corti_note, "nabla": _nabla_note}


class TestLLMFailure:
    @pytest.mark.parametrize("dialect", sorted(WRITERS))
    @pytest.mark.parametrize("failure", sorted(FAILURES))
    async def test_the_engine_writes_the_note(
        self,
        app: FastAPI,
        tenant_key: IssuedKey,
        server: FakeChatServer,
        caplog: pytest.LogCaptureFixture,
        dialect: str,
        failure: str,
    ) -> None:
        server.reply(FAILURES[failure])
        async with client_for(app, tenant_key.api_key, **{"x-doctor": "d"}) as client:
            before = await _fallbacks(client, "note")
            with caplog.at_level(logging.WARNING, logger="scribe.providers.llm.fallback"):
                text = await WRITERS[dialect](client)
            after = await _fallbacks(client, "note")
        assert len(server.received) == 1  # the model was asked, and failed
        assert "ladder" in text.lower()  # the engine's note, drawn from the transcript
        assert "diabetes" not in text.lower()
        _assert_warned(caplog, "Timeout" if failure == "timeout" else "Invalid")
        assert after == before + 1
