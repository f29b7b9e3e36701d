"""Code a note and/or a PDF with the embedded ICD-10-CM coder, plus a text provider's proposals.

``model`` picks the path:

- ``fast``: the embedded coder alone, whatever provider is configured (no model round trip);
- ``balanced`` and ``high-quality``: the embedded coder, merged with the codes the configured
  text provider proposes (``CodeProposer.propose_codes``) when it is not the embedded engine
  itself. Both models currently ask the same provider the same question.

Proposals are never trusted as given. Each goes through ``clinical.coding.validate_codes``:
an unknown or non-billable code is discarded as "not an ICD-10-CM code"; a valid code whose
justification is not found verbatim (case-insensitive, whitespace-collapsed) in the coded
text is discarded as "evidence not found in the note"; the rest get the official description
and join the final codes, a code the embedded coder also found keeping the higher confidence.
A proposal the embedded coder discarded (negated, uncertain...) but the provider supports
with a quote from the note is final, as in ``code_note`` where a final code beats a discard.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import io
import logging
import uuid
from dataclasses import dataclass
from typing import Literal

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from scribe.clinical.coding import (
    NOT_A_CODE,
    CodeAssessment,
    CodingResult,
    ProposedCode,
    code_note,
    validate_codes,
)
from scribe.errors import BadRequestError, PayloadTooLargeError
from scribe.providers.llm.base import CodeProposer, CodingRequest, EmbeddedEngine

logger = logging.getLogger(__name__)
CodifyModel = Literal["fast", "balanced", "high-quality"]
NO_EVIDENCE = "evidence not found in the note"
# Quote marks a model may wrap its quote in; not part of the evidence.
_QUOTES = "\"'`\u201c\u201d\u2018\u2019"


@dataclass(frozen=True, slots=True)
class CodifyOutcome:
    run_id: str
    final: list[CodeAssessment]
    discarded: list[CodeAssessment]


def check_note(note: str, limit: int) -> None:
    """Refuse a medical_note over the byte limit (UTF-8)."""
    if len(note.encode()) > limit:
        raise PayloadTooLargeError(f"medical_note exceeds the {limit} byte limit")


def decode_pdf(data: str, limit: int) -> bytes:
    """Decode a base64 PDF, refusing bad base64, oversize files and non-PDF bytes."""
    if len(data) > (limit + 2) // 3 * 4 + 4:
        raise PayloadTooLargeError(f"pdf_file exceeds the {limit} byte limit")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as error:
        raise BadRequestError("pdf_file.data is not valid base64") from error
    if len(raw) > limit:
        raise PayloadTooLargeError(f"pdf_file exceeds the {limit} byte limit")
    if not raw.startswith(b"%PDF-"):
        raise BadRequestError("pdf_file.data is not a PDF document")
    return raw


def pdf_text(raw: bytes) -> str:
    """Extract the text layer of a PDF (blocking: run it off the event loop)."""
    try:
        reader = PdfReader(io.BytesIO(raw))
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        raise BadRequestError("pdf_file could not be read as a PDF document") from error


async def codify(
    note: str | None,
    pdf: bytes | None,
    model: CodifyModel,
    proposer: CodeProposer | None = None,
) -> CodifyOutcome:
    """Code the note and the PDF's text together (which model does what: module docstring)."""
    parts = [note] if note else []
    if pdf is not None:
        parts.append(await asyncio.to_thread(pdf_text, pdf))
    text = "\n\n".join(parts)
    if not text.strip():
        raise BadRequestError("medical_note and pdf_file contain no text to code")
    result = await asyncio.to_thread(code_note, text)
    proposed = 0
    if model != "fast" and proposer is not None and not isinstance(proposer, EmbeddedEngine):
        proposals = await proposer.propose_codes(CodingRequest(text))
        proposed = len(proposals)
        result = merge_proposals(result, proposals, text)
    run_id = str(uuid.uuid4())
    logger.info(
        "codify",
        extra={"run_id": run_id, "model": model, "codes": len(result.final), "proposed": proposed},
    )
    return CodifyOutcome(run_id, result.final, result.discarded)


def merge_proposals(result: CodingResult, proposals: list[ProposedCode], text: str) -> CodingResult:
    """The embedded coder's result with a provider's proposals checked and merged in."""
    final = {item.code: item for item in result.final}
    discarded = {item.code: item for item in result.discarded}
    valid, invalid = validate_codes(proposals)
    haystack = _normalised(text)
    for item in invalid:
        if item.code and item.code not in final:
            _keep_best(
                discarded, CodeAssessment(item.code, "", NOT_A_CODE, item.confidence_percent)
            )
    for item in valid:
        if item.code in discarded and item.code not in final:
            # The embedded coder read this finding as negated, historical, uncertain or family
            # history: its reason stands, since a model's quote of "denies X" would also match.
            continue
        quote = _normalised(item.justification.strip(_QUOTES + " "))
        if not quote or quote not in haystack:
            if item.code not in final:
                rejected = CodeAssessment(
                    item.code, item.description, NO_EVIDENCE, item.confidence_percent
                )
                _keep_best(discarded, rejected)
            continue
        _keep_best(final, item)
    for code in final.keys() & discarded.keys():
        del discarded[code]
    return CodingResult(_ordered(final), _ordered(discarded))


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def _keep_best(found: dict[str, CodeAssessment], item: CodeAssessment) -> None:
    current = found.get(item.code)
    if current is None or item.confidence_percent > current.confidence_percent:
        found[item.code] = item


def _ordered(found: dict[str, CodeAssessment]) -> list[CodeAssessment]:
    return sorted(found.values(), key=lambda a: (-a.confidence_percent, a.code))
