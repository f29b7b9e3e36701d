"""The jobs that answer async requests: audio (a URL or an upload) to a transcript and a note.

The steps are the core's; a dialect says only how its requests read and how its answers look
(``Answers``), and registers one job kind per operation::

    register_listen("nabla_listen", NablaAnswers())   # fetch → recording → transcript → note
    register_digest("nabla_digest", NablaAnswers())   # stored transcript → note

Each step's outcome is committed before the next one starts (recording, then transcript, then
note), so a job interrupted and run again resumes where it stopped, and a failure keeps what was
done. Any failure of the request is an answer too: the dialect's error body, with its code.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from scribe.async_requests import service as async_service
from scribe.async_requests.models import AsyncRequest
from scribe.clinical.types import NoteDraft, Utterance
from scribe.config import Settings
from scribe.encounters import service as encounter_service
from scribe.errors import GoneError, ScribeError
from scribe.jobs.models import Job
from scribe.jobs.runner import JobContext, handler
from scribe.notes import service as note_service
from scribe.outbound import OutboundClient, download
from scribe.providers.llm.base import NoteWriter
from scribe.recordings import service as recording_service
from scribe.recordings.models import Recording
from scribe.storage import BlobStore
from scribe.transcripts import service as transcript_service
from scribe.transcripts import tasks as transcript_tasks
from scribe.transcripts.models import Transcript

logger = logging.getLogger(__name__)


class Answers(Protocol):
    """A dialect's side of its async requests: reading its params, rendering its answers."""

    def audio_limits(self, settings: Settings) -> recording_service.Limits: ...

    def language(self, params: dict[str, Any]) -> str: ...

    def wants_note(self, params: dict[str, Any]) -> bool: ...

    async def write_note(
        self, writer: NoteWriter, utterances: Sequence[Utterance], params: dict[str, Any]
    ) -> NoteDraft: ...

    def success(
        self,
        request: AsyncRequest,
        transcript: Transcript,
        draft: NoteDraft | None,
        *,
        transcribed: bool,
    ) -> dict[str, Any]:
        """The answer; ``transcribed``: the transcript is the job's own (not the client's)."""
        ...

    def failure(self, request: AsyncRequest, failure: async_service.Failure) -> dict[str, Any]: ...

    def failure_of(self, error: ScribeError) -> async_service.Failure:
        """The failure stored for an error, worded as the dialect words it."""
        ...


Step = Callable[[JobContext, AsyncRequest, Answers], Awaitable[dict[str, Any]]]


def register_listen(kind: str, answers: Answers) -> None:
    """Answer requests of ``kind`` from their audio: transcript, then note if asked."""
    _register(kind, answers, _listen)


def register_digest(kind: str, answers: Answers) -> None:
    """Answer requests of ``kind`` from the transcript stored when they were submitted."""
    _register(kind, answers, _digest)


def _register(kind: str, answers: Answers, step: Step) -> None:
    async def crashed(session: AsyncSession, job: Job, error: ScribeError) -> None:
        # A job that died of an unexpected error still answers its request (with a 500).
        request = await session.get(AsyncRequest, job.input["request_id"])
        if request is not None and not async_service.is_finished(request):
            await _fail(session, request, answers, error)

    @handler(kind, on_failure=crashed)
    async def answer(ctx: JobContext) -> dict[str, Any]:
        return await _answer(ctx, answers, step)


async def _fail(
    session: AsyncSession, request: AsyncRequest, answers: Answers, error: ScribeError
) -> None:
    failure = answers.failure_of(error)
    await async_service.finish(
        session, request, result=answers.failure(request, failure), failure=failure
    )


async def _answer(ctx: JobContext, answers: Answers, step: Step) -> dict[str, Any]:
    request_id: str = ctx.job.input["request_id"]
    request = await async_service.get_for_job(ctx.session, request_id)
    if async_service.is_finished(request):  # a re-run after the answer was stored
        return {"request_id": request_id, "skipped": True}
    try:
        result = await step(ctx, request, answers)
    except ScribeError as exc:
        # No rollback needed (and the runner's job row must stay loaded): each step adds its
        # rows only once its fallible work succeeded, and earlier steps are committed.
        await _fail(ctx.session, request, answers, exc)
        logger.info("request failed", extra={"request_id": request.id, "code": exc.error_code})
        return {"request_id": request.id, "status": request.status, "error": exc.error_code}
    await async_service.finish(ctx.session, request, result=result)
    return {"request_id": request.id, "status": request.status}


