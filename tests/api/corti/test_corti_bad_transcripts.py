"""Corti documents from transcripts the engine does not write from: 4xx in Corti's shape."""

from __future__ import annotations

import pytest

from tests.api.bad_transcripts import LONG, SPANISH
from tests.api.corti.conftest import Corti


@pytest.fixture
async def interaction(corti: Corti) -> str:
    created = await corti.create_interaction()
    interaction_id: str = created["interactionId"]
    return interaction_id


class TestBadTranscripts:
    async def test_too_long_a_transcript_is_413(self, corti: Corti, interaction: str) -> None:
        response = await corti.document(interaction, context=[{"type": "string", "data": LONG}])
        body = corti.assert_error(response, 413, "A0016")
        assert "words" in body["detail"]
        assert "knee" not in response.text

    async def test_a_spanish_transcript_for_an_english_note_is_422(
        self, corti: Corti, interaction: str
    ) -> None:
        response = await corti.document(interaction, context=[{"type": "string", "data": SPANISH}])
        assert response.status_code == 422, response.text
        assert "English" in response.json()["detail"]
        assert "espalda" not in response.text

    async def test_whitespace_only_is_400(self, corti: Corti, interaction: str) -> None:
        response = await corti.document(interaction, context=[{"type": "string", "data": " \n\t "}])
        assert 400 <= response.status_code < 500, response.text
        assert set(response.json()) >= {"type", "status", "detail"}

    async def test_nothing_is_stored(self, corti: Corti, interaction: str) -> None:
        await corti.document(interaction, context=[{"type": "string", "data": LONG}])
        listed = await corti.client.get(f"/v2/interactions/{interaction}/documents/")
        assert listed.status_code == 200, listed.text
        assert listed.json()["data"] == []
