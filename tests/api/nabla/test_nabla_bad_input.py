"""Input the databases cannot store is a 400 in Nabla's shape, and changes nothing stored.

Issue 14: a NUL in a digest's transcript text was a 500 on PostgreSQL, a lone surrogate one on
SQLite, and a multipart boundary over 256 characters one on both. Every case runs on both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from scribe.async_requests.models import AsyncRequest
from scribe.clinical import parse_transcript
from scribe.notes.models import Note
from scribe.transcripts.models import Transcript
from tests.api.bad_input import BAD_JSON, PLACE, UNSTORABLE_TEXT, send_json, with_value
from tests.api.nabla.conftest import BASE, Nabla, assert_error

VISIT = (Path(__file__).parents[2] / "data" / "visit_knee.txt").read_text()
ITEMS = [{"text": u.text, "speaker": u.speaker} for u in parse_transcript(VISIT)]


def digest_body(**overrides: Any) -> dict[str, Any]:
    return {"language": "en", "output_objects": ["note"], "transcript_items": ITEMS, **overrides}


async def stored_rows(nabla: Nabla) -> tuple[int, ...]:
    """How many transcripts, notes and async requests the tenant has."""
    async with nabla.runtime.sessionmaker() as session:
        counts = []
        for model in (Transcript, Note, AsyncRequest):
            query = select(func.count()).select_from(model)
            counts.append(await session.scalar(query.where(model.tenant_id == nabla.key_tenant_id)))
    return tuple(int(count or 0) for count in counts)


@pytest.fixture
async def before(nabla: Nabla) -> tuple[int, ...]:
    """One digest made before the bad requests: what the tenant holds after it."""
    response = await nabla.client.post(f"{BASE}/digest", json=digest_body())
    assert response.status_code == 200, response.text
    counts = await stored_rows(nabla)
    assert counts[:2] == (1, 1)
    return counts


class TestDigest:
    @pytest.mark.parametrize("value", BAD_JSON.values(), ids=list(BAD_JSON))
    async def test_a_bad_value_in_the_transcript(
        self, nabla: Nabla, before: tuple[int, ...], value: str
    ) -> None:
        items = [ITEMS[0], {"text": PLACE, "speaker": "patient"}]
        hook = nabla.server.url("/hooks/unused")  # digest ignores it
        text = with_value(digest_body(transcript_items=items, callback_url=hook), value)
        for path in ("digest", "digest_async"):
            assert_error(await send_json(nabla.client, "POST", f"{BASE}/{path}", text), 400)
        assert await stored_rows(nabla) == before

    @pytest.mark.parametrize("value", UNSTORABLE_TEXT.values(), ids=list(UNSTORABLE_TEXT))
    async def test_a_bad_client_request_id(
        self, nabla: Nabla, before: tuple[int, ...], value: str
    ) -> None:
        bodies = {
            "digest_async": digest_body(callback_url=nabla.server.url("/hooks/x")),
            "listen_async": nabla.body("clip.wav"),
        }
        for path, body in bodies.items():
            text = with_value({**body, "client_request_id": PLACE}, value)
            assert_error(await send_json(nabla.client, "POST", f"{BASE}/{path}", text), 400)
        assert await stored_rows(nabla) == before


class TestListen:
    async def test_a_boundary_over_256_characters(
        self, nabla: Nabla, before: tuple[int, ...]
    ) -> None:
        boundary = "b" * 257
        response = await nabla.client.post(
            f"{BASE}/listen",
            content=form(boundary, '{"language": "en", "output_objects": ["transcript_item"]}'),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert "boundary" in assert_error(response, 400)
        assert await stored_rows(nabla) == before

    async def test_a_nul_in_a_form_field(self, nabla: Nabla, before: tuple[int, ...]) -> None:
        response = await nabla.client.post(
            f"{BASE}/listen",
            content=form("x" * 16, '{"language": "en\x00", "output_objects": ["note"]}'),
            headers={"Content-Type": "multipart/form-data; boundary=" + "x" * 16},
        )
        assert "NUL" in assert_error(response, 400)
        assert await stored_rows(nabla) == before

    async def test_a_nul_in_the_status_url(self, nabla: Nabla, before: tuple[int, ...]) -> None:
        for path in (f"{BASE}/listen_async/%00", "/listen_async/abc%00"):
            assert "NUL" in assert_error(await nabla.client.get(path), 400)
        assert await stored_rows(nabla) == before


def form(boundary: str, parameters: str) -> bytes:
    """request_parameters, then a file part with a few bytes."""
    parts = [
        'Content-Disposition: form-data; name="request_parameters"\r\n\r\n' + parameters,
        'Content-Disposition: form-data; name="file"; filename="a.wav"\r\n'
        "Content-Type: audio/wav\r\n\r\nRIFF",
    ]
    body = "".join(f"--{boundary}\r\n{part}\r\n" for part in parts) + f"--{boundary}--\r\n"
    return body.encode()
