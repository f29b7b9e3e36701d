"""The summary stream on the wire: ``id: <n>`` and ``data: <json>`` only, no ``event:`` lines.

By the time this runs the request's session is closed: the plan holds everything read. The
summary is stored in a fresh session once every section was sent, and ``summary-end`` (success
with its id, or the error) is always the last event. A client that disconnects cancels the
generator, which closes the provider's stream; nothing is stored for an abandoned summary::

    id: 1
    data: {"type":"text-start","payload":{"sectionTitle":"Medications","sectionIndex":0}}
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sse_starlette import EventSourceResponse, ServerSentEvent

from scribe.auth import service as auth_service
from scribe.errors import ScribeError
from scribe.runtime import Runtime
from scribe.summaries import service as summary_service
from scribe.summaries.service import SummaryPlan, SummaryWriter

logger = logging.getLogger(__name__)
_SEP = "\n"


def respond(runtime: Runtime, plan: SummaryPlan) -> EventSourceResponse:
    return EventSourceResponse(
        _frames(runtime, plan),
        headers={"Cache-Control": "no-cache"},
        ping=runtime.settings.clinia.keepalive_seconds,
        ping_message_factory=lambda: ServerSentEvent(comment="ping", sep=_SEP),
        sep=_SEP,
    )


async def _frames(runtime: Runtime, plan: SummaryPlan) -> AsyncIterator[ServerSentEvent]:
    ids = itertools.count(1)
    async for kind, payload in _events(runtime, plan):
        data = json.dumps({"type": kind, "payload": payload}, separators=(",", ":"))
        yield ServerSentEvent(data=data, id=str(next(ids)), sep=_SEP)


async def _events(runtime: Runtime, plan: SummaryPlan) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    with summary_service.streams_in_progress.tracking():
        if plan.problem is not None:
            yield _failed(plan.problem)
            return
        writer = SummaryWriter(runtime.text, plan)
        try:
            async for event in writer.events():
                yield event.type, event.payload
            summary_id = await _store(runtime, plan, writer)
        except Exception as exc:
            yield _failed(_reason(exc))
            await _audit(runtime, plan, "error", {})
            return
        yield "summary-end", {"status": "success", "summaryId": summary_id}


def _failed(reason: str) -> tuple[str, dict[str, Any]]:
    return "summary-end", {"status": "error", "error": reason}


def _reason(exc: Exception) -> str:
    if isinstance(exc, ScribeError):  # provider errors: a status or a cause, never record text
        logger.warning("summary generation failed", extra={"error_code": exc.error_code})
        return f"Summary generation failed: {exc.message}"
    logger.exception("summary generation crashed", extra={"error_type": type(exc).__name__})
    return "Summary generation failed: internal error"


async def _store(runtime: Runtime, plan: SummaryPlan, writer: SummaryWriter) -> str:
    async with runtime.sessionmaker() as session:
        summary = await summary_service.save(session, plan, writer.sections)
        _record(session, plan, "success", {"summary_id": summary.id})
        await session.commit()
    return summary.id


async def _audit(runtime: Runtime, plan: SummaryPlan, outcome: str, ids: dict[str, str]) -> None:
    async with runtime.sessionmaker() as session:
        _record(session, plan, outcome, ids)
        await session.commit()


def _record(session: AsyncSession, plan: SummaryPlan, outcome: str, ids: dict[str, str]) -> None:
    auth_service.record_audit(
        session,
        tenant_id=plan.tenant_id,
        action="summary-end",
        outcome=outcome,
        actor=plan.actor,
        resource_ids={"patient_id": plan.patient_key, "template_id": plan.template_id, **ids},
    )
