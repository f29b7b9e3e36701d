"""Domain errors: a status and a code, rendered in each dialect's own shape.

Services raise these; the dialect's ``errors.py`` turns them into its vendor's body, e.g.::

    raise NotFoundError("Clinical note not found")
    # Omniloy: 404 {"statusCode": 404, "error": "Not Found", "message": "Clinical note not found"}

Messages name the problem (a field, a limit, an id) and never carry clinical text.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ScribeError(Exception):
    status_code: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.error_code = code or self.code
        self.details = details


class BadRequestError(ScribeError):
    status_code = 400
    code = "bad_request"


class UnauthorizedError(ScribeError):
    status_code = 401
    code = "unauthorized"


class ForbiddenError(ScribeError):
    status_code = 403
    code = "forbidden"


class NotFoundError(ScribeError):
    status_code = 404
    code = "not_found"


class MethodNotAllowedError(ScribeError):
    status_code = 405
    code = "method_not_allowed"


class ConflictError(ScribeError):
    status_code = 409
    code = "conflict"


class PayloadTooLargeError(ScribeError):
    status_code = 413
    code = "payload_too_large"


class RequestTimeoutError(ScribeError):
    """The client stopped sending its body (no byte for the configured stall time)."""

    status_code = 408
    code = "request_timeout"


class UnsupportedMediaTypeError(ScribeError):
    status_code = 415
    code = "unsupported_media_type"


class UnprocessableError(ScribeError):
    status_code = 422
    code = "unprocessable"


class TooManyRequestsError(ScribeError):
    """Too many failed authentications from one address or client; ``retry_after`` seconds."""

    status_code = 429
    code = "too_many_requests"


class HeadersTooLargeError(ScribeError):
    status_code = 431
    code = "headers_too_large"


class InsufficientStorageError(ScribeError):
    """The server's disk (or quota) is full: nothing was kept, the same request may work later."""

    status_code = 507
    code = "insufficient_storage"


class ServiceUnavailableError(ScribeError):
    status_code = 503
    code = "service_unavailable"


class GatewayTimeoutError(ScribeError):
    status_code = 504
    code = "timeout"


# One class per case a dialect tells apart. The core raises the case; each dialect's errors.py
# renders it by class (Corti's A00xx code, Invox's errorType, Nabla's wording), so no caller
# passes a code or a resource name as a string.


class InvalidIdError(BadRequestError):
    """An id in the path or body is not in the id's format (not a UUID, say)."""

    code = "invalid_uuid"


class InvalidQueryError(BadRequestError):
    """A query parameter has a value outside its set (not true/false, not a language tag)."""

    code = "invalid_query"


class InvalidContextError(BadRequestError):
    """A document request's inline context is malformed."""

    code = "invalid_context"


class UnsupportedLanguageError(BadRequestError):
    """A language that is no tag, or that the speech model or a template cannot handle."""

    code = "unsupported_language"


class InvalidTokenError(UnauthorizedError):
    """A bearer token that is malformed, expired, or signed for someone else."""

    code = "invalid_token"


class TranscriptTooShortForNoteError(UnprocessableError):
    """Too little in the transcript to write a note (or a document, or a summary) from."""

    code = "transcript_too_short"


class TranscriptTooLongForNoteError(PayloadTooLargeError):
    """More words in the transcript than a note is written from (limits.note_transcript_words)."""

    code = "transcript_too_long"


class UnsupportedTranscriptLanguageError(UnprocessableError):
    """A transcript in a language the note engine does not write from."""

    code = "unsupported_transcript_language"


class EncounterNotFoundError(NotFoundError):
    """No such encounter in the tenant."""


class RecordingNotFoundError(NotFoundError):
    """No such recording in the tenant."""


class TranscriptNotFoundError(NotFoundError):
    """No such transcript in the tenant."""


class NoteNotFoundError(NotFoundError):
    """No such note (a document, to some vendors) in the tenant."""


class TemplateNotFoundError(NotFoundError):
    """No such note template for the tenant."""


class TemplateSectionNotFoundError(NotFoundError):
    """A template names sections that do not exist."""


class FactGroupNotFoundError(NotFoundError):
    """No such fact group."""


class FactNotFoundError(NotFoundError):
    """No such fact in the tenant."""


class SummaryTemplateNotFoundError(NotFoundError):
    """No such summary template."""

    code = "template_not_found"


class SummaryNotFoundError(NotFoundError):
    """No such summary in the tenant."""

    code = "summary_not_found"


class GoneError(ScribeError):
    """What a job was to work on was deleted before it ran."""

    code = "gone"


class AudioMissingError(ScribeError):
    """A recording's row is there but its audio is missing from storage."""

    code = "audio_missing"


class TooManyAttemptsError(ScribeError):
    """A job was interrupted (its worker died) more times than it may be retried."""

    code = "too_many_attempts"
