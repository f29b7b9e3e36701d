"""Corti paths end in "/" and clients call them both ways: every route answers on both."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter

F = TypeVar("F", bound=Callable[..., Any])


def route(router: APIRouter, method: str, path: str, **options: Any) -> Callable[[F], F]:
    """Register an endpoint at ``path`` and at its trailing-slash twin (hidden from the docs)."""

    def register(endpoint: F) -> F:
        router.add_api_route(path, endpoint, methods=[method], **options)
        twin = path.rstrip("/") if path.endswith("/") else f"{path}/"
        router.add_api_route(twin, endpoint, methods=[method], include_in_schema=False, **options)
        return endpoint

    return register
