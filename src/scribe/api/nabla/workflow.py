"""The Nabla operations over the core: submit async requests, answer the synchronous ones.

Routes call one function here each; the jobs that answer async requests are in ``tasks``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from scribe.api.errors import describe_validation
from scribe.api.multipart import StreamingForm
from scribe.api.nabla import form as listen_form
from scribe.api.nabla import schemas, views
from scribe.api.nabla.answers import DIGEST, LISTEN
from scribe.api.nabla.errors import NotAudioUploadError
from scribe.api.nabla.options import Options, options_of, write_draft
from scribe.async_requests import service as async_service
from scribe.async_requests.models import FAILED, SUCCEEDED, AsyncRequest
from scribe.async_requests.service import Submission
from scribe.async_requests.tasks import store_audio
from scribe.auth.service import Principal
from scribe.dependencies import release_connection
from scribe.encounters import service as encounter_service
from scribe.errors import (
    BadRequestError,
    GatewayTimeoutError,
    NotFoundError,
    PayloadTooLargeError,
    ScribeError,
    UnprocessableError,
    UnsupportedMediaTypeError,
)
from scribe.jobs import service as job_service
from scribe.notes import service as note_service
from scribe.outbound import URLNotAllowedError, check_url
from scribe.recordings import service as recording_service
from scribe.recordings.models import Recording
from scribe.runtime import Runtime
from scribe.transcripts import service as transcript_service
from scribe.transcripts.models import Transcript

_STATUS = {SUCCEEDED: "succeeded", FAILED: "failed"}
_ERRORS: dict[int, type[ScribeError]] = {
    400: BadRequestError,
    413: PayloadTooLargeError,
    415: UnsupportedMediaTypeError,
    422: UnprocessableError,
}


async def submit_listen(
    session: AsyncSession, runtime: Runtime, principal: Principal, body: schemas.ListenAsyncRequest
) -> schemas.AsyncAccepted:
    """Accept a listen_async request (the first one again for a repeated client_request_id)."""
    options = options_of(body, body.output_objects, split_by_sentence=body.split_by_sentence)
    _check_public(runtime, file_url=body.file_url, callback_url=body.callback_url)
    await transcript_service.check_language(runtime.asr, options.language)
    submission = Submission(
        tenant_id=principal.tenant_id,
        kind=LISTEN,
        params=options.as_params(),
        client_request_id=body.client_request_id,
        callback_url=body.callback_url,
        source_url=body.file_url,
        created_by=principal.client_id,
    )
    request, _ = await async_service.submit(session, submission, window=_window(runtime))
    return _accepted(request)


async def submit_digest(
    session: AsyncSession, runtime: Runtime, principal: Principal, body: schemas.DigestAsyncRequest
) -> schemas.AsyncAccepted:
    """Accept a digest_async request; its transcript items are stored for the job."""
    options = options_of(body, body.output_objects)
    _check_public(runtime, callback_url=body.callback_url)
    submission = Submission(
        tenant_id=principal.tenant_id,
        kind=DIGEST,
        params=options.as_params(),
        client_request_id=body.client_request_id,
        callback_url=body.callback_url,
        created_by=principal.client_id,
    )
    request, created = await async_service.submit(session, submission, window=_window(runtime))
    if created:
        transcript = await store_items(session, principal, body.transcript_items, options)
        await async_service.attach_transcript(session, request, transcript)
    return _accepted(request)


def _accepted(request: AsyncRequest) -> schemas.AsyncAccepted:
    return schemas.AsyncAccepted(
        request_id=views.public_id(request.id), client_request_id=request.client_request_id
    )


def _window(runtime: Runtime) -> timedelta:
    return timedelta(hours=runtime.settings.nabla.idempotency_hours)


def _check_public(runtime: Runtime, **urls: str) -> None:
    """Refuse up front a URL that is non-public without DNS; the job re-checks at connect."""
    for name, url in urls.items():
        try:
            check_url(url, runtime.settings.outbound_allowed_hosts)
        except URLNotAllowedError as exc:
            raise URLNotAllowedError(f"{name}: {exc.message}") from exc


async def store_items(
    session: AsyncSession,
    principal: Principal,
    items: Sequence[schemas.TranscriptItemIn],
    options: Options,
) -> Transcript:
    """The client's transcript items as a core transcript of an implicit encounter."""
    return await transcript_service.create_from_items(
        session,
        principal.tenant_id,
        [transcript_service.Item(item.text, item.speaker) for item in items],
        language=options.language,
        created_by=principal.client_id,
    )


