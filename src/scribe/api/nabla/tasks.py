"""The jobs that answer Nabla's async requests: listen (file_url or upload) and digest.

Each step's outcome is committed before the next one starts (recording, then transcript, then
note), so a job interrupted and run again resumes where it stopped, and a failure keeps what was
done. Any failure of the request is an answer too: the error callback, with its code.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from scribe.api.nabla import views
from scribe.api.nabla.options import Options, write_draft
from scribe.api.nabla.workflow import DIGEST, LISTEN, store_audio
from scribe.async_requests import service as async_service
from scribe.async_requests.models import AsyncRequest
from scribe.auth import service as auth_service
from scribe.encounters import service as encounter_service
from scribe.errors import ScribeError
from scribe.jobs.models import Job
from scribe.jobs.runner import JobContext, handler
from scribe.notes import service as note_service
from scribe.outbound import OutboundClient, download
from scribe.providers.asr.base import TranscriptionRequest
from scribe.recordings import service as recording_service
from scribe.transcripts import service as transcript_service
from scribe.transcripts.models import Transcript

logger = logging.getLogger(__name__)

Producer = Callable[[JobContext, AsyncRequest], Awaitable[dict[str, Any]]]


async def _crashed(session: AsyncSession, job: Job, error: ScribeError) -> None:
    """A job that died of an unexpected error still answers its request (with a 500)."""
    request = await session.get(AsyncRequest, job.input["request_id"])
    if request is not None and not async_service.is_finished(request):
        await _fail(session, request, error)


async def _fail(session: AsyncSession, request: AsyncRequest, error: ScribeError) -> None:
    failure = async_service.Failure(error.status_code, error.error_code, error.message)
    body = views.error_payload(
        request.id, request.client_request_id, failure.status, failure.message
    )
    await async_service.finish(session, request, result=body, failure=failure)


async def _answer(ctx: JobContext, produce: Producer) -> dict[str, Any]:
    request_id: str = ctx.job.input["request_id"]
    request = await async_service.get_for_job(ctx.session, request_id)
    if async_service.is_finished(request):  # a re-run after the answer was stored
        return {"request_id": request_id, "skipped": True}
    try:
        result = await produce(ctx, request)
    except ScribeError as exc:
        # No rollback needed (and the runner's job row must stay loaded): each step adds its
        # rows only once its fallible work succeeded, and earlier steps are committed.
        await _fail(ctx.session, request, exc)
        logger.info("request failed", extra={"request_id": request.id, "code": exc.error_code})
        return {"request_id": request.id, "status": request.status, "error": exc.error_code}
    await async_service.finish(ctx.session, request, result=result)
    return {"request_id": request.id, "status": request.status}


@handler(LISTEN, on_failure=_crashed)
async def answer_listen(ctx: JobContext) -> dict[str, Any]:
    return await _answer(ctx, _listen)


@handler(DIGEST, on_failure=_crashed)
async def answer_digest(ctx: JobContext) -> dict[str, Any]:
    return await _answer(ctx, _digest)


async def _listen(ctx: JobContext, request: AsyncRequest) -> dict[str, Any]:
    options = Options.from_params(request.params)
    if request.recording_id is None:
        await _fetch(ctx, request)
    transcript = await _transcript(ctx, request, options)
    items = None
    if options.wants_transcript:
        items = views.transcript_items(
            transcript.segments, split_by_sentence=options.split_by_sentence
        )
    note = await _note(ctx, request, transcript, options) if options.wants_note else None
    return views.success_payload(request.id, request.client_request_id, transcript=items, note=note)


async def _digest(ctx: JobContext, request: AsyncRequest) -> dict[str, Any]:
    options = Options.from_params(request.params)
    if request.transcript_id is None:
        raise ScribeError("The request's transcript is missing", code="gone")
    transcript = await transcript_service.get(ctx.session, request.tenant_id, request.transcript_id)
    note = await _note(ctx, request, transcript, options)
    return views.success_payload(request.id, request.client_request_id, transcript=None, note=note)


async def _fetch(ctx: JobContext, request: AsyncRequest) -> None:
    """Download file_url into storage as the request's recording (audio/* only, capped)."""
    runtime, limits = ctx.runtime, ctx.runtime.settings.nabla
    if request.encounter_id is None:
        encounter = encounter_service.add_implicit(
            ctx.session, tenant_id=request.tenant_id, assigned_user=request.created_by,
            patient_ref=None,
        )  # fmt: skip
        await ctx.session.flush()  # the row first: the request's update must find it
        request.encounter_id = encounter.id
    # Release the database while the network works: a download can take minutes.
    await ctx.session.commit()
    key = f"{request.tenant_id}/{request.id}.download"
    runtime.blobs.path(key).parent.mkdir(parents=True, exist_ok=True)
    assert request.source_url is not None
    async with OutboundClient.from_settings(runtime.settings) as client:
        fetched = await download(
            request.source_url, runtime.blobs.path(key), max_bytes=limits.file_bytes, client=client
        )
    upload = recording_service.Upload(
        request.tenant_id, request.encounter_id, fetched.content_type, None, request.created_by
    )
    try:
        recording = await store_audio(
            ctx.session, runtime, upload, _read(ctx, key), limits.file_bytes,
            limits.listen_async_seconds,
        )  # fmt: skip
    finally:
        await runtime.blobs.delete(key)
    request.recording_id = recording.id
    await ctx.session.commit()


def _read(ctx: JobContext, key: str) -> AsyncIterator[bytes]:
    return ctx.runtime.blobs.read(key)


async def _transcript(ctx: JobContext, request: AsyncRequest, options: Options) -> Transcript:
    """The request's transcript: recognised now, or as stored by an earlier run."""
    session, tenant_id = ctx.session, request.tenant_id
    if request.transcript_id is not None:
        return await transcript_service.get(session, tenant_id, request.transcript_id)
    assert request.recording_id is not None
    recording = await recording_service.get(session, tenant_id, request.recording_id)
    vocabulary = tuple(await auth_service.vocabulary_of(session, tenant_id))
    audio = transcript_service.audio_of(ctx.runtime.blobs, recording)
    await session.commit()  # the recogniser may take minutes: hold no connection meanwhile
    asked = TranscriptionRequest(
        audio,
        language=options.language,
        vocabulary=vocabulary,
        on_progress=ctx.progress_span(0.0, 0.9),  # the note after it is quick
    )
    result = await transcript_service.recognize(ctx.runtime.asr, asked)
    ctx.runtime.metrics.observe_real_time_factor(result.details.get("real_time_factor"))
    transcript = transcript_service.add_completed(
        session, recording, result, language=options.language, created_by=request.created_by,
        meta={"request_id": request.id, "recording_id": recording.id},
    )  # fmt: skip
    await session.flush()
    request.transcript_id = transcript.id
    await session.commit()
    return transcript


async def _note(
    ctx: JobContext, request: AsyncRequest, transcript: Transcript, options: Options
) -> dict[str, Any]:
    """The Nabla note; the core note is stored once, even when the job runs again."""
    utterances = transcript_service.utterances(transcript)
    draft = await write_draft(ctx.runtime.text, utterances, options)
    if request.note_id is None:
        source = note_service.DraftSource(
            transcript.id, transcript.encounter_id, created_by=request.created_by
        )
        note = await note_service.create_from_draft(ctx.session, request.tenant_id, draft, source)
        note.language = options.language
        request.note_id = note.id
        await ctx.session.flush()
    return views.note_body(draft, utterances, split_by_problem=options.split_by_problem)
