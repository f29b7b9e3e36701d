"""The embedded engine behind the provider Protocols."""

from __future__ import annotations

from scribe.clinical.fields import fill_fields
from scribe.clinical.summary import summarize_section
from scribe.providers.llm import ExtractiveProvider
from scribe.providers.llm.base import SummaryRequest, TextProvider
from tests.providers.llm.builders import RECORD, fields_request


def _provider() -> TextProvider:
    return ExtractiveProvider()


class TestExtractiveProvider:
    async def test_streams_sentence_by_sentence(self) -> None:
        request = SummaryRequest("Medications", RECORD)
        pieces = [piece async for piece in _provider().stream_section(request)]
        sentences = summarize_section("Medications", RECORD)
        assert pieces == [sentences[0].text, " " + sentences[1].text]
        assert "".join(pieces) == "Lisinopril 20 mg once daily. Metformin 500 mg twice daily."

    async def test_nothing_relevant_is_still_one_increment(self) -> None:
        request = SummaryRequest("Immunizations", RECORD)
        assert [p async for p in _provider().stream_section(request)] == [
            "Nothing relevant is recorded."
        ]

    async def test_fills_fields_with_the_engine(self) -> None:
        request = fields_request()
        assert await _provider().fill_fields(request) == fill_fields(request.source, request.fields)

    async def test_aclose_is_a_no_op(self) -> None:
        provider = _provider()
        await provider.aclose()
        await provider.aclose()
