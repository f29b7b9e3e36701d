"""Omniloy's error body: {"statusCode", "error", "message"}."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from scribe.errors import ScribeError


class OmniloyError(BaseModel):
    """The body of every Omniloy error."""

    status_code: int = Field(alias="statusCode")
    error: str
    message: str


def render(request: Request, error: ScribeError) -> Response:
    status = error.status_code
    return JSONResponse(
        {"statusCode": status, "error": HTTPStatus(status).phrase, "message": error.message},
        status_code=status,
    )
