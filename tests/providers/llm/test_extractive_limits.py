"""What the engine's provider refuses to write from: too many words, a language it cannot read."""

from __future__ import annotations

import pytest

from scribe.clinical import get_template, parse_transcript
from scribe.clinical.language import looks_english
from scribe.errors import PayloadTooLargeError, UnprocessableError
from scribe.providers.llm import ExtractiveProvider
from scribe.providers.llm.base import NoteRequest
from tests.api.bad_transcripts import SPANISH

VISIT = (
    "Doctor: What brings you in today?\n"
    "Patient: My right knee has hurt for two weeks, worse on the stairs.\n"
    "Doctor: On exam there is swelling of the right knee. I will prescribe ibuprofen 600 mg "
    "three times a day and order an x-ray of the knee."
)


def _request(text: str, language: str | None = None) -> NoteRequest:
    template = get_template("SOAP")
    assert template is not None
    return NoteRequest(parse_transcript(text), template=template, language=language)


class TestWordCap:
    async def test_over_the_cap_is_413_naming_the_limit(self) -> None:
        with pytest.raises(PayloadTooLargeError) as raised:
            await ExtractiveProvider(max_words=20).write_note(_request(VISIT))
        assert raised.value.error_code == "transcript_too_long"
        assert "20" in raised.value.message
        assert "knee" not in raised.value.message

    async def test_within_the_cap_writes(self) -> None:
        draft = await ExtractiveProvider(max_words=1000).write_note(_request(VISIT))
        assert any(section.sentences for section in draft.sections)


class TestLanguage:
    def test_english_and_not(self) -> None:
        assert looks_english([VISIT * 3])
        assert not looks_english([SPANISH])
        assert looks_english(["Hola."])  # too short to judge

    async def test_spanish_for_an_english_note_is_422(self) -> None:
        with pytest.raises(UnprocessableError) as raised:
            await ExtractiveProvider().write_note(_request(SPANISH, "en-US"))
        assert raised.value.error_code == "unsupported_transcript_language"

    async def test_a_note_asked_in_another_language_is_not_judged(self) -> None:
        # The caller chose the language; the engine's own checks (too short) still apply.
        try:
            await ExtractiveProvider().write_note(_request(SPANISH, "es"))
        except UnprocessableError:  # pragma: no cover - the point of the test
            pytest.fail("judged a Spanish note request by English")
        except ValueError:
            pass
