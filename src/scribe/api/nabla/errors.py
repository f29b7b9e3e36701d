"""Nabla's error body: ``{"code", "message"}``."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from scribe.errors import ScribeError


class NablaError(BaseModel):
    """The body of every Nabla error: the HTTP status again, and a message."""

    code: int
    message: str


def render(request: Request, error: ScribeError) -> Response:
    return JSONResponse(
        {"code": error.status_code, "message": error.message}, status_code=error.status_code
    )
