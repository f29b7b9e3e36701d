"""Clinia credentials: ``X-Clinia-API-Key: <key>`` or ``Authorization: Bearer <key>``.

The optional ``x-user-id`` header names the user acting, recorded as the actor of the request's
audit record and of what it creates.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import Depends, Header, Request

from scribe.auth.service import Principal
from scribe.dependencies import SessionDep, bearer_token, get_runtime, is_valid_key
from scribe.errors import UnauthorizedError


def api_key_of(request: Request) -> str | None:
    key = request.headers.get("x-clinia-api-key", "").strip()
    return key or bearer_token(request)


async def has_valid_key(request: Request) -> bool:
    """Whether the request carries a valid key (for 401-before-400)."""
    return await is_valid_key(request, api_key_of(request))


async def clinia_principal(
    request: Request,
    session: SessionDep,
    x_user_id: Annotated[str | None, Header(alias="x-user-id")] = None,
) -> Principal:
    key = api_key_of(request)
    runtime = get_runtime(request)
    principal = await runtime.principals.authenticate(session, key) if key else None
    if principal is None:
        raise UnauthorizedError("Missing or invalid API key")
    actor = (x_user_id or "").strip()[:256] or None
    principal = dataclasses.replace(principal, actor=actor)
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(clinia_principal)]
