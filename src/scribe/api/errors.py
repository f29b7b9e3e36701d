"""Exception handling for every dialect: one place maps errors, each dialect renders its shape.

A dialect registers a renderer for its path prefix::

    register_dialect(app, "/v1", render_omniloy)

and every ScribeError, validation error, unknown route or crash under that prefix is answered by
it. Validation messages name fields and never echo the submitted values (they may be PHI).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from scribe.db import is_database_lost, is_missing_reference
from scribe.errors import (
    BadRequestError,
    ConflictError,
    MethodNotAllowedError,
    NotFoundError,
    PayloadTooLargeError,
    RequestTimeoutError,
    ScribeError,
    ServiceUnavailableError,
    UnauthorizedError,
    UnsupportedMediaTypeError,
)

logger = logging.getLogger(__name__)

Renderer = Callable[[Request, ScribeError], Response]
# Tells whether a request carries valid credentials for the dialect, so that an anonymous
# request with a bad body is answered 401, not 400 (FastAPI reads the body before auth runs).
Authenticator = Callable[[Request], Awaitable[bool]]
_REGISTRY_KEY = "scribe_dialects"
# What a 503 for a lost database tells clients to wait: about a restart's length, so retrying
# clients neither hammer a recovering server nor wait long after it is back.
DATABASE_RETRY_AFTER_SECONDS = 5


@dataclass(frozen=True, slots=True)
class ErrorScope:
    prefix: str
    render: Renderer
    authenticated: Authenticator | None = None


def documented(
    model: type[BaseModel], described: dict[int, str]
) -> dict[int | str, dict[str, Any]]:
    """A route's ``responses=`` for its errors: each status with its meaning and the error body."""
    return {status: {"model": model, "description": text} for status, text in described.items()}


def render_default(request: Request, error: ScribeError) -> Response:
    return JSONResponse(
        {"code": error.error_code, "message": error.message}, status_code=error.status_code
    )


def register_dialect(
    app: FastAPI, prefix: str, renderer: Renderer, authenticated: Authenticator | None = None
) -> None:
    registry: list[ErrorScope] = getattr(app.state, _REGISTRY_KEY, [])
    registry.append(ErrorScope(prefix.rstrip("/"), renderer, authenticated))
    # Longest prefix first, so /v1/copilot-api wins over /v1.
    registry.sort(key=lambda dialect: len(dialect.prefix), reverse=True)
    setattr(app.state, _REGISTRY_KEY, registry)


def _dialect_for(request: Request) -> ErrorScope:
    registry: list[ErrorScope] = getattr(request.app.state, _REGISTRY_KEY, [])
    path = request.url.path
    for dialect in registry:
        if path == dialect.prefix or path.startswith(dialect.prefix + "/"):
            return dialect
    return ErrorScope("", render_default)


def _renderer_for(request: Request) -> Renderer:
    return _dialect_for(request).render


def describe_validation(errors: Sequence[Any]) -> str:
    """A readable summary of pydantic errors: where and what, never the submitted value."""
    parts = []
    for error in errors[:5]:
        loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "header", "path")]
        where = ".".join(loc) or "body"
        if error.get("type") == "json_invalid":
            # The parser's reason ("Expecting value", "numbers must be finite"), never the text.
            reason = (error.get("ctx") or {}).get("error")
            parts.append("Request body is not valid JSON" + (f": {reason}" if reason else ""))
        elif error.get("type") == "missing":
            parts.append(f"{where} is required")
        else:
            parts.append(f"{where}: {error.get('msg', 'is invalid')}")
    return "; ".join(parts)


def render_in_dialect(request: Request, error: ScribeError) -> Response:
    """The error in the shape of the dialect the request's path belongs to (for middleware)."""
    response = _renderer_for(request)(request, error)
    if (retry_after := error.details.get("retry_after")) is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


async def _scribe_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ScribeError)
    return render_in_dialect(request, exc)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    dialect = _dialect_for(request)
    if dialect.authenticated is not None and not await dialect.authenticated(request):
        return dialect.render(request, UnauthorizedError("Missing or invalid API key"))
    return dialect.render(request, BadRequestError(describe_validation(exc.errors())))


_HTTP_ERRORS: dict[int, type[ScribeError]] = {
    404: NotFoundError,
    405: MethodNotAllowedError,
    408: RequestTimeoutError,
    413: PayloadTooLargeError,
    415: UnsupportedMediaTypeError,
}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    error_class = _HTTP_ERRORS.get(exc.status_code, BadRequestError)
    message = exc.detail if exc.status_code != 404 else "Resource not found"
    error = error_class(str(message))
    response = _renderer_for(request)(request, error)
    response.status_code = exc.status_code if exc.status_code >= 400 else error.status_code
    return response


async def _database_error(request: Request, exc: Exception) -> Response:
    if is_missing_reference(exc):
        # What the request wrote refers to a row another request deleted meanwhile.
        logger.info("write refers to a deleted row", extra={"error_type": type(exc).__name__})
        conflict = ConflictError("A resource this request refers to was deleted meanwhile")
        return _renderer_for(request)(request, conflict)
    # A driver's generic error counts only when SQLAlchemy saw the connection die with it
    # (asyncpg's "connection was closed in the middle of operation"): see is_database_lost.
    if not is_database_lost(exc):
        return await _unexpected(request, exc)
    logger.error("database unavailable", extra={"error_type": type(exc).__name__})
    response = _renderer_for(request)(request, ServiceUnavailableError("Database unavailable"))
    response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


async def _unexpected(request: Request, exc: Exception) -> Response:
    logger.exception("unhandled error", extra={"error_type": type(exc).__name__})
    return _renderer_for(request)(request, ScribeError("Internal server error"))


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ScribeError, _scribe_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    # The database went away, or the pool had no connection to give in time: 503, in shape.
    for database_error in (DBAPIError, PoolTimeoutError, ConnectionError):
        app.add_exception_handler(database_error, _database_error)
    app.add_exception_handler(Exception, _unexpected)
