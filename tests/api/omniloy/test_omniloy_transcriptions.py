"""POST /v1/transcriptions/create and GET /v1/transcriptions/{id}."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from tests.api.omniloy.conftest import ClientFactory, Omniloy

CREATE = "/v1/transcriptions/create"


def body(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "duration_seconds": 180,
        "original_transcript": "[doctor] How is the knee?\n[patient] It still hurts.",
        "language_used": "en",
    }
    return {**base, **overrides}


class TestCreateTranscription:
    async def test_created_with_documented_shape(
        self, api: Omniloy, client: httpx.AsyncClient, tenant_key: Any
    ) -> None:
        response = await client.post(CREATE, json=body(original_transcript=api.KNEE))
        assert response.status_code == 201
        payload = response.json()
        assert payload["message"] == "Transcription created successfully"
        t = payload["transcription"]
        assert set(t) == {
            "id",
            "user_id",
            "group_id",
            "duration_seconds",
            "language_used",
            "original_transcript",
            "created_at",
            "updated_at",
        }
        assert isinstance(t["id"], str)
        assert t["id"]
        assert t["user_id"] == "dr_house"
        assert t["group_id"] == tenant_key.tenant_name
        assert t["duration_seconds"] == 180
        assert t["language_used"] == "en"
        assert t["original_transcript"] == api.KNEE
        api.assert_timestamps(t)

    @pytest.mark.parametrize("duration", [0, 0.0, 12.5, 180, 3599.25])
    async def test_duration_accepts_non_negative_numbers(
        self, client: httpx.AsyncClient, duration: float
    ) -> None:
        response = await client.post(CREATE, json=body(duration_seconds=duration))
        assert response.status_code == 201, response.text
        assert response.json()["transcription"]["duration_seconds"] == duration

    async def test_language_is_optional(self, client: httpx.AsyncClient) -> None:
        payload = body()
        del payload["language_used"]
        response = await client.post(CREATE, json=payload)
        assert response.status_code == 201
        assert response.json()["transcription"]["language_used"] is None

    async def test_unknown_fields_are_ignored(self, client: httpx.AsyncClient) -> None:
        response = await client.post(CREATE, json=body(speaker_count=2, extra={"a": 1}))
        assert response.status_code == 201
        assert "speaker_count" not in response.json()["transcription"]

    async def test_unicode_text_round_trips(self, api: Omniloy) -> None:
        text = "[doctor] ¿Le duele la rodilla? 膝\n[patient] Sí, desde el martes. 😣"
        created = await api.create_transcription(text, language_used="es")
        assert created["original_transcript"] == text
        assert created["language_used"] == "es"

    async def test_user_id_is_the_x_doctor_header(self, make_client: ClientFactory) -> None:
        client = await make_client(x_doctor="  dr_wilson  ", x_patient="pt_42")
        response = await client.post(CREATE, json=body())
        assert response.status_code == 201
        assert response.json()["transcription"]["user_id"] == "dr_wilson"

    async def test_ids_are_unique(self, api: Omniloy) -> None:
        first = await api.create_transcription()
        second = await api.create_transcription()
        assert first["id"] != second["id"]

    async def test_transcript_just_under_the_limit_is_accepted(
        self, client: httpx.AsyncClient
    ) -> None:
        text = "a" * (1024 * 1024)
        response = await client.post(CREATE, json=body(original_transcript=text))
        assert response.status_code == 201
        assert len(response.json()["transcription"]["original_transcript"]) == len(text)


class TestCreateTranscriptionValidation:
    @pytest.mark.parametrize(
        "payload",
        [
            pytest.param({"duration_seconds": 10}, id="missing-transcript"),
            pytest.param({"original_transcript": "hi there"}, id="missing-duration"),
            pytest.param(body(duration_seconds=-1), id="negative-duration"),
            pytest.param(body(duration_seconds=-0.001), id="slightly-negative-duration"),
            pytest.param(body(duration_seconds="180"), id="string-duration"),
            pytest.param(body(duration_seconds=True), id="bool-duration"),
            pytest.param(body(duration_seconds=None), id="null-duration"),
            pytest.param(body(original_transcript=""), id="empty-transcript"),
            pytest.param(body(original_transcript="  \n\t "), id="blank-transcript"),
            pytest.param(body(original_transcript=None), id="null-transcript"),
            pytest.param(body(original_transcript=42), id="number-transcript"),
            pytest.param(body(original_transcript=["a", "b"]), id="list-transcript"),
            pytest.param(body(language_used=5), id="number-language"),
            pytest.param(body(language_used="x" * 33), id="overlong-language"),
            pytest.param({}, id="empty-object"),
        ],
    )
    async def test_invalid_body_is_400(
        self, api: Omniloy, client: httpx.AsyncClient, payload: dict[str, Any]
    ) -> None:
        response = await client.post(CREATE, json=payload)
        api.assert_error(response, 400)

    async def test_missing_field_is_named(self, api: Omniloy, client: httpx.AsyncClient) -> None:
        response = await client.post(CREATE, json={"duration_seconds": 1})
        assert "original_transcript" in api.assert_error(response, 400)

    async def test_nan_duration_is_400(self, api: Omniloy, client: httpx.AsyncClient) -> None:
        response = await client.post(
            CREATE,
            content=b'{"duration_seconds": NaN, "original_transcript": "x"}',
            headers={"content-type": "application/json"},
        )
        api.assert_error(response, 400)

    @pytest.mark.parametrize("raw", ["1e308", "Infinity"])
    async def test_huge_duration_is_a_client_error(
        self, api: Omniloy, make_client: ClientFactory, raw: str
    ) -> None:
        client = await make_client(x_doctor="dr_house", raise_app_exceptions=False)
        response = await client.post(
            CREATE,
            content=f'{{"duration_seconds": {raw}, "original_transcript": "x"}}'.encode(),
            headers={"content-type": "application/json"},
        )
        api.assert_error(response, 400)

    async def test_transcript_over_one_megabyte_is_413(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        # Under the 2 MB body cap, over the 1 MB transcript cap (multi-byte characters count
        # as bytes).
        text = "é" * (512 * 1024 + 1)
        response = await client.post(CREATE, json=body(original_transcript=text))
        message = api.assert_error(response, 413)
        assert "original_transcript" in message
        assert "é" not in message


class TestGetTranscription:
    async def test_get_returns_what_create_returned(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        created = await api.create_transcription(duration_seconds=12.5)
        response = await client.get(f"/v1/transcriptions/{created['id']}")
        assert response.status_code == 200
        assert response.json() == created

    async def test_other_doctor_of_same_tenant_can_read_it(
        self, api: Omniloy, make_client: ClientFactory
    ) -> None:
        created = await api.create_transcription()
        colleague = await make_client(x_doctor="dr_cuddy")
        response = await colleague.get(f"/v1/transcriptions/{created['id']}")
        assert response.status_code == 200
        assert response.json()["user_id"] == "dr_house"

    @pytest.mark.parametrize("unknown", ["does-not-exist", "00000000-0000-0000-0000-000000000000"])
    async def test_unknown_id_is_404(
        self, api: Omniloy, client: httpx.AsyncClient, unknown: str
    ) -> None:
        response = await client.get(f"/v1/transcriptions/{unknown}")
        api.assert_error(response, 404)