async def _listen(ctx: JobContext, request: AsyncRequest, answers: Answers) -> dict[str, Any]:
    if request.recording_id is None:
        await _fetch(ctx, request, answers.audio_limits(ctx.settings))
    transcript = await _transcript(ctx, request, answers)
    draft = None
    if answers.wants_note(request.params):
        draft = await _note(ctx, request, transcript, answers)
    return answers.success(request, transcript, draft, transcribed=True)


async def _digest(ctx: JobContext, request: AsyncRequest, answers: Answers) -> dict[str, Any]:
    if request.transcript_id is None:
        raise GoneError("The request's transcript is missing")
    transcript = await transcript_service.get(ctx.session, request.tenant_id, request.transcript_id)
    draft = await _note(ctx, request, transcript, answers)
    return answers.success(request, transcript, draft, transcribed=False)


async def _fetch(ctx: JobContext, request: AsyncRequest, limits: recording_service.Limits) -> None:
    """Download the request's URL into storage as its recording (audio/* only, capped)."""
    blobs, settings = ctx.blobs, ctx.settings
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
    blobs.path(key).parent.mkdir(parents=True, exist_ok=True)
    assert request.source_url is not None
    async with OutboundClient.from_settings(settings) as client:
        fetched = await download(
            request.source_url, blobs.path(key), max_bytes=limits.max_bytes, client=client
        )
    upload = recording_service.Upload(
        request.tenant_id, request.encounter_id, fetched.content_type, None, request.created_by
    )
    try:
        recording = await store_audio(ctx.session, blobs, upload, blobs.read(key), limits)
    finally:
        await blobs.delete(key)
    request.recording_id = recording.id
    await ctx.session.commit()


async def store_audio(
    session: AsyncSession,
    blobs: BlobStore,
    upload: recording_service.Upload,
    chunks: AsyncIterator[bytes],
    limits: recording_service.Limits,
) -> Recording:
    """Store audio within a request's limits (``AudioTooLongError`` past them)."""
    return await recording_service.store(session, blobs, upload, chunks, limits)


async def _transcript(ctx: JobContext, request: AsyncRequest, answers: Answers) -> Transcript:
    """The request's transcript: recognised now by the core pipeline, or as stored earlier."""
    session, tenant_id = ctx.session, request.tenant_id
    if request.transcript_id is not None:
        return await transcript_service.get(session, tenant_id, request.transcript_id)
    assert request.recording_id is not None
    recording = await recording_service.get(session, tenant_id, request.recording_id)
    language = answers.language(request.params)
    result = await transcript_tasks.recognize_recording(
        ctx,
        recording,
        language=language,
        options=transcript_service.AudioOptions(),
        on_progress=ctx.progress_span(0.0, 0.9),  # the note after it is quick
    )
    transcript = transcript_service.add_completed(
        session, recording, result, language=language, created_by=request.created_by,
        meta={"request_id": request.id, "recording_id": recording.id},
    )  # fmt: skip
    await session.flush()
    request.transcript_id = transcript.id
    await session.commit()
    return transcript


async def _note(
    ctx: JobContext, request: AsyncRequest, transcript: Transcript, answers: Answers
) -> NoteDraft:
    """The request's note; the core note is stored once, even when the job runs again."""
    utterances = transcript_service.utterances(transcript)
    draft = await answers.write_note(ctx.text, utterances, request.params)
    if request.note_id is None:
        source = note_service.DraftSource(
            transcript.id,
            transcript.encounter_id,
            created_by=request.created_by,
            language=answers.language(request.params),
        )
        note = await note_service.create_from_draft(ctx.session, request.tenant_id, draft, source)
        request.note_id = note.id
        await ctx.session.flush()
    return draft
