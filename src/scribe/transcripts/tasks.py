"""The transcribe job, and the one way every job turns a recording into recognised segments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from scribe.errors import GoneError, ScribeError
from scribe.jobs.models import Job
from scribe.jobs.runner import JobContext, handler
from scribe.providers.asr.base import TranscriptionRequest, TranscriptionResult
from scribe.recordings import service as recording_service
from scribe.recordings.models import Recording
from scribe.transcripts import service, vocabulary
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
    if transcript.recording_id is None:
        raise GoneError("The recording was deleted before it was transcribed")
    recording = await recording_service.get(
        ctx.session, transcript.tenant_id, transcript.recording_id
    )
    result = await recognize_recording(
        ctx,
        recording,
        language=transcript.language,
        options=service.AudioOptions.from_meta(transcript.meta),
        on_progress=ctx.report_progress,
    )
    service.complete(transcript, result)
    await ctx.session.flush()
    return {"transcript_id": transcript.id, "segments": len(result.segments)}


async def recognize_recording(
    ctx: JobContext,
    recording: Recording,
    *,
    language: str | None,
    options: service.AudioOptions,
    on_progress: Callable[[float], None] | None,
) -> TranscriptionResult:
    """Recognise a recording with speaker roles, its vocabulary (``vocabulary.terms_for``) and
    the job's options.

    Commits first: the recogniser can take minutes, and holds no database connection meanwhile.
    """
    audio = service.audio_of(ctx.blobs, recording)
    asr = ctx.settings.asr
    terms = await vocabulary.terms_for(
        ctx.session,
        recording,
        options.vocabulary,
        encounter=asr.encounter_vocabulary,
        frequent=asr.frequent_drugs,
    )
    request = TranscriptionRequest(
        audio=audio,
        language=language,
        channel_roles=options.channel_roles,
        vocabulary=terms,
        on_progress=on_progress,
    )
    await ctx.session.commit()
    result = await service.recognize(ctx.asr, request)
    ctx.metrics.observe_real_time_factor(result.details.get("real_time_factor"))
    return result
