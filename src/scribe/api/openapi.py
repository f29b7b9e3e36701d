"""One OpenAPI document per dialect, cut from the app's single document by path prefix.

A client of one vendor's API sees only that vendor's routes::

    corti = dialect_openapi(app.openapi(), "corti")   # /v2/... and /realms/...

A path belongs to the dialect with the longest matching prefix (the rule the error handlers use),
so /v1/copilot-api/... is Nabla's, not Omniloy's. The app serves each at
``GET /openapi/{dialect}.json`` beside the whole document at ``/openapi.json``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from scribe.errors import NotFoundError

router = APIRouter(include_in_schema=False)

DIALECTS: dict[str, tuple[str, ...]] = {
    "omniloy": ("/v1",),
    "corti": ("/v2", "/realms"),
    "nabla": ("/v1/copilot-api", "/listen_async"),
    "clinia": ("/ai/v1", "/summary-templates"),
    "invox": ("/api/v1",),
}


def dialect_of(path: str) -> str | None:
    """The dialect owning ``path`` (longest prefix wins), or None for operations routes."""
    best: tuple[int, str | None] = (0, None)
    for name, prefixes in DIALECTS.items():
        for prefix in prefixes:
            if (path == prefix or path.startswith(prefix + "/")) and len(prefix) > best[0]:
                best = (len(prefix), name)
    return best[1]


def dialect_openapi(document: dict[str, Any], dialect: str) -> dict[str, Any]:
    """A copy of ``document`` keeping only ``dialect``'s paths (components are kept whole)."""
    if dialect not in DIALECTS:
        raise KeyError(f"unknown dialect: {dialect}")
    paths = {path: item for path, item in document["paths"].items() if dialect_of(path) == dialect}
    info = {**document.get("info", {}), "title": f"scribe ({dialect})"}
    return copy.deepcopy({**document, "info": info, "paths": paths})


def install(app: FastAPI) -> None:
    """Document what the app really answers, and serve each dialect's document."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = without_validation_422(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.include_router(router)


def without_validation_422(document: dict[str, Any]) -> dict[str, Any]:
    """Drop FastAPI's automatic 422 answers: every dialect answers bad input 400 in its shape."""
    for item in document.get("paths", {}).values():
        for operation in item.values():
            responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
            # Only FastAPI's own: a dialect's real 422 (Nabla's "transcript too short") stays.
            if "HTTPValidationError" in str(responses.get("422", "")):
                del responses["422"]
    schemas = document.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    return document


@router.get("/openapi/{dialect}.json")
async def dialect_document(dialect: str, request: Request) -> JSONResponse:
    """One vendor dialect's OpenAPI document (omniloy, corti, nabla, clinia, invox)."""
    if dialect not in DIALECTS:
        raise NotFoundError("Unknown dialect", resource="dialect")
    return JSONResponse(dialect_openapi(request.app.openapi(), dialect))
