"""One OpenAPI document per dialect, cut from the app's single document by path prefix.

A client of one vendor's API sees only that vendor's routes::

    corti = dialect_openapi(app.openapi(), "corti")   # /v2/... and /realms/...

A path belongs to the dialect with the longest matching prefix (the rule the error handlers use),
so /v1/copilot-api/... is Nabla's, not Omniloy's.
"""

from __future__ import annotations

import copy
from typing import Any

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
