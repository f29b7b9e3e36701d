"""Invox's error body: ``{"messsage", "errorType"}`` (the vendor's spelling, three s's)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from scribe.errors import ScribeError


def render(request: Request, error: ScribeError) -> Response:
    return JSONResponse(
        {"messsage": error.message, "errorType": error.error_code}, status_code=error.status_code
    )
