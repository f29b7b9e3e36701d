"""Omniloy extraction runs over transcripts the engine does not write from: the run fails."""

from __future__ import annotations

import httpx

from tests.api.bad_transcripts import LONG, SPANISH
from tests.api.omniloy.conftest import Omniloy


class TestBadTranscripts:
    async def test_too_long_a_transcription_fails_the_run(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        transcription = await api.create_transcription(LONG)
        thread = await api.create_thread()
        joined = await api.run_and_join(
            thread["thread_id"], "Generate a SOAP note", transcription_id=transcription["id"]
        )
        assert joined["status"] == "failed"
        assert joined["error"]["code"] == "transcript_too_long"
        assert "knee" not in joined["error"]["message"]
        assert (await client.get("/v1/clinical-notes")).json() == []

    async def test_a_spanish_transcription_fails_the_run(self, api: Omniloy) -> None:
        transcription = await api.create_transcription(SPANISH, language_used="en")
        thread = await api.create_thread()
        joined = await api.run_and_join(
            thread["thread_id"], "Generate a SOAP note", transcription_id=transcription["id"]
        )
        assert joined["status"] == "failed"
        assert joined["error"]["code"] == "unsupported_transcript_language"
        assert "espalda" not in joined["error"]["message"]
