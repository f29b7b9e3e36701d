"""Invox 400s: each documented errorType, in the order summary → template → language."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.invox.conftest import (
    CLINICAL_NOTE,
    CONSULTATION_SUMMARY,
    NOTE_FROM_SUMMARY,
    SUMMARY,
    assert_error,
    field,
    template,
)


def _body(**overrides: Any) -> dict[str, Any]:
    return {"summary": SUMMARY, "template": template(), "language": "en", **overrides}


def _without(body: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key not in keys}


class TestRequiredParts:
    @pytest.mark.parametrize(
        "body",
        [
            _without(_body(), "summary"),
            _body(summary=""),
            _body(summary="   "),
            _body(summary=None),
            _body(summary=42),
            {},
            # Summary is checked first: a body missing everything names the summary.
            {"language": "xx"},
        ],
    )
    async def test_summary_is_required(
        self, invox: httpx.AsyncClient, body: dict[str, Any]
    ) -> None:
        response = await invox.post(NOTE_FROM_SUMMARY, json=body)
        assert assert_error(response, 400, "summaryIsRequired") == "Summary is required"

    @pytest.mark.parametrize("body", [_without(_body(), "template"), _body(template=None)])
    async def test_template_is_required(
        self, invox: httpx.AsyncClient, body: dict[str, Any]
    ) -> None:
        response = await invox.post(NOTE_FROM_SUMMARY, json={**body, "language": "xx"})
        assert_error(response, 400, "templateIsRequired")

    @pytest.mark.parametrize("language", ["fr", "es-ES", "", 7, "pt"])
    async def test_invalid_language(self, invox: httpx.AsyncClient, language: object) -> None:
        response = await invox.post(NOTE_FROM_SUMMARY, json=_body(language=language))
        assert_error(response, 400, "invalidLanguage")

    async def test_non_object_json_names_the_missing_summary(
        self, invox: httpx.AsyncClient
    ) -> None:
        response = await invox.post(NOTE_FROM_SUMMARY, json=["summary"])
        assert_error(response, 400, "summaryIsRequired")


_ENUM_WITHOUT_OPTIONS = field("f1", "Severity", "enum")
_BAD_TEMPLATES: dict[str, object] = {
    "not an object": "SOAP",
    "a list": [field("f1", "Diagnosis")],
    "no id": _without(template(), "id"),
    "no name": _without(template(), "template_name"),
    "no language": _without(template(), "template_language"),
    "no fields": _without(template(), "fields"),
    "fields not a list": template(fields={"f1": field("f1", "Diagnosis")}),
    "empty fields": template(fields=[]),
    "field without id": template(_without(field("f1", "Diagnosis"), "id")),
    "field with empty id": template(field("", "Diagnosis")),
    "field without name": template(_without(field("f1", "Diagnosis"), "name")),
    "field without type": template(_without(field("f1", "Diagnosis"), "type")),
    "unknown type": template(field("f1", "Diagnosis", "date")),
    "numeric id": template({**field("f1", "Diagnosis"), "id": 1}),
    "enum without options": template(_ENUM_WITHOUT_OPTIONS),
    "enum with empty options": template({**_ENUM_WITHOUT_OPTIONS, "enumerableOptions": []}),
    "options not strings": template({**_ENUM_WITHOUT_OPTIONS, "enumerableOptions": [1, 2]}),
    "duplicate ids": template(field("f1", "Diagnosis"), field("f1", "Plan")),
}


class TestInvalidTemplate:
    @pytest.mark.parametrize("bad", _BAD_TEMPLATES.values(), ids=_BAD_TEMPLATES.keys())
    async def test_each_rule(self, invox: httpx.AsyncClient, bad: object) -> None:
        # An invalid language too: the template is checked before it.
        response = await invox.post(NOTE_FROM_SUMMARY, json=_body(template=bad, language="xx"))
        message = assert_error(response, 400, "invalidTemplate")
        assert message.startswith("Invalid template")

    async def test_message_names_the_field_never_the_value(self, invox: httpx.AsyncClient) -> None:
        bad = template(field("f1", "Diagnosis", "date", value="Secret clinical text"))
        response = await invox.post(NOTE_FROM_SUMMARY, json=_body(template=bad))
        message = assert_error(response, 400, "invalidTemplate")
        assert "fields.0.type" in message
        assert "Secret" not in message


class TestBadInput:
    async def test_malformed_json_is_400(self, invox: httpx.AsyncClient) -> None:
        response = await invox.post(
            NOTE_FROM_SUMMARY, content=b'{"summary": ', headers={"Content-Type": "application/json"}
        )
        assert "not valid JSON" in assert_error(response, 400, "badRequest")

    async def test_body_over_the_json_limit_is_413_in_invox_shape(
        self, invox: httpx.AsyncClient
    ) -> None:
        huge = _body(summary="cough " * 400_000)
        response = await invox.post(NOTE_FROM_SUMMARY, json=huge)
        assert_error(response, 413, "payloadTooLarge")

    async def test_unknown_route_and_wrong_method_answer_in_invox_shape(
        self, invox: httpx.AsyncClient
    ) -> None:
        assert_error(await invox.post("/api/v1/generate-report", json={}), 404, "notFound")
        assert_error(await invox.get(NOTE_FROM_SUMMARY), 405, "methodNotAllowed")


class TestOtherRoutes:
    async def test_clinical_note_checks_transcription_then_template_then_language(
        self, invox: httpx.AsyncClient
    ) -> None:
        tpl = template()
        cases = [
            ({"template": tpl}, "transcriptionIsRequired"),
            ({"transcription": "Doctor: Hi."}, "templateIsRequired"),
            ({"transcription": "Hi.", "template": {"id": "x"}}, "invalidTemplate"),
            ({"transcription": "Hi.", "template": tpl, "language": "de"}, "invalidLanguage"),
        ]
        for body, error_type in cases:
            response = await invox.post(CLINICAL_NOTE, json=body)
            assert_error(response, 400, error_type)

    async def test_consultation_summary_checks_transcript_format_and_language(
        self, invox: httpx.AsyncClient
    ) -> None:
        cases = [
            ({"outputFormat": "SUMMARY"}, "transcriptIsRequired"),
            ({"transcript": "Hi.", "outputFormat": "HTML"}, "invalidOutputFormat"),
            ({"transcript": "Hi.", "outputLanguage": "fr"}, "invalidLanguage"),
            ({"transcript": "Doctor: Hello.", "outputLanguage": "en"}, "transcriptTooShort"),
            ({"transcript": "Hola. ¿Qué tal?", "outputLanguage": "es"}, "transcriptTooShort"),
        ]
        for body, error_type in cases:
            response = await invox.post(CONSULTATION_SUMMARY, json=body)
            assert_error(response, 400, error_type)
