"""Code a note and/or a PDF with the embedded ICD-10-CM coder.

LLM proposals are not requested yet: when a provider proposes codes, they go through
``clinical.coding.validate_codes`` so that unknown codes land in the discarded list with the
justification "not an ICD-10-CM code" and valid ones get the official description.
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

from scribe.clinical.coding import CodeAssessment, code_note
from scribe.errors import BadRequestError, PayloadTooLargeError

logger = logging.getLogger(__name__)
CodifyModel = Literal["fast", "balanced", "high-quality"]


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


async def codify(note: str | None, pdf: bytes | None, model: CodifyModel) -> CodifyOutcome:
    """Code the note and the PDF's text together; every model uses the embedded coder for now."""
    parts = [note] if note else []
    if pdf is not None:
        parts.append(await asyncio.to_thread(pdf_text, pdf))
    text = "\n\n".join(parts)
    if not text.strip():
        raise BadRequestError("medical_note and pdf_file contain no text to code")
    result = await asyncio.to_thread(code_note, text)
    run_id = str(uuid.uuid4())
    logger.info("codify", extra={"run_id": run_id, "model": model, "codes": len(result.final)})
    return CodifyOutcome(run_id, result.final, result.discarded)
