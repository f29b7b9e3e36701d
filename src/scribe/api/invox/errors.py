"""Invox's error body: ``{"messsage", "errorType"}`` (the vendor's spelling, three s's).

Every error under /api/v1 is answered in this shape, with the API version echoed::

    400 {"messsage": "Summary is required", "message": "...", "errorType": "summaryIsRequired"}
    401 {"messsage": "Unauthorized", "message": "Unauthorized"}
    403 {"messsage": "...", "message": "...", "errorType": "forbidden"}

``message`` repeats ``messsage`` so that a client written against either spelling reads it.
Domain codes (``payload_too_large``) become Invox-style camelCase (``payloadTooLarge``).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from scribe.api.invox import versions
from scribe.errors import (
    BadRequestError,
    ScribeError,
    TranscriptTooShortForNoteError,
    UnauthorizedError,
)


class InvoxError(BaseModel):
    """The body of every Invox error (``errorType`` is left out of 401s)."""

    messsage: str
    message: str
    errorType: str | None = None


# Invox's own errorTypes, one class each (error_type passes their camelCase codes unchanged).


class SummaryRequiredError(BadRequestError):
    code = "summaryIsRequired"


class TranscriptionRequiredError(BadRequestError):
    code = "transcriptionIsRequired"


class TranscriptRequiredError(BadRequestError):
    code = "transcriptIsRequired"


class TemplateRequiredError(BadRequestError):
    code = "templateIsRequired"


class InvalidTemplateError(BadRequestError):
    code = "invalidTemplate"


class InvalidLanguageError(BadRequestError):
    code = "invalidLanguage"


class InvalidOutputFormatError(BadRequestError):
    code = "invalidOutputFormat"


UNAUTHORIZED = "Unauthorized"
# Where Invox's status or wording differs from the core's, by error class.
_STATUS: dict[type[ScribeError], int] = {TranscriptTooShortForNoteError: 400}
_MESSAGES: dict[type[ScribeError], str] = {
    TranscriptTooShortForNoteError: "The transcript holds too little clinical content to summarise"
}


def error_type(code: str) -> str:
    """Camel-case a domain code; Invox's own codes (``invalidTemplate``) pass unchanged."""
    head, *rest = code.split("_")
    return head + "".join(part.capitalize() for part in rest)


def render(request: Request, error: ScribeError) -> Response:
    if error.status_code == UnauthorizedError.status_code:
        # Invox answers every credential failure alike, without an errorType (optional there).
        body = {"messsage": UNAUTHORIZED, "message": UNAUTHORIZED}
    else:
        message = _MESSAGES.get(type(error), error.message)
        body = {"messsage": message, "message": message, "errorType": error_type(error.error_code)}
    return JSONResponse(
        body,
        status_code=_STATUS.get(type(error), error.status_code),
        headers={versions.HEADER: versions.echoed(request)},
    )
