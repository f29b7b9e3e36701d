"""Invox authentication: Basic app credentials for a 2-hour token, then Bearer on every call.

``POST /api/v1/auth/token`` with ``Authorization: Basic base64(client_id:api_key)`` answers
``{"accessToken", "expiresIn": 7200}``. Calls then send ``Authorization: Bearer <accessToken>``;
a plain API key works as the Bearer value too (every dialect accepts one).

Invox scopes credentials per service and answers 403 out of scope. Our credentials have no
scopes, so the one credential that is ours yet not for this service is a token another dialect
issued (a Corti login token): it gets 403, while anything unknown, forged or expired gets 401.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import Depends, Request

from scribe.auth import service as auth_service
from scribe.auth import tokens
from scribe.auth.service import Principal
from scribe.dependencies import (
    SessionDep,
    bearer_principal,
    bearer_token,
    get_runtime,
    has_valid_token_or_key,
)
from scribe.errors import ForbiddenError, UnauthorizedError

AUDIENCE = "invox"
TOKEN_SECONDS = 7200
# Audiences of the tokens other dialects issue (see the module docstring for why: 403).
_OTHER_AUDIENCES = ("corti",)


async def issue_token(request: Request, session: SessionDep) -> str:
    """Trade Basic app credentials for a signed token valid for two hours."""
    client_id, api_key = _basic_credentials(request)
    principal = await auth_service.authenticate(session, api_key)
    if principal is None or principal.client_id != client_id:
        raise UnauthorizedError("Invalid app credentials")
    request.state.principal = principal
    secret = get_runtime(request).token_secret
    return tokens.issue(secret, principal, ttl_seconds=TOKEN_SECONDS, audience=AUDIENCE)


def _basic_credentials(request: Request) -> tuple[str, str]:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        raise UnauthorizedError("Basic app credentials are required")
    try:
        client_id, _, api_key = (
            base64.b64decode(value.strip(), validate=True).decode().partition(":")
        )
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise UnauthorizedError("Malformed Basic credentials") from exc
    if not client_id or not api_key:
        raise UnauthorizedError("Basic credentials need an app id and an API key")
    return client_id, api_key


async def invox_principal(request: Request, session: SessionDep) -> Principal:
    """The caller, from an access token or a plain API key."""
    token = bearer_token(request)
    if token is not None and tokens.looks_like_token(token):
        principal = await _from_token(request, session, token)
    else:
        principal = await bearer_principal(request, session)
    request.state.principal = principal
    return principal


async def _from_token(request: Request, session: SessionDep, token: str) -> Principal:
    secret = get_runtime(request).token_secret
    try:
        claims = tokens.verify(secret, token, audience=AUDIENCE)
    except tokens.InvalidTokenError as exc:
        if _issued_elsewhere(secret, token):
            raise ForbiddenError("This credential is not allowed to consume this service") from exc
        raise UnauthorizedError("Invalid or expired token") from exc
    principal = await tokens.live_principal(session, claims)
    if principal is None:
        raise UnauthorizedError("Invalid or expired token")
    return principal


def _issued_elsewhere(secret: bytes, token: str) -> bool:
    for audience in _OTHER_AUDIENCES:
        try:
            tokens.verify(secret, token, audience=audience)
        except tokens.InvalidTokenError:
            continue
        return True
    return False


async def has_valid_credentials(request: Request) -> bool:
    """Whether the request carries a valid token or API key (for 401-before-400)."""
    return await has_valid_token_or_key(request, AUDIENCE)


PrincipalDep = Annotated[Principal, Depends(invox_principal)]