async def digest(
    session: AsyncSession, runtime: Runtime, principal: Principal, body: schemas.DigestRequest
) -> dict[str, Any]:
    """Write the note for transcript items now (kept as a core transcript and note)."""
    options = options_of(body, body.output_objects)
    transcript = await store_items(session, principal, body.transcript_items, options)
    utterances = transcript_service.utterances(transcript)
    draft = await write_draft(runtime.text, utterances, options)
    source = note_service.DraftSource(
        transcript.id,
        transcript.encounter_id,
        created_by=principal.client_id,
        language=options.language,
    )
    await note_service.create_from_draft(session, principal.tenant_id, draft, source)
    return {"note": views.note_body(draft, utterances, split_by_problem=options.split_by_problem)}


async def listen(
    session: AsyncSession, runtime: Runtime, principal: Principal, request: Request
) -> dict[str, Any]:
    """Transcribe an uploaded file (≤ 10 min) and answer the result, by way of a job."""
    await release_connection(session)  # the body may take minutes to arrive
    form = await listen_form.open_form(request)
    early = form.fields.get("request_parameters")
    options = _listen_options(early) if early is not None else None
    recording = await _store_upload(session, runtime, principal, form)
    try:
        fields = await form.rest()
        options = options or _listen_options(fields.get("request_parameters"))
        await transcript_service.check_language(runtime.asr, options.language)
    except BaseException:
        await runtime.blobs.delete(recording.blob_key)
        raise
    return await _run_listen(session, runtime, principal, recording, options)


def _listen_options(raw: str | None) -> Options:
    if raw is None:
        raise BadRequestError("request_parameters is required")
    try:
        body = schemas.ListenParameters.model_validate_json(raw)
    except ValidationError as exc:
        detail = describe_validation(exc.errors())
        raise BadRequestError(f"request_parameters: {detail}") from exc
    return options_of(body, body.output_objects, split_by_sentence=body.split_by_sentence)


async def _store_upload(
    session: AsyncSession, runtime: Runtime, principal: Principal, form: StreamingForm
) -> Recording:
    media_type = (form.content_type or "").split(";")[0].strip().lower()
    if not media_type.startswith("audio/"):
        shown = media_type or "no content type"
        raise NotAudioUploadError(f"file is {shown}; only audio/* is accepted")
    encounter = encounter_service.add_implicit(
        session, tenant_id=principal.tenant_id, assigned_user=principal.client_id, patient_ref=None
    )
    upload = recording_service.Upload(
        tenant_id=principal.tenant_id,
        encounter_id=encounter.id,
        content_type=media_type,
        filename=form.filename,
        created_by=principal.client_id,
    )
    nabla = runtime.settings.nabla
    limits = recording_service.Limits(nabla.file_bytes, nabla.listen_seconds * 1000)
    return await store_audio(session, runtime.blobs, upload, form.chunks(), limits)


async def _run_listen(
    session: AsyncSession,
    runtime: Runtime,
    principal: Principal,
    recording: Recording,
    options: Options,
) -> dict[str, Any]:
    submission = Submission(
        tenant_id=principal.tenant_id,
        kind=LISTEN,
        params=options.as_params(),
        created_by=principal.client_id,
        encounter_id=recording.encounter_id,
        recording_id=recording.id,
    )
    request, _ = await async_service.submit(session, submission, window=_window(runtime))
    # The job starts only once this commits; the route's own commit would come too late.
    await job_service.commit_and_enqueue(session, runtime.queue.enqueue)
    wait = runtime.settings.nabla.listen_wait_seconds
    assert request.job_id is not None
    finished = job_service.wait_until_finished(runtime.sessionmaker, request.job_id, timeout=wait)
    if not await finished:
        raise GatewayTimeoutError("The audio was not processed in time")
    done = await async_service.get(session, principal.tenant_id, request.id)
    if done.status != SUCCEEDED or done.result is None:
        raise _failure_of(done)
    return {key: done.result[key] for key in ("transcript", "note") if key in done.result}


def _failure_of(request: AsyncRequest) -> ScribeError:
    error_class = _ERRORS.get(request.error_status or 500, ScribeError)
    message = request.error_message or "The request failed"
    # Nabla's body carries the status and message only, both stored as Nabla words them.
    return error_class(message)


async def state(session: AsyncSession, principal: Principal, request_id: str) -> dict[str, Any]:
    """A tenant's async request: ongoing, or finished with its callback body."""
    request = await async_service.get(session, principal.tenant_id, views.core_id(request_id))
    if request.kind not in (LISTEN, DIGEST) or request.callback_url is None:
        raise NotFoundError("Request not found")
    status = _STATUS.get(request.status, "ongoing")
    progress = await job_service.progress_of(session, principal.tenant_id, request.job_id)
    return {
        "id": views.public_id(request.id),
        "client_request_id": request.client_request_id,
        "status": status,
        "payload": request.result,
        "progress": 1.0 if status != "ongoing" else progress or 0.0,
    }
