"""Dependencies every dialect shares: the runtime, the request's session, the bearer principal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from scribe.auth import service as auth_service
from scribe.auth.service import Principal
from scribe.errors import UnauthorizedError
from scribe.jobs import service as job_service
from scribe.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_session(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed (then jobs enqueued) before the response is sent."""
    async with runtime.sessionmaker() as session:
        yield session
        await job_service.commit_and_enqueue(session, runtime.queue.enqueue)


# scope="function": the commit runs before the response goes out, so a 201 means stored.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def has_valid_bearer(request: Request) -> bool:
    """Whether the request's Bearer key is valid (checked outside any route's session)."""
    token = bearer_token(request)
    if token is None:
        return False
    async with get_runtime(request).sessionmaker() as session:
        return await auth_service.authenticate(session, token) is not None


async def bearer_principal(request: Request, session: SessionDep) -> Principal:
    token = bearer_token(request)
    principal = await auth_service.authenticate(session, token) if token else None
    if principal is None:
        raise UnauthorizedError("Missing or invalid API key")
    request.state.principal = principal
    return principal


def note_audit_ids(request: Request, **ids: Any) -> None:
    """Add resource ids (created by this request) to its audit record."""
    existing: dict[str, Any] = getattr(request.state, "audit_ids", {})
    request.state.audit_ids = {**existing, **ids}
