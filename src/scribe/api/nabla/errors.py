"""Nabla's error body: ``{"code", "message"}``."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from scribe.async_requests.service import Failure
from scribe.errors import (
    BadRequestError,
    ScribeError,
    TranscriptTooShortForNoteError,
    UnsupportedMediaTypeError,
)
from scribe.recordings.service import AudioTooLongError


class UnsupportedTemplateError(BadRequestError):
    """A note_template that Nabla does not offer in the requested language."""

    code = "unsupported_template"


class NotAudioUploadError(UnsupportedMediaTypeError):
    """An uploaded file whose content type is not audio/*."""

    code = "not_audio"


# Nabla answers a recording past its length limit 400, not 413 (the request is at fault).
_STATUS: dict[type[ScribeError], int] = {AudioTooLongError: 400}

# Nabla's wording where it differs from the core's, by error class.
_MESSAGES: dict[type[ScribeError], str] = {
    TranscriptTooShortForNoteError: "We can't generate the note when the transcript is too short."
}


class NablaError(BaseModel):
    """The body of every Nabla error: the HTTP status again, and a message."""

    code: int
    message: str


def message_of(error: ScribeError) -> str:
    """The error's message as Nabla words it."""
    return _MESSAGES.get(type(error), error.message)


def status_of(error: ScribeError) -> int:
    return _STATUS.get(type(error), error.status_code)


def failure_of(error: ScribeError) -> Failure:
    """An async request's failure, stored as Nabla words it (its callback and poll repeat it)."""
    return Failure(status_of(error), error.error_code, message_of(error))


def render(request: Request, error: ScribeError) -> Response:
    status = status_of(error)
    return JSONResponse({"code": status, "message": message_of(error)}, status_code=status)
