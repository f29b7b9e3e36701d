"""A streamed summary's end, in a transaction of its own (the stream has no request to commit).

The stream's request session is closed before the first event is sent, so storing the summary
and auditing its outcome open a fresh session each, like a job does::

    summary_id = await store_streamed(sessionmaker, plan, writer.sections)
    await audit_failed(sessionmaker, plan)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scribe.auth import service as auth_service
from scribe.summaries import service as summary_service
from scribe.summaries.service import SummaryPlan

_ACTION = "summary-end"


async def store_streamed(
    sessionmaker: async_sessionmaker[AsyncSession],
    plan: SummaryPlan,
    sections: Sequence[dict[str, Any]],
) -> str:
    """Store a fully sent summary and audit its success; return its id."""
    async with sessionmaker() as session:
        summary = await summary_service.save(session, plan, sections)
        _record(session, plan, "success", {"summary_id": summary.id})
        await session.commit()
    return summary.id


async def audit_failed(sessionmaker: async_sessionmaker[AsyncSession], plan: SummaryPlan) -> None:
    """Audit a summary whose writing failed (nothing is stored)."""
    async with sessionmaker() as session:
        _record(session, plan, "error", {})
        await session.commit()


def _record(session: AsyncSession, plan: SummaryPlan, outcome: str, ids: dict[str, str]) -> None:
    auth_service.record_audit(
        session,
        tenant_id=plan.tenant_id,
        action=_ACTION,
        outcome=outcome,
        actor=plan.actor,
        resource_ids={"patient_id": plan.patient_key, "template_id": plan.template_id, **ids},
    )
