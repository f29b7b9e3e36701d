"""Clinia's error body before a stream starts; inside a stream, errors are summary-end events.

Clinia documents no error body for these routes, so the shape is ours (vendors.md §2.3, an
inferred JSON error) and kept small::

    404 {"status": 404, "code": "template_not_found", "message": "Summary template not found"}
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from scribe.errors import ScribeError


class CliniaError(BaseModel):
    """The body of a Clinia error answered before any stream starts."""

    status: int
    code: str
    message: str


def render(request: Request, error: ScribeError) -> Response:
    return JSONResponse(
        {"status": error.status_code, "code": error.error_code, "message": error.message},
        status_code=error.status_code,
    )
