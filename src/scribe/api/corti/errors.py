"""Corti's error body: ``{"requestid", "type", "status", "title", "detail"}`` with A00xx codes.

The code travels in ``type`` (``https://docs.corti.ai/about/errors#A0007``) and ``title`` names it;
``detail`` is our message. Which code a domain error gets is decided by its class (``_CODES``),
then by its status.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from scribe.api.errors import documented
from scribe.errors import (
    EncounterNotFoundError,
    FactGroupNotFoundError,
    FactNotFoundError,
    ForbiddenError,
    InvalidContextError,
    InvalidIdError,
    InvalidQueryError,
    InvalidTokenError,
    NoteNotFoundError,
    RecordingNotFoundError,
    ScribeError,
    TemplateNotFoundError,
    TemplateSectionNotFoundError,
    TranscriptNotFoundError,
    TranscriptTooShortForNoteError,
    UnsupportedLanguageError,
)
from scribe.outbound.errors import FileTooLargeError as DownloadTooLargeError
from scribe.recordings.service import AudioTooLongError
from scribe.storage import BlobTooLargeError, EmptyBlobError

ERRORS_URL = "https://docs.corti.ai/about/errors"
TITLES = {
    "A0001": "Access forbidden",
    "A0002": "Timeout",
    "A0003": "Bad request",
    "A0004": "Invalid token",
    "A0005": "Invalid user",
    "A0006": "Invalid ID",
    "A0007": "Interaction not found",
    "A0008": "Invalid UUID",
    "A0009": "Document not found",
    "A0010": "Error processing",
    "A0011": "Recording not found",
    "A0012": "Transcript not found",
    "A0013": "Bad query in URL",
    "A0014": "Template section not found",
    "A0015": "Invalid context structure",
    "A0016": "Limit reached",
    "A0017": "Duplicate value",
    "A0018": "Unsupported language",
    "A0019": "Fact group not found",
    "A0020": "Fact not found",
}
# The A00xx code of each error class; a class not listed takes its nearest listed ancestor's,
# and one with none takes its status's (A0010 when that is not listed either).
_CODES: dict[type[ScribeError], str] = {
    EncounterNotFoundError: "A0007",
    NoteNotFoundError: "A0009",
    RecordingNotFoundError: "A0011",
    TranscriptNotFoundError: "A0012",
    TemplateNotFoundError: "A0014",
    TemplateSectionNotFoundError: "A0014",
    FactGroupNotFoundError: "A0019",
    FactNotFoundError: "A0020",
    InvalidIdError: "A0008",
    InvalidContextError: "A0015",
    BlobTooLargeError: "A0016",
    DownloadTooLargeError: "A0016",
    AudioTooLongError: "A0016",
    EmptyBlobError: "A0003",
    UnsupportedLanguageError: "A0018",
    InvalidQueryError: "A0013",
    InvalidTokenError: "A0004",
    ForbiddenError: "A0001",
}
_BY_STATUS = {
    400: "A0003",
    401: "A0004",
    403: "A0001",
    404: "A0006",
    408: "A0002",
    413: "A0016",
    429: "A0016",
    431: "A0003",
    504: "A0002",
}
# Corti's words for a core case, where the core's own are not the vendor's.
_DETAILS: dict[type[ScribeError], str] = {EncounterNotFoundError: "Interaction not found"}
# Corti answers its upload limits with 400 (A0016), not 413, and a transcript too short for a
# document with 400 (A0003), not 422.
_STATUS: dict[type[ScribeError], int] = {
    BlobTooLargeError: 400,
    AudioTooLongError: 400,
    TranscriptTooShortForNoteError: 400,
}


class CortiError(BaseModel):
    """The body of every Corti error under /v2."""

    requestid: str
    type: str
    status: int
    title: str
    detail: str


RESPONSES = documented(
    CortiError,
    {
        400: "Invalid request (A0003), ID (A0008), query (A0013) or limit reached (A0016)",
        401: "Missing, invalid or expired token (A0004)",
        403: "Tenant-Name does not match the credentials (A0001)",
        404: "The interaction, recording, transcript, document or fact is unknown",
    },
)


def corti_code(error: ScribeError) -> str:
    for cls in type(error).__mro__:
        if cls in _CODES:
            return _CODES[cls]
    return _BY_STATUS.get(_status(error), "A0010")


def _status(error: ScribeError) -> int:
    return next((_STATUS[c] for c in type(error).__mro__ if c in _STATUS), error.status_code)


def render(request: Request, error: ScribeError) -> Response:
    code = corti_code(error)
    status = _status(error)
    body = {
        "requestid": getattr(request.state, "request_id", None) or "",
        "type": f"{ERRORS_URL}#{code}",
        "status": status,
        "title": TITLES.get(code, "Error"),
        "detail": _DETAILS.get(type(error), error.message),
    }
    return JSONResponse(body, status_code=status)
