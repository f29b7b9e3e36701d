"""JSON the server cannot hold is a 400 in Invox's shape (issue 14).

A lone surrogate in a template field's name was a 500 on both databases (the answer echoes it
and cannot be encoded); NaN, deep nesting and huge numbers are refused the same way.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.bad_input import BAD_JSON, PLACE, UNSTORABLE_TEXT, send_json, with_value
from tests.api.invox.conftest import (
    CLINICAL_NOTE,
    CONSULTATION_SUMMARY,
    NOTE_FROM_SUMMARY,
    SUMMARY,
    assert_error,
    field,
    template,
)


def note_body(**field_parts: Any) -> dict[str, Any]:
    parts = {"field_id": "f1", "name": "Diagnosis", "description": "Diagnosis", **field_parts}
    return {"summary": SUMMARY, "template": template(field(**parts)), "language": "en"}


class TestBadJson:
    @pytest.mark.parametrize("value", UNSTORABLE_TEXT.values(), ids=list(UNSTORABLE_TEXT))
    @pytest.mark.parametrize("where", ["name", "description", "field_id"])
    async def test_a_template_field(self, invox: httpx.AsyncClient, where: str, value: str) -> None:
        text = with_value(note_body(**{where: PLACE}), value)
        response = await send_json(invox, "POST", NOTE_FROM_SUMMARY, text)
        assert "not valid JSON" in assert_error(response, 400, "badRequest")

    @pytest.mark.parametrize("value", BAD_JSON.values(), ids=list(BAD_JSON))
    @pytest.mark.parametrize("path", [NOTE_FROM_SUMMARY, CLINICAL_NOTE])
    async def test_a_template_value(self, invox: httpx.AsyncClient, path: str, value: str) -> None:
        body = note_body(kind="number", value=PLACE)
        if path == CLINICAL_NOTE:
            body["transcription"] = body.pop("summary")
        response = await send_json(invox, "POST", path, with_value(body, value))
        assert_error(response, 400, "badRequest")

    @pytest.mark.parametrize("value", UNSTORABLE_TEXT.values(), ids=list(UNSTORABLE_TEXT))
    async def test_a_transcript(self, invox: httpx.AsyncClient, value: str) -> None:
        body = {"transcript": PLACE, "outputFormat": "SUMMARY", "outputLanguage": "en"}
        response = await send_json(invox, "POST", CONSULTATION_SUMMARY, with_value(body, value))
        assert_error(response, 400, "badRequest")

    async def test_a_good_request_still_works(self, invox: httpx.AsyncClient) -> None:
        response = await invox.post(NOTE_FROM_SUMMARY, json=note_body())
        assert response.status_code == 200, response.text
