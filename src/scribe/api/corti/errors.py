"""Corti's error body: ``{"requestid", "type", "status", "title", "detail"}`` with A00xx codes.

The code travels in ``type`` (``https://docs.corti.ai/about/errors#A0007``) and ``title`` names it;
``detail`` is our message. Which code a domain error gets: the resource a 404 is about, then the
error's own code, then its status.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from scribe.api.errors import documented
from scribe.errors import ScribeError

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
_NOT_FOUND = {
    "interaction": "A0007",
    "encounter": "A0007",
    "document": "A0009",
    "note": "A0009",
    "recording": "A0011",
    "transcript": "A0012",
    "template": "A0014",
    "template_section": "A0014",
    "fact_group": "A0019",
    "fact": "A0020",
}
_BY_ERROR_CODE = {
    "invalid_uuid": "A0008",
    "invalid_context": "A0015",
    "file_too_large": "A0016",
    "audio_too_long": "A0016",
    "empty_file": "A0003",
    "unsupported_language": "A0018",
    "duplicate": "A0017",
    "invalid_query": "A0013",
    "invalid_token": "A0004",
    "forbidden": "A0001",
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
# Corti answers its upload limits with 400 (A0016), not 413.
_STATUS_OVERRIDES = {"file_too_large": 400, "audio_too_long": 400}


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
    if error.status_code == 404 and str(error.details.get("resource")) in _NOT_FOUND:
        return _NOT_FOUND[str(error.details["resource"])]
    explicit = error.details.get("corti_code")
    if isinstance(explicit, str):
        return explicit
    return _BY_ERROR_CODE.get(error.error_code) or _BY_STATUS.get(error.status_code, "A0010")


def render(request: Request, error: ScribeError) -> Response:
    code = corti_code(error)
    status = _STATUS_OVERRIDES.get(error.error_code, error.status_code)
    body = {
        "requestid": getattr(request.state, "request_id", None) or "",
        "type": f"{ERRORS_URL}#{code}",
        "status": status,
        "title": TITLES.get(code, "Error"),
        "detail": error.message,
    }
    return JSONResponse(body, status_code=status)
