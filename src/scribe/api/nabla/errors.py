"""Nabla's error body: ``{"code", "message"}``."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from scribe.errors import ScribeError


def render(request: Request, error: ScribeError) -> Response:
    return JSONResponse(
        {"code": error.status_code, "message": error.message}, status_code=error.status_code
    )
