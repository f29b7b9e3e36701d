"""Dependencies every dialect shares: the runtime, the request's session, the bearer principal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from scribe.auth import service as auth_service
from scribe.auth import tokens
from scribe.auth.service import Principal
from scribe.db import has_written
from scribe.errors import UnauthorizedError
from scribe.jobs import service as job_service
from scribe.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def _runtime(request: Request) -> Runtime:
    # async: FastAPI runs a plain def dependency in the thread pool, a thread hop per request.
    return get_runtime(request)


RuntimeDep = Annotated[Runtime, Depends(_runtime)]


async def get_session(request: Request, runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed (then jobs enqueued) before the response is sent.

    A successful request that wrote audits inside its transaction; one that only read, through
    the batched writer (``runtime.audits``); a failed one is audited by the middleware once its
    status is known.
    """
    async with runtime.sessionmaker() as session:
        yield session
        audited = audit_success(request, session, runtime)
        await job_service.commit_and_enqueue(session, runtime.queue.enqueue)
        request.state.audited = audited


# scope="function": the commit runs before the response goes out, so a 201 means stored.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def release_connection(session: AsyncSession) -> None:
    """End the lookups' read transaction so no pooled connection waits on a client's upload.

    Objects already loaded stay usable (expire_on_commit=False); the next query takes a fresh
    connection for as long as it runs, and the request's own commit still comes at the end.
    """
    await session.commit()


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def is_valid_key(request: Request, key: str | None) -> bool:
    """Whether an API key is valid (checked outside any route's session, for 401-before-400)."""
    if key is None:
        return False
    runtime = get_runtime(request)
    async with runtime.sessionmaker() as session:
        return await runtime.principals.authenticate(session, key) is not None


async def has_valid_bearer(request: Request) -> bool:
    """Whether the request's Bearer key is valid."""
    return await is_valid_key(request, bearer_token(request))


async def has_valid_token_or_key(request: Request, audience: str) -> bool:
    """Whether the Bearer credential is a valid login token for ``audience`` or a valid key."""
    credential = bearer_token(request)
    if credential is None or not tokens.looks_like_token(credential):
        return await is_valid_key(request, credential)
    runtime = get_runtime(request)
    try:
        claims = tokens.verify(runtime.token_secret, credential, audience=audience)
    except tokens.InvalidTokenError:
        return False
    async with runtime.sessionmaker() as session:
        return await tokens.live_principal(session, claims) is not None


async def bearer_principal(request: Request, session: SessionDep) -> Principal:
    token = bearer_token(request)
    principal = (
        await get_runtime(request).principals.authenticate(session, token) if token else None
    )
    if principal is None:
        raise UnauthorizedError("Missing or invalid API key")
    request.state.principal = principal
    return principal


def audit_success(request: Request, session: AsyncSession, runtime: Runtime) -> bool:
    principal: Principal | None = getattr(request.state, "principal", None)
    route = request.scope.get("route")
    if principal is None or route is None:
        return False
    row = auth_service.request_audit_row(
        principal,
        action=f"{request.method} {getattr(route, 'path', '?')}",
        outcome=getattr(request.state, "audit_outcome", None)
        or str(getattr(route, "status_code", None) or 200),
        resource_ids={**request.path_params, **getattr(request.state, "audit_ids", {})},
        request_id=getattr(request.state, "request_id", None),
    )
    if has_written(session):
        auth_service.record_audit(session, **row)
    else:
        runtime.audits.add(**row)
    return True


def note_audit_ids(request: Request, **ids: Any) -> None:
    """Add resource ids (created by this request) to its audit record."""
    existing: dict[str, Any] = getattr(request.state, "audit_ids", {})
    request.state.audit_ids = {**existing, **ids}
