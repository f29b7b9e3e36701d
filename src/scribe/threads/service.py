"""Threads, their messages, and runs (one job each)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from scribe.auth.service import Principal
from scribe.errors import BadRequestError, GatewayTimeoutError, NotFoundError
from scribe.jobs import service as job_service
from scribe.notes import service as note_service
from scribe.tenancy import get_owned
from scribe.threads.models import Message, Run, Thread
from scribe.transcripts import service as transcript_service

RunKind = Literal["chat", "extraction"]
AGENT_RUN = "agent_run"


@dataclass(frozen=True, slots=True)
class RunInput:
    thread_id: str
    kind: RunKind
    messages: Sequence[tuple[str, str]]
    # Options beside thread_id in config.configurable: template, transcription_id, clinical_note_id.
    options: dict[str, Any] = field(default_factory=dict)


async def create_thread(session: AsyncSession, principal: Principal) -> Thread:
    thread = Thread(
        tenant_id=principal.tenant_id,
        created_by=principal.actor,
        patient_ref=principal.patient_ref,
        messages=[],
    )
    session.add(thread)
    await session.flush()
    return thread


async def get_thread(session: AsyncSession, tenant_id: str, thread_id: str) -> Thread:
    missing = NotFoundError("Thread not found")
    messages = [selectinload(Thread.messages)]
    return await get_owned(session, Thread, tenant_id, thread_id, missing, options=messages)


async def create_run(
    session: AsyncSession, principal: Principal, thread_id: str, run_input: RunInput
) -> Run:
    """Append the run's messages to the thread and queue the assistant's work."""
    thread = await get_thread(session, principal.tenant_id, thread_id)
    if run_input.thread_id != thread.id:
        raise BadRequestError("config.configurable.thread_id does not match the thread in the path")
    await _check_references(session, principal.tenant_id, run_input.options)
    job = job_service.create_job(
        session, tenant_id=principal.tenant_id, kind=AGENT_RUN, payload={"actor": principal.actor}
    )
    await session.flush()
    run = Run(
        tenant_id=principal.tenant_id,
        thread_id=thread.id,
        job_id=job.id,
        kind=run_input.kind,
        config=dict(run_input.options),
        created_by=principal.actor,
    )
    run.job = job
    session.add(run)
    await session.flush()
    job.input = {
        **job.input,
        "run_id": run.id,
        "resource_ids": {"thread_id": thread.id, "run_id": run.id},
    }
    await append_messages(session, thread.id, run.id, run_input.messages)
    return run


async def append_messages(
    session: AsyncSession, thread_id: str, run_id: str | None, messages: Sequence[tuple[str, str]]
) -> None:
    last = await session.scalar(
        select(func.max(Message.position)).where(Message.thread_id == thread_id)
    )
    start = -1 if last is None else last
    for offset, (role, content) in enumerate(messages, start=1):
        session.add(
            Message(
                thread_id=thread_id,
                run_id=run_id,
                position=start + offset,
                role=role,
                content=content,
            )
        )
    await session.flush()


async def get_run(session: AsyncSession, tenant_id: str, thread_id: str, run_id: str) -> Run:
    return await get_owned(
        session,
        Run,
        tenant_id,
        run_id,
        NotFoundError("Run not found"),
        where=[Run.thread_id == thread_id],
        options=[selectinload(Run.job)],
    )


async def join_run(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant_id: str,
    thread_id: str,
    run_id: str,
    *,
    timeout: float,
) -> tuple[Run, Thread]:
    """Wait (holding no connection) until the run ends; the finished run and its thread."""
    job_id = (await get_run(session, tenant_id, thread_id, run_id)).job_id
    await session.rollback()
    if not await job_service.wait_until_finished(sessionmaker, job_id, timeout=timeout):
        raise GatewayTimeoutError("The run did not finish before the join timeout")
    run = await get_run(session, tenant_id, thread_id, run_id)
    return run, await get_thread(session, tenant_id, thread_id)


async def list_runs(
    session: AsyncSession, tenant_id: str, thread_id: str, *, limit: int, offset: int
) -> Sequence[Run]:
    await get_thread(session, tenant_id, thread_id)
    query = (
        select(Run)
        .where(Run.thread_id == thread_id, Run.tenant_id == tenant_id)
        .order_by(Run.created_at, Run.id)
        .limit(limit)
        .offset(offset)
        .options(selectinload(Run.job))
    )
    return (await session.scalars(query)).all()


async def _check_references(session: AsyncSession, tenant_id: str, options: dict[str, Any]) -> None:
    """Unknown or foreign ids in the run's options are 404s now, not failed runs later."""
    if options.get("transcription_id"):
        await transcript_service.get(session, tenant_id, str(options["transcription_id"]))
    if options.get("clinical_note_id"):
        await note_service.get(session, tenant_id, str(options["clinical_note_id"]))
