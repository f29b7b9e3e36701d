"""Clinia's error body before a stream starts (inside a stream, errors are summary-end events)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from scribe.errors import ScribeError


def render(request: Request, error: ScribeError) -> Response:
    return JSONResponse(
        {"status": error.status_code, "error": error.error_code, "message": error.message},
        status_code=error.status_code,
    )
