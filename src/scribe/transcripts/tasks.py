"""The transcribe job: a recording through the ASR provider into transcript segments."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from scribe.auth import service as auth_service
from scribe.errors import ScribeError
from scribe.jobs.models import Job
from scribe.jobs.runner import JobContext, handler
from scribe.providers.asr.base import TranscriptionRequest
from scribe.recordings import service as recording_service
from scribe.transcripts import service
from scribe.transcripts.models import Transcript


async def _mark_failed(session: AsyncSession, job: Job, error: ScribeError) -> None:
    transcript = await session.get(Transcript, job.input["transcript_id"])
    if transcript is not None:
        service.mark_failed(transcript, error.error_code, error.message)


@handler(service.TRANSCRIBE, on_failure=_mark_failed)
async def transcribe_recording(ctx: JobContext) -> dict[str, Any]:
    transcript = await service.get(ctx.session, ctx.job.tenant_id, ctx.job.input["transcript_id"])
    if transcript.status == service.COMPLETED:  # a re-run after the work was stored
        return {"transcript_id": transcript.id, "segments": len(transcript.segments)}
    request = await _request(ctx, transcript)
    # Release the connection while the recogniser works: it can take minutes.
    await ctx.session.commit()
    result = await service.recognize(ctx.runtime.asr, request)
    ctx.runtime.metrics.observe_real_time_factor(result.details.get("real_time_factor"))
    service.complete(transcript, result)
    await ctx.session.flush()
    return {"transcript_id": transcript.id, "segments": len(result.segments)}


async def _request(ctx: JobContext, transcript: Transcript) -> TranscriptionRequest:
    if transcript.recording_id is None:
        raise ScribeError("The recording was deleted before it was transcribed", code="gone")
    recording = await recording_service.get(
        ctx.session, transcript.tenant_id, transcript.recording_id
    )
    audio = service.audio_of(ctx.runtime.blobs, recording)
    options = service.AudioOptions.from_meta(transcript.meta)
    tenant_terms = await auth_service.vocabulary_of(ctx.session, transcript.tenant_id)
    return TranscriptionRequest(
        audio=audio,
        language=transcript.language,
        channel_roles=options.channel_roles,
        vocabulary=(*options.vocabulary, *tenant_terms),
        on_progress=ctx.report_progress,
    )
