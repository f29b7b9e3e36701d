"""Omniloy clinical workflow API (seed 000) under /v1."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request

from scribe.api.errors import documented
from scribe.api.json_input import CheckedRoute
from scribe.api.omniloy import schemas, views
from scribe.api.omniloy.errors import OmniloyError
from scribe.auth.service import Principal
from scribe.dependencies import RuntimeDep, SessionDep, bearer_principal, note_audit_ids
from scribe.errors import BadRequestError, PayloadTooLargeError
from scribe.notes import evidence as note_evidence
from scribe.notes import service as note_service
from scribe.threads import service as thread_service
from scribe.transcripts import service as transcript_service

_ERRORS = documented(
    OmniloyError,
    {400: "Missing required fields or invalid data", 401: "Invalid or expired token"},
)
_NOT_FOUND = documented(OmniloyError, {404: "Not found"})


async def omniloy_principal(
    request: Request,
    principal: Annotated[Principal, Depends(bearer_principal)],
    x_doctor: schemas.DoctorHeader = None,
    x_patient: schemas.PatientHeader = None,
) -> Principal:
    """Bearer auth plus the x-doctor header the workflow routes require (x-patient optional)."""
    if not x_doctor or not x_doctor.strip():
        raise BadRequestError("Missing required header: x-doctor")
    actor = dataclasses.replace(principal, actor=x_doctor.strip(), patient_ref=x_patient)
    request.state.principal = actor
    return actor


PrincipalDep = Annotated[Principal, Depends(omniloy_principal)]
# Past any real list, and inside the databases' 64-bit OFFSET (a larger one is a 400, not a 500).
MAX_OFFSET = 2**31 - 1
router = APIRouter(
    route_class=CheckedRoute, prefix="/v1", tags=["Omniloy clinical workflow"], responses=_ERRORS
)


@router.post("/transcriptions/create", status_code=201, response_model=schemas.TranscriptionCreated)
async def create_transcription(
    body: schemas.TranscriptionCreate,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    principal: PrincipalDep,
) -> schemas.TranscriptionCreated:
    """Store a transcription of a patient-doctor conversation."""
    limit = runtime.settings.limits.omniloy_transcript_bytes
    if len(body.original_transcript.encode()) > limit:
        raise PayloadTooLargeError(f"original_transcript exceeds the {limit} byte limit")
    transcript = await transcript_service.create_from_text(
        session,
        principal,
        text=body.original_transcript,
        duration_ms=round(body.duration_seconds * 1000),
        language=body.language_used,
    )
    note_audit_ids(request, transcription_id=transcript.id)
    return schemas.TranscriptionCreated(transcription=views.transcription(transcript, principal))


@router.get(
    "/transcriptions/{transcription_id}", response_model=schemas.Transcription, responses=_NOT_FOUND
)
async def get_transcription(
    transcription_id: str, session: SessionDep, principal: PrincipalDep
) -> schemas.Transcription:
    """Read a transcription."""
    transcript = await transcript_service.get(session, principal.tenant_id, transcription_id)
    return views.transcription(transcript, principal)


@router.post("/lang-graph/threads", status_code=201, response_model=schemas.ThreadOut)
async def create_thread(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    body: Annotated[dict[str, Any] | None, Body()] = None,
) -> schemas.ThreadOut:
    """Start a conversation thread (an empty body or `{}`; its keys are ignored)."""
    thread = await thread_service.create_thread(session, principal)
    note_audit_ids(request, thread_id=thread.id)
    return views.thread(thread)


@router.get(
    "/lang-graph/threads/{thread_id}", response_model=schemas.ThreadOut, responses=_NOT_FOUND
)
async def get_thread(
    thread_id: str, session: SessionDep, principal: PrincipalDep
) -> schemas.ThreadOut:
    """Read a thread with its messages."""
    return views.thread(await thread_service.get_thread(session, principal.tenant_id, thread_id))


@router.post(
    "/lang-graph/threads/{thread_id}/runs",
    status_code=201,
    response_model=schemas.RunOut,
    responses=_NOT_FOUND,
)
async def create_run(
    thread_id: str,
    body: schemas.RunCreate,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    x_is_chat: Annotated[str | None, Header()] = None,
) -> schemas.RunOut:
    """Queue a run: chat with `x-is-chat: true`, clinical extraction otherwise."""
    configurable = body.config.configurable
    options = configurable.model_dump(exclude={"thread_id"}, exclude_none=True)
    run_input = thread_service.RunInput(
        thread_id=configurable.thread_id,
        kind="chat" if _is_chat(x_is_chat) else "extraction",
        messages=[(m.role, m.content) for m in body.input.messages],
        options=options,
    )
    run = await thread_service.create_run(session, principal, thread_id, run_input)
    note_audit_ids(request, run_id=run.id)
    return views.run(run)


@router.get(
    "/lang-graph/threads/{thread_id}/runs",
    response_model=list[schemas.RunOut],
    responses=_NOT_FOUND,
)
async def list_runs(
    thread_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[schemas.RunOut]:
    """List a thread's runs, oldest first."""
    runs = await thread_service.list_runs(
        session, principal.tenant_id, thread_id, limit=limit, offset=offset
    )
    return [views.run(r) for r in runs]


