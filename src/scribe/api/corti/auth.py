"""Corti authentication: the OAuth2 client-credentials login and the principal of each request.

Login: ``POST /realms/{tenant}/protocol/openid-connect/token`` with ``grant_type=
client_credentials``, ``client_id`` and ``client_secret`` (the API key) answers a 300 s token.
Every /v2 call then sends ``Authorization: Bearer <token>`` (a plain API key works too) and may
send ``Tenant-Name``, which must name the token's tenant.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Header, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from scribe.api.errors import documented
from scribe.api.json_input import CheckedRoute
from scribe.auth import service as auth_service
from scribe.auth import tokens
from scribe.auth.service import Principal
from scribe.dependencies import (
    RuntimeDep,
    SessionDep,
    bearer_principal,
    bearer_token,
    get_runtime,
    has_valid_token_or_key,
)
from scribe.errors import (
    ForbiddenError,
    InvalidTokenError,
    ScribeError,
    TooManyRequestsError,
)

AUDIENCE = "corti"
TOKEN_SECONDS = 300

login_router = APIRouter(route_class=CheckedRoute, prefix="/realms", tags=["Corti login"])


class LoginError(ScribeError):
    """An OAuth2 error, answered as ``{"error", "error_description"}`` (Keycloak's shape)."""

    status_code = 401
    code = "invalid_client"


class UnsupportedGrantTypeError(LoginError):
    """A grant other than client_credentials."""

    code = "unsupported_grant_type"


class InvalidLoginRequestError(LoginError):
    """A login without a client id or secret."""

    code = "invalid_request"


class LoginErrorBody(BaseModel):
    """Keycloak's OAuth2 error body."""

    error: str
    error_description: str


_LOGIN_ERRORS = documented(
    LoginErrorBody,
    {400: "Malformed form", 401: "Unsupported grant type or invalid client credentials"},
)


def render_login_error(request: Request, error: ScribeError) -> Response:
    code = error.error_code if isinstance(error, LoginError) else "invalid_request"
    return JSONResponse(
        {"error": code, "error_description": error.message}, status_code=error.status_code
    )


@login_router.post("/{tenant}/protocol/openid-connect/token", responses=_LOGIN_ERRORS)
async def token(
    tenant: str,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    grant_type: Annotated[str | None, Form()] = None,
    client_id: Annotated[str | None, Form()] = None,
    client_secret: Annotated[str | None, Form()] = None,
) -> dict[str, object]:
    """Trade client credentials for a 300-second access token (OAuth2 client credentials)."""
    if grant_type != "client_credentials":
        raise UnsupportedGrantTypeError("Only grant_type=client_credentials is supported")
    client_id, client_secret = _credentials(request, client_id, client_secret)
    # The middleware throttles by address (and Basic client id); a form's client id counts here.
    throttle, keys = request.app.state.throttle, [f"client:{client_id[:128]}"]
    if (wait := throttle.retry_after(keys)) is not None:
        raise TooManyRequestsError("Too many failed logins; try again later", retry_after=wait)
    principal = await auth_service.authenticate(session, client_secret)
    if principal is None or principal.client_id != client_id or principal.tenant_name != tenant:
        throttle.failed(keys)
        raise LoginError("Invalid client or Invalid client credentials")
    request.state.principal = principal
    access = tokens.issue(
        runtime.token_secret, principal, ttl_seconds=TOKEN_SECONDS, audience=AUDIENCE
    )
    return {
        "access_token": access,
        "expires_in": TOKEN_SECONDS,
        "refresh_expires_in": 0,
        "token_type": "Bearer",
        "not-before-policy": 0,
        "scope": "openid",
    }


def _credentials(
    request: Request, client_id: str | None, client_secret: str | None
) -> tuple[str, str]:
    """Client credentials from the form, or from HTTP Basic (both are OAuth2 client auth)."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if (not client_id or not client_secret) and scheme.lower() == "basic":
        try:
            client_id, _, client_secret = base64.b64decode(value).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise LoginError("Malformed Basic credentials") from exc
    if not client_id or not client_secret:
        raise InvalidLoginRequestError("client_id and client_secret are required")
    return client_id, client_secret


async def corti_principal(
    request: Request,
    session: SessionDep,
    tenant_name: Annotated[str | None, Header()] = None,
) -> Principal:
    """The caller, from a login token or an API key; Tenant-Name, when sent, must match."""
    token = bearer_token(request)
    if token is not None and tokens.looks_like_token(token):
        principal = await _from_token(request, session, token)
    else:
        principal = await bearer_principal(request, session)
    if tenant_name is not None and tenant_name.strip() != principal.tenant_name:
        raise ForbiddenError("Tenant-Name does not match the credentials")
    request.state.principal = principal
    return principal


async def _from_token(request: Request, session: SessionDep, token: str) -> Principal:
    try:
        claims = tokens.verify(get_runtime(request).token_secret, token, audience=AUDIENCE)
    except tokens.InvalidTokenError as exc:
        raise InvalidTokenError("Invalid or expired token") from exc
    principal = await tokens.live_principal(session, claims)
    if principal is None:
        raise InvalidTokenError("Invalid or expired token")
    return principal


async def has_valid_credentials(request: Request) -> bool:
    """Whether the request carries a valid token or API key (for 401-before-400)."""
    return await has_valid_token_or_key(request, AUDIENCE)


PrincipalDep = Annotated[Principal, Depends(corti_principal)]
