"""One OpenAPI document per dialect, cut from the app's single document by path prefix.

A client of one vendor's API sees only that vendor's routes::

    corti = dialect_openapi(app.openapi(), "corti")   # /v2/... and /realms/...

A path belongs to the dialect with the longest matching prefix (the rule the error handlers use),
so /v1/copilot-api/... is Nabla's, not Omniloy's. The app serves each at
``GET /openapi/{dialect}.json`` beside the whole document at ``/openapi.json``.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from scribe.api import etag
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
    app.state.openapi_documents = {}
    if app.openapi_url:
        # FastAPI's own route serialises the whole document on every request: serve ours.
        app.router.routes[:] = [
            r for r in app.router.routes if getattr(r, "path", None) != app.openapi_url
        ]
        app.add_route(app.openapi_url, whole_document, include_in_schema=False)
    app.include_router(router)


def _rendered(app: FastAPI, dialect: str | None) -> tuple[str, bytes]:
    """A document's bytes and tag, rendered once: the routes are fixed once the app is built."""
    cache: dict[str | None, tuple[str, bytes]] = app.state.openapi_documents
    if dialect not in cache:
        document = app.openapi()
        chosen = document if dialect is None else dialect_openapi(document, dialect)
        body = JSONResponse(chosen).body
        cache[dialect] = (etag.etag_of("openapi", hashlib.sha256(body).hexdigest()), bytes(body))
    return cache[dialect]


async def whole_document(request: Request) -> Response:
    """The app's whole OpenAPI document, with ETag and 304."""
    root_path = request.scope.get("root_path", "").rstrip("/")
    if root_path and request.app.root_path_in_servers:
        # Behind a proxy prefix the document names it: rare, so built per request as FastAPI does.
        document = dict(request.app.openapi())
        document["servers"] = [{"url": root_path}, *document.get("servers", [])]
        return JSONResponse(document)
    tag, body = _rendered(request.app, None)
    return etag.answer(request, body, tag)


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
async def dialect_document(dialect: str, request: Request) -> Response:
    """One vendor dialect's OpenAPI document (omniloy, corti, nabla, clinia, invox)."""
    if dialect not in DIALECTS:
        raise NotFoundError("Unknown dialect")
    tag, body = _rendered(request.app, dialect)
    return etag.answer(request, body, tag)
