"""POST /listen: multipart request_parameters + file, answered synchronously."""

from __future__ import annotations

import json
from typing import Any

import httpx

from scribe.clinical import catalogue
from tests.api.nabla.conftest import BASE, FILES, TOO_SHORT, Nabla, assert_error, silence

GENERAL_MEDICINE = [s.key for s in catalogue.list_templates("nabla")[0].sections]
BOTH = {"output_objects": ["transcript_item", "note"], "language": "en-US"}


async def listen(
    nabla: Nabla,
    params: dict[str, Any] | str | None,
    file: str | None = "visit.ogg",
    *,
    content_type: str | None = None,
    data: bytes | None = None,
) -> httpx.Response:
    form: dict[str, str] = {}
    if params is not None:
        form["request_parameters"] = params if isinstance(params, str) else json.dumps(params)
    files = {}
    if file is not None:
        content, declared = FILES[file]
        files["file"] = (file, data or content, content_type or declared)
    return await nabla.client.post(f"{BASE}/listen", data=form, files=files or None)


class TestListen:
    async def test_transcript_and_note(self, nabla: Nabla) -> None:
        response = await listen(nabla, BOTH)
        assert response.status_code == 200, response.text
        body = response.json()
        assert list(body) == ["transcript", "note"]
        assert all(isinstance(i["start_time_ms"], int) for i in body["transcript"])
        keys = [section["key"] for section in body["note"]["sections"]]
        assert keys
        assert keys == [k for k in GENERAL_MEDICINE if k in keys]

    async def test_transcript_only_with_parameters_after_the_file(self, nabla: Nabla) -> None:
        content, _ = FILES["clip.wav"]
        boundary = "nabla-test-boundary"
        params = json.dumps({"output_objects": ["transcript_item"], "language": "en"})
        body = (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="clip.wav"\r\n'
            "Content-Type: audio/wav\r\n\r\n"
        ).encode() + content
        body += (
            f"\r\n--{boundary}\r\n"
            'Content-Disposition: form-data; name="request_parameters"\r\n\r\n'
            f"{params}\r\n--{boundary}--\r\n"
        ).encode()
        response = await nabla.client.post(
            f"{BASE}/listen",
            content=body,
            headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        )
        assert response.status_code == 200, response.text
        assert list(response.json()) == ["transcript"]

    async def test_too_short_for_a_note_is_422(self, nabla: Nabla) -> None:
        response = await listen(nabla, BOTH, "clip.wav")
        assert assert_error(response, 422) == TOO_SHORT


class TestListenRefusals:
    async def test_longer_than_the_limit(self, nabla: Nabla) -> None:
        response = await listen(nabla, BOTH, "long.wav", data=silence(61))
        assert "minute" in assert_error(response, 400)

    async def test_not_audio(self, nabla: Nabla) -> None:
        response = await listen(nabla, BOTH, "notes.txt")
        assert "audio/*" in assert_error(response, 415)

    async def test_undecodable_audio(self, nabla: Nabla) -> None:
        response = await listen(nabla, BOTH, "notes.txt", content_type="audio/wav")
        assert_error(response, 400)

    async def test_missing_parameters(self, nabla: Nabla) -> None:
        assert "request_parameters" in assert_error(await listen(nabla, None), 400)

    async def test_invalid_parameters(self, nabla: Nabla) -> None:
        bad = {**BOTH, "note_template": "NOPE"}
        assert "request_parameters" in assert_error(await listen(nabla, bad), 400)
        assert "JSON" in assert_error(await listen(nabla, "{not json"), 400)
        spanish = {**BOTH, "language": "es-MX"}
        assert "es-MX" in assert_error(await listen(nabla, spanish), 400)

    async def test_missing_file(self, nabla: Nabla) -> None:
        boundary = "only-parameters"
        body = (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="request_parameters"\r\n\r\n'
            f"{json.dumps(BOTH)}\r\n--{boundary}--\r\n"
        ).encode()
        response = await nabla.client.post(
            f"{BASE}/listen",
            content=body,
            headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        )
        assert "file" in assert_error(response, 400)

    async def test_not_multipart(self, nabla: Nabla) -> None:
        assert_error(await nabla.client.post(f"{BASE}/listen", json=BOTH), 400)
