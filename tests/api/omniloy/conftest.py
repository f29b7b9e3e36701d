"""Shared builders for the Omniloy dialect tests.

Test modules cannot import from a conftest, so the helpers reach them through fixtures:

- ``api`` / ``other_api``: an :class:`Omniloy` wrapper around ``client`` / ``other_client`` with
  small builder methods (create a transcription, a thread, a run, join it, create a note).
- ``make_client``: a factory for clients with arbitrary credentials and headers
  (``make_client(api_key=None)`` is anonymous; ``raise_app_exceptions=False`` turns a server crash
  into the 500 response a real client would see).

The plain module-level functions below (``run_body``, ``user``, ``assert_error`` ...) are the
builders themselves and are exposed as static methods of :class:`Omniloy`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from scribe.auth.service import IssuedKey
from scribe.clinical.numbers import digits

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
KNEE_TRANSCRIPT = (DATA_DIR / "visit_knee.txt").read_text()

TEMPLATE_KEYS: dict[str, list[str]] = {
    "SOAP": ["subjective", "objective", "assessment", "plan"],
    "BIRP": ["behavior", "intervention", "response", "plan"],
    "DAP": ["data", "assessment", "plan"],
    "GIRP": ["goals", "intervention", "response", "plan"],
}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
JOIN_TIMEOUT = 30
HTTP_PHRASES = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Request Entity Too Large",
    500: "Internal Server Error",
}

ClientFactory = Callable[..., Awaitable[httpx.AsyncClient]]


# --- plain builders -------------------------------------------------------------------------


def user(content: str) -> dict[str, str]:
    return {"role": "user", "content": content}


def run_body(
    thread_id: str, *messages: dict[str, Any] | str, **configurable: Any
) -> dict[str, Any]:
    """A run request; bare strings become user messages."""
    msgs = [user(m) if isinstance(m, str) else m for m in messages]
    return {
        "input": {"messages": msgs},
        "config": {"configurable": {"thread_id": thread_id, **configurable}},
    }


def assert_error(response: httpx.Response, status: int) -> str:
    """Assert an Omniloy error body with this status; return its message."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"statusCode", "error", "message"}, body
    assert body["statusCode"] == status
    assert body["error"] == HTTP_PHRASES[status]
    assert isinstance(body["message"], str)
    assert body["message"]
    assert "detail" not in body
    return str(body["message"])


def assert_timestamps(obj: dict[str, Any]) -> None:
    assert TIMESTAMP.match(obj["created_at"]), obj["created_at"]
    assert TIMESTAMP.match(obj["updated_at"]), obj["updated_at"]
    assert obj["updated_at"] >= obj["created_at"]


def sentences_mentioning(text: str, word: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if word.lower() in s.lower()]


def numbers_in(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:/\d+)?", text))


# Words a note about the knee visit must not contain: none of them is in the transcript.
NOT_IN_KNEE_TRANSCRIPT = [
    "diabetes",
    "amoxicillin",
    "acetaminophen",
    "surgery",
    "left knee",
    "asthma",
]


def assert_grounded(note: dict[str, Any], transcript: str) -> None:
    """Nothing in the note that the transcript does not say (checked without being brittle)."""
    text = " ".join(str(v) for v in note["ai_generated_content"].values())
    lowered = text.lower()
    for word in NOT_IN_KNEE_TRANSCRIPT:
        if word not in transcript.lower():
            assert word not in lowered, word
    # Every number (doses, vitals) comes from the transcript, said in digits or in words.
    invented = numbers_in(text) - numbers_in(transcript) - numbers_in(digits(transcript))
    assert not invented, invented
    # Fever was denied: it may only appear negated.
    for sentence in sentences_mentioning(text, "fever"):
        assert any(neg in sentence.lower() for neg in ("denies", "denied", "no ")), sentence


# --- the API wrapper ------------------------------------------------------------------------


