"""Bad input is a 400 in Nabla's {code, message} shape (401 first for anonymous callers)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from tests.api.nabla.conftest import BASE, Nabla, assert_error
from tests.conftest import client_for

ITEMS = [{"text": "My knee hurts.", "speaker": "patient"}]


class TestAuth:
    @pytest.mark.parametrize(
        "path", [f"{BASE}/listen_async", "/listen_async", f"{BASE}/digest", f"{BASE}/listen"]
    )
    async def test_anonymous_is_401_even_with_a_bad_body(
        self, nabla_app: FastAPI, path: str
    ) -> None:
        async with client_for(nabla_app, None) as anonymous:
            assert_error(await anonymous.post(path, json={"language": "xx"}), 401)
        async with client_for(nabla_app, "sk_wrong") as wrong:
            assert_error(await wrong.post(path, json={}), 401)

    async def test_status_needs_a_key(self, nabla_app: FastAPI) -> None:
        async with client_for(nabla_app, None) as anonymous:
            assert_error(await anonymous.get(f"{BASE}/listen_async/ABC"), 401)


class TestListenAsyncBody:
    @pytest.mark.parametrize(
        ("change", "named"),
        [
            ({"language": "de-DE"}, "language"),
            ({"note_template": "ORTHOPEDICS"}, "note_template"),
            ({"section_style": "prose"}, "section_style"),
            ({"output_objects": []}, "output_objects"),
            ({"output_objects": ["summary"]}, "output_objects"),
            ({"client_request_id": "x" * 129}, "client_request_id"),
            ({"split_by_sentence": "often"}, "split_by_sentence"),
            ({"file_url": None}, "file_url"),
            ({"callback_url": 42}, "callback_url"),
        ],
    )
    async def test_invalid_field(self, nabla: Nabla, change: dict[str, Any], named: str) -> None:
        response = await nabla.client.post(f"{BASE}/listen_async", json=nabla.body(**change))
        assert named in assert_error(response, 400)

    @pytest.mark.parametrize("missing", ["output_objects", "language", "file_url", "callback_url"])
    async def test_missing_field(self, nabla: Nabla, missing: str) -> None:
        body = nabla.body()
        del body[missing]
        response = await nabla.client.post(f"{BASE}/listen_async", json=body)
        assert missing in assert_error(response, 400)

    async def test_client_request_id_of_128_is_fine(self, nabla: Nabla) -> None:
        body = nabla.body("clip.wav", output_objects=["transcript_item"])
        await nabla.listen_async(**{**body, "client_request_id": "x" * 128})

    async def test_malformed_json(self, nabla: Nabla) -> None:
        response = await nabla.client.post(
            f"{BASE}/listen_async",
            content=b'{"language": ',
            headers={"content-type": "application/json"},
        )
        assert "JSON" in assert_error(response, 400)

    @pytest.mark.parametrize("language", ["es-ES", "es-MX"])
    async def test_no_note_in_spanish(self, nabla: Nabla, language: str) -> None:
        response = await nabla.client.post(
            f"{BASE}/listen_async", json=nabla.body(language=language)
        )
        assert language in assert_error(response, 400)

    @pytest.mark.parametrize("language", ["fr", "fr-FR"])
    async def test_ap_merged_is_english_only(self, nabla: Nabla, language: str) -> None:
        body = nabla.body(language=language, note_template="GENERAL_MEDICINE_AP_MERGED")
        response = await nabla.client.post(f"{BASE}/listen_async", json=body)
        assert "GENERAL_MEDICINE_AP_MERGED" in assert_error(response, 400)

    async def test_a_language_the_speech_model_lacks(self, nabla: Nabla) -> None:
        body = nabla.body(language="fr-FR", output_objects=["transcript_item"])
        response = await nabla.client.post(f"{BASE}/listen_async", json=body)
        assert "speech model" in assert_error(response, 400)


class TestDigestBody:
    @pytest.mark.parametrize(
        "change",
        [
            {"transcript_items": []},
            {"transcript_items": [{"text": "Hi."}]},
            {"transcript_items": [{"text": "Hi.", "speaker": "nurse"}]},
            {"output_objects": ["transcript_item"]},
            {"language": "en-AU"},
        ],
    )
    async def test_invalid(self, nabla: Nabla, change: dict[str, Any]) -> None:
        body = {"language": "en-US", "transcript_items": ITEMS, **change}
        assert_error(await nabla.client.post(f"{BASE}/digest", json=body), 400)

    async def test_digest_async_needs_a_public_callback(self, nabla: Nabla) -> None:
        body = {"language": "en", "transcript_items": ITEMS, "callback_url": "http://10.1.2.3/"}
        response = await nabla.client.post(f"{BASE}/digest_async", json=body)
        assert "callback_url" in assert_error(response, 400)

    async def test_unknown_route_is_nabla_shaped(self, nabla: Nabla) -> None:
        assert_error(await nabla.client.get(f"{BASE}/nothing"), 404)
