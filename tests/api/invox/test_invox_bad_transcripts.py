"""Invox consultation summaries from transcripts the engine does not write from."""

from __future__ import annotations

import httpx

from tests.api.bad_transcripts import LONG, SPANISH
from tests.api.invox.conftest import (
    CLINICAL_NOTE,
    CONSULTATION_SUMMARY,
    assert_error,
    field,
    template,
)


class TestBadTranscripts:
    async def test_too_long_a_transcript_is_413(self, invox: httpx.AsyncClient) -> None:
        body = {"transcript": LONG, "outputFormat": "SUMMARY", "outputLanguage": "en"}
        response = await invox.post(CONSULTATION_SUMMARY, json=body)
        assert "words" in assert_error(response, 413, "transcriptTooLong")

    async def test_a_spanish_transcript_for_an_english_summary_is_422(
        self, invox: httpx.AsyncClient
    ) -> None:
        body = {"transcript": SPANISH, "outputFormat": "SUMMARY", "outputLanguage": "en"}
        response = await invox.post(CONSULTATION_SUMMARY, json=body)
        assert "English" in assert_error(response, 422, "unsupportedTranscriptLanguage")
        assert "espalda" not in response.text

    async def test_whitespace_only_is_400(self, invox: httpx.AsyncClient) -> None:
        body = {"transcript": "  \n ", "outputFormat": "SUMMARY", "outputLanguage": "en"}
        response = await invox.post(CONSULTATION_SUMMARY, json=body)
        assert 400 <= response.status_code < 500, response.text

    async def test_too_long_a_transcription_for_a_clinical_note_is_413(
        self, invox: httpx.AsyncClient
    ) -> None:
        # The typed-field route reads a transcription too: the same cap as a summary's.
        payload = {"transcription": LONG, "template": template(field("dx", "Diagnosis"))}
        response = await invox.post(CLINICAL_NOTE, json=payload)
        assert "words" in assert_error(response, 413, "transcriptTooLong")
        assert "stairs" not in response.text

    async def test_too_long_a_transcript_for_a_spanish_summary_is_413(
        self, invox: httpx.AsyncClient
    ) -> None:
        # A summary in a language the engine does not write is sorted, not written: still capped.
        body = {"transcript": LONG, "outputFormat": "SUMMARY", "outputLanguage": "es"}
        response = await invox.post(CONSULTATION_SUMMARY, json=body)
        assert "words" in assert_error(response, 413, "transcriptTooLong")
