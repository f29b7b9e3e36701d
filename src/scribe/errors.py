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