class Omniloy:
    """One tenant's client plus builders for the Omniloy workflow."""

    user = staticmethod(user)
    run_body = staticmethod(run_body)
    assert_error = staticmethod(assert_error)
    assert_timestamps = staticmethod(assert_timestamps)
    sentences_mentioning = staticmethod(sentences_mentioning)
    numbers_in = staticmethod(numbers_in)
    assert_grounded = staticmethod(assert_grounded)
    KNEE = KNEE_TRANSCRIPT
    TEMPLATE_KEYS = TEMPLATE_KEYS

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def create_transcription(
        self,
        text: str = KNEE_TRANSCRIPT,
        *,
        duration_seconds: float = 180,
        language_used: str | None = "en",
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"duration_seconds": duration_seconds, "original_transcript": text}
        if language_used is not None:
            body["language_used"] = language_used
        response = await self.client.post("/v1/transcriptions/create", json=body)
        assert response.status_code == 201, response.text
        transcription: dict[str, Any] = response.json()["transcription"]
        return transcription

    async def create_thread(self, **headers: str) -> dict[str, Any]:
        response = await self.client.post("/v1/lang-graph/threads", json={}, headers=headers)
        assert response.status_code == 201, response.text
        thread: dict[str, Any] = response.json()
        return thread

    async def post_run(
        self,
        thread_id: str,
        *messages: dict[str, str] | str,
        chat: bool = False,
        **configurable: Any,
    ) -> httpx.Response:
        return await self.client.post(
            f"/v1/lang-graph/threads/{thread_id}/runs",
            json=run_body(thread_id, *messages, **configurable),
            headers={"x-is-chat": "true" if chat else "false"},
        )

    async def start_run(
        self,
        thread_id: str,
        *messages: dict[str, str] | str,
        chat: bool = False,
        **configurable: Any,
    ) -> dict[str, Any]:
        response = await self.post_run(thread_id, *messages, chat=chat, **configurable)
        assert response.status_code == 201, response.text
        run: dict[str, Any] = response.json()
        return run

    async def join(self, thread_id: str, run_id: str) -> dict[str, Any]:
        response = await self.client.get(
            f"/v1/lang-graph/threads/{thread_id}/runs/{run_id}/join",
            params={"timeout": JOIN_TIMEOUT},
        )
        assert response.status_code == 200, response.text
        joined: dict[str, Any] = response.json()
        return joined

    async def run_and_join(
        self,
        thread_id: str,
        *messages: dict[str, str] | str,
        chat: bool = False,
        **configurable: Any,
    ) -> dict[str, Any]:
        run = await self.start_run(thread_id, *messages, chat=chat, **configurable)
        return await self.join(thread_id, run["run_id"])

    async def extract(
        self, text: str = KNEE_TRANSCRIPT, **configurable: Any
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        """Transcription → thread → extraction run → join: (transcription, thread, joined)."""
        transcription = await self.create_transcription(text)
        thread = await self.create_thread()
        joined = await self.run_and_join(
            thread["thread_id"],
            "Generate a clinical note for this visit",
            transcription_id=transcription["id"],
            **configurable,
        )
        return transcription, thread, joined

    async def create_note(self, **fields: Any) -> dict[str, Any]:
        response = await self.client.post("/v1/clinical-notes", json=fields)
        assert response.status_code == 201, response.text
        note: dict[str, Any] = response.json()
        return note

    async def get_note(self, note_id: str) -> dict[str, Any]:
        response = await self.client.get(f"/v1/clinical-notes/{note_id}")
        assert response.status_code == 200, response.text
        note: dict[str, Any] = response.json()
        return note

    async def patch_note(self, note_id: str, **fields: Any) -> dict[str, Any]:
        response = await self.client.patch(f"/v1/clinical-notes/{note_id}", json=fields)
        assert response.status_code == 200, response.text
        note: dict[str, Any] = response.json()
        return note


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def api(client: httpx.AsyncClient) -> Omniloy:
    return Omniloy(client)


@pytest.fixture
def other_api(other_client: httpx.AsyncClient) -> Omniloy:
    """Another tenant."""
    return Omniloy(other_client)


@pytest.fixture
async def make_client(app: FastAPI, tenant_key: IssuedKey) -> AsyncIterator[ClientFactory]:
    """make_client(api_key=..., raise_app_exceptions=..., headers) → a client closed afterwards.

    The key defaults to the test tenant's (the one ``client`` uses); pass ``api_key=None`` for no
    Authorization header, or ``authorization=...`` to send a raw header value.
    """
    opened: list[httpx.AsyncClient] = []
    default_key = tenant_key.api_key

    async def factory(
        *,
        api_key: str | None = default_key,
        authorization: str | None = None,
        raise_app_exceptions: bool = True,
        **headers: str,
    ) -> httpx.AsyncClient:
        base: dict[str, str] = {}
        if authorization is not None:
            base["Authorization"] = authorization
        elif api_key is not None:
            base["Authorization"] = f"Bearer {api_key}"
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions),
            base_url="http://scribe.test",
            headers={**base, **{k.replace("_", "-"): v for k, v in headers.items()}},
            timeout=30,
        )
        opened.append(client)
        return client

    yield factory
    for client in opened:
        await client.aclose()
