"""Nabla digest from transcripts the engine does not write from: 4xx in Nabla's shape."""

from __future__ import annotations

from tests.api.bad_transcripts import LONG_LINES, SPANISH
from tests.api.nabla.conftest import BASE, Nabla, assert_error


class TestBadTranscripts:
    async def test_too_long_a_transcript_is_413(self, nabla: Nabla) -> None:
        items = [{"text": line, "speaker": "doctor"} for line in LONG_LINES]
        body = {"language": "en-US", "transcript_items": items}
        response = await nabla.client.post(f"{BASE}/digest", json=body)
        assert "words" in assert_error(response, 413)

    async def test_a_spanish_transcript_for_an_english_note_is_422(self, nabla: Nabla) -> None:
        body = {"language": "en-US", "transcript_items": [{"text": SPANISH, "speaker": "doctor"}]}
        response = await nabla.client.post(f"{BASE}/digest", json=body)
        assert "English" in assert_error(response, 422)
        assert "espalda" not in response.text

    async def test_whitespace_only_is_4xx(self, nabla: Nabla) -> None:
        body = {"language": "en-US", "transcript_items": [{"text": "   ", "speaker": "doctor"}]}
        response = await nabla.client.post(f"{BASE}/digest", json=body)
        assert 400 <= response.status_code < 500, response.text
