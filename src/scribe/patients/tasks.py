"""The ingestion job: a stored bundle into record items, or a document into page text."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from scribe.errors import ScribeError
from scribe.jobs.models import Job
from scribe.jobs.runner import JobContext, handler
from scribe.patients import service
from scribe.patients.models import FINISHED, IngestionRun


async def _mark_failed(session: AsyncSession, job: Job, error: ScribeError) -> None:
    run = await session.get(IngestionRun, job.input["run_id"])
    if run is not None:
        service.mark_failed(run, error.message)


@handler(service.INGEST, on_failure=_mark_failed)
async def ingest(ctx: JobContext) -> dict[str, Any]:
    run = await ctx.session.get_one(IngestionRun, ctx.job.input["run_id"])
    if run.status in FINISHED:  # a re-run after the outcome was stored
        return {"run_id": run.id}
    run.current_step = "extracting" if run.kind == service.DOCUMENT else "normalizing"
    # Shows the step to pollers and releases the connection while the file is read.
    await ctx.session.commit()
    if run.kind == service.BUNDLE:
        await service.apply_bundle(ctx.session, ctx.blobs, run)
    else:
        await service.apply_document(ctx.session, ctx.blobs, run)
    return {"run_id": run.id, "page_count": run.page_count, "item_count": run.item_count}
