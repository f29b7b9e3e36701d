"""Async requests: submitted once per client request id, run by a job, answered by callback.

A dialect submits what the client asked for; the request's job (of the same kind) does the
work and calls ``finish`` with the answer, which is kept for polling and, when the client gave a
callback URL, delivered there as a signed webhook::

    request, created = await submit(session, Submission(tenant_id, "nabla_listen", params,
                                                        client_request_id="7f0c"), window=DAY)
    ...  # in the job
    await finish(session, request, result={"id": request.id, ...})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from scribe.async_requests.models import FAILED, PROCESSING, SUCCEEDED, AsyncRequest
from scribe.db import new_id, utcnow
from scribe.errors import NotFoundError
from scribe.jobs import service as job_service
from scribe.tenancy import get_owned
from scribe.transcripts.models import Transcript
from scribe.webhooks import service as webhook_service


@dataclass(frozen=True, slots=True)
class Submission:
    """What a client asked for; ``kind`` is also the kind of the job that answers it."""

    tenant_id: str
    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)
    client_request_id: str | None = None
    callback_url: str | None = None
    source_url: str | None = None
    created_by: str | None = None
    encounter_id: str | None = None
    recording_id: str | None = None


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a request failed: an HTTP-like status, a stable code, a message without PHI."""

    status: int
    code: str
    message: str


async def submit(
    session: AsyncSession, submission: Submission, *, window: timedelta
) -> tuple[AsyncRequest, bool]:
    """The request for a submission and whether it is new (a fresh repeat gets the first one)."""
    key = submission.client_request_id
    if key is not None:
        earlier = await _fresh_by_key(session, submission.tenant_id, key, window)
        if earlier is not None:
            return earlier, False
    request = _new_request(submission)
    try:
        # A savepoint: a twin submitted at the same moment loses the race on the unique key
        # without undoing the rest of this transaction.
        async with session.begin_nested():
            session.add(request)
            await session.flush()
    except IntegrityError:
        winner = await _by_key(session, submission.tenant_id, key) if key else None
        if winner is None:
            raise
        return winner, False
    _start_job(session, request)
    await session.flush()
    return request, True


def _new_request(submission: Submission) -> AsyncRequest:
    return AsyncRequest(
        id=new_id(),
        tenant_id=submission.tenant_id,
        kind=submission.kind,
        status=PROCESSING,
        client_request_id=submission.client_request_id,
        idempotency_key=submission.client_request_id,
        callback_url=submission.callback_url,
        source_url=submission.source_url,
        params=dict(submission.params),
        created_by=submission.created_by,
        encounter_id=submission.encounter_id,
        recording_id=submission.recording_id,
    )


def _start_job(session: AsyncSession, request: AsyncRequest) -> None:
    job = job_service.create_job(
        session,
        tenant_id=request.tenant_id,
        kind=request.kind,
        payload={
            "request_id": request.id,
            "actor": request.created_by,
            "resource_ids": {"request_id": request.id},
        },
    )
    job.id = new_id()
    request.job_id = job.id


async def _by_key(session: AsyncSession, tenant_id: str, key: str) -> AsyncRequest | None:
    return await session.scalar(
        select(AsyncRequest).where(
            AsyncRequest.tenant_id == tenant_id, AsyncRequest.idempotency_key == key
        )
    )


async def _fresh_by_key(
    session: AsyncSession, tenant_id: str, key: str, window: timedelta
) -> AsyncRequest | None:
    """The request holding the key if it is within the window; an older one lets it go."""
    earlier = await _by_key(session, tenant_id, key)
    if earlier is None or earlier.created_at > utcnow() - window:
        return earlier
    earlier.idempotency_key = None
    await session.flush()
    return None


async def attach_transcript(
    session: AsyncSession, request: AsyncRequest, transcript: Transcript
) -> None:
    """Make a stored transcript (and its encounter) the one a request answers about."""
    request.transcript_id = transcript.id
    request.encounter_id = transcript.encounter_id
    await session.flush()


async def get(session: AsyncSession, tenant_id: str, request_id: str) -> AsyncRequest:
    """A tenant's request; another tenant's id is not found, like an unknown one."""
    missing = NotFoundError("Request not found")
    return await get_owned(session, AsyncRequest, tenant_id, request_id, missing, fresh=True)


async def get_for_job(session: AsyncSession, request_id: str) -> AsyncRequest:
    """The request a job answers (the job carries the id; tenancy was checked on submit)."""
    return await session.get_one(AsyncRequest, request_id)


def is_finished(request: AsyncRequest) -> bool:
    return request.status in (SUCCEEDED, FAILED)


async def finish(
    session: AsyncSession,
    request: AsyncRequest,
    *,
    result: dict[str, Any],
    failure: Failure | None = None,
) -> None:
    """Record the answer and queue its callback (sent once the transaction commits)."""
    request.status = FAILED if failure else SUCCEEDED
    request.result = result
    request.finished_at = utcnow()
    if failure is not None:
        request.error_status = failure.status
        request.error_code = failure.code
        request.error_message = failure.message
    if request.callback_url:
        delivery = await webhook_service.enqueue_delivery(
            session, request.tenant_id, request.callback_url, result, request.kind
        )
        request.delivery_id = delivery.id
    await session.flush()