@router.get(
    "/lang-graph/threads/{thread_id}/runs/{run_id}",
    response_model=schemas.RunOut,
    responses=_NOT_FOUND,
)
async def get_run(
    thread_id: str, run_id: str, session: SessionDep, principal: PrincipalDep
) -> schemas.RunOut:
    """Read a run's status."""
    return views.run(await thread_service.get_run(session, principal.tenant_id, thread_id, run_id))


@router.get(
    "/lang-graph/threads/{thread_id}/runs/{run_id}/join",
    response_model=schemas.RunJoined,
    responses={**_NOT_FOUND, **documented(OmniloyError, {504: "The run did not finish in time"})},
)
async def join_run(
    thread_id: str,
    run_id: str,
    session: SessionDep,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    timeout: Annotated[float | None, Query(gt=0)] = None,
) -> schemas.RunJoined:
    """Wait until the run ends; answer the thread's messages and, for extraction, the note."""
    cap = runtime.settings.jobs.join_timeout_seconds
    run, thread = await thread_service.join_run(
        session,
        runtime.sessionmaker,
        principal.tenant_id,
        thread_id,
        run_id,
        timeout=min(timeout or cap, cap),
    )
    if run.note_id is None:
        return views.joined(run, thread, None, principal)
    note = await note_service.get(session, principal.tenant_id, run.note_id)
    evidence = await note_evidence.for_note(session, principal.tenant_id, note)
    return views.joined(run, thread, (note, evidence), principal)


@router.post(
    "/clinical-notes", status_code=201, response_model=schemas.ClinicalNote, responses=_NOT_FOUND
)
async def create_clinical_note(
    body: schemas.ClinicalNoteCreate, request: Request, session: SessionDep, principal: PrincipalDep
) -> schemas.ClinicalNote:
    """Create a clinical note, optionally for a transcription."""
    note = await note_service.create(
        session, principal, transcript_id=body.transcription_id, changes=_changes(body)
    )
    note_audit_ids(request, clinical_note_id=note.id)
    evidence = await note_evidence.for_note(session, principal.tenant_id, note)
    return views.clinical_note(note, evidence, principal)


@router.get("/clinical-notes", response_model=list[schemas.ClinicalNote])
async def list_clinical_notes(
    session: SessionDep,
    principal: PrincipalDep,
    transcription_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[schemas.ClinicalNote]:
    """List clinical notes, optionally those of one transcription."""
    notes = await note_service.list_notes(
        session, principal.tenant_id, transcript_id=transcription_id, limit=limit, offset=offset
    )
    evidence = await note_evidence.for_notes(session, principal.tenant_id, notes)
    return [views.clinical_note(n, evidence[n.id], principal) for n in notes]


@router.get("/clinical-notes/{note_id}", response_model=schemas.ClinicalNote, responses=_NOT_FOUND)
async def get_clinical_note(
    note_id: str, session: SessionDep, principal: PrincipalDep
) -> schemas.ClinicalNote:
    """Read a clinical note, with the transcript evidence of each sentence."""
    note = await note_service.get(session, principal.tenant_id, note_id)
    evidence = await note_evidence.for_note(session, principal.tenant_id, note)
    return views.clinical_note(note, evidence, principal)


@router.patch(
    "/clinical-notes/{note_id}", response_model=schemas.ClinicalNote, responses=_NOT_FOUND
)
async def update_clinical_note(
    note_id: str, body: schemas.ClinicalNotePatch, session: SessionDep, principal: PrincipalDep
) -> schemas.ClinicalNote:
    """Update only the fields sent."""
    note = await note_service.update(session, principal.tenant_id, note_id, _changes(body))
    evidence = await note_evidence.for_note(session, principal.tenant_id, note)
    return views.clinical_note(note, evidence, principal)


def _is_chat(value: str | None) -> bool:
    if value is None or value.strip().lower() in ("", "false", "0"):
        return False
    if value.strip().lower() in ("true", "1"):
        return True
    raise BadRequestError("Header x-is-chat must be true or false")


def _changes(
    body: schemas.ClinicalNoteCreate | schemas.ClinicalNotePatch,
) -> note_service.NoteChanges:
    """The fields the client actually sent, in the core's names."""
    sent = body.model_fields_set
    changes: note_service.NoteChanges = {}
    if "template" in sent and body.template is not None:
        changes["template"] = body.template
    elif "template" in sent:
        raise BadRequestError("template must be a non-empty string")
    if "ai_generated_content" in sent and body.ai_generated_content is not None:
        changes["content"] = body.ai_generated_content
    if "feedback" in sent:
        changes["feedback"] = body.feedback
    if "report_thread_id" in sent:
        changes["thread_id"] = body.report_thread_id
    if "report_run_id" in sent:
        changes["run_ids"] = list(body.report_run_id or [])
    return changes
