"""Core rows → Omniloy bodies."""

from __future__ import annotations

from scribe.api import evidence as api_evidence
from scribe.api.omniloy import schemas
from scribe.auth.service import Principal
from scribe.jobs.models import COMPLETED, FAILED, QUEUED, RUNNING, TERMINAL
from scribe.notes import service as note_service
from scribe.notes.evidence import Evidence
from scribe.notes.models import Note
from scribe.threads.models import Message, Run, Thread
from scribe.transcripts.models import Transcript

_RUN_STATUS: dict[str, schemas.RunStatus] = {
    QUEUED: "pending",
    RUNNING: "running",
    COMPLETED: "completed",
    FAILED: "failed",
}


def transcription(t: Transcript, principal: Principal) -> schemas.Transcription:
    return schemas.Transcription(
        id=t.id,
        user_id=t.created_by,
        group_id=principal.tenant_name,
        duration_seconds=(t.duration_ms or 0) / 1000,
        language_used=t.language,
        original_transcript=t.text,
        created_at=t.created_at,
        updated_at=t.updated_at,
    )


def thread(t: Thread) -> schemas.ThreadOut:
    return schemas.ThreadOut(
        thread_id=t.id,
        created_at=t.created_at,
        updated_at=t.updated_at,
        status="closed" if t.status == "closed" else "active",
        metadata=schemas.ThreadMetadata(doctor=t.created_by, patient=t.patient_ref),
        values=schemas.ThreadValues(messages=messages(t.messages)),
    )


def messages(rows: list[Message]) -> list[schemas.ChatMessage]:
    return [schemas.ChatMessage(role=m.role, content=m.content) for m in rows]


def run(r: Run) -> schemas.RunOut:
    return schemas.RunOut(**_run_fields(r))


def joined(
    r: Run,
    thread_row: Thread,
    note: tuple[Note, Evidence] | None,
    principal: Principal,
) -> schemas.RunJoined:
    return schemas.RunJoined(
        **_run_fields(r),
        messages=messages(thread_row.messages),
        clinical_note=clinical_note(*note, principal) if note else None,
    )


def _run_fields(r: Run) -> dict[str, object]:
    job = r.job
    error = None
    if job.status == FAILED:
        error = schemas.RunError(code=job.error_code or "failed", message=job.error_message or "")
    return {
        "run_id": r.id,
        "thread_id": r.thread_id,
        "status": _RUN_STATUS[job.status],
        "kind": r.kind,
        "created_at": r.created_at,
        "updated_at": max(r.updated_at, job.updated_at),
        "clinical_note_id": r.note_id,
        "error": error,
        "progress": 1.0 if job.status in TERMINAL else job.progress,
    }


def clinical_note(n: Note, evidence: Evidence, principal: Principal) -> schemas.ClinicalNote:
    return schemas.ClinicalNote(
        id=n.id,
        user_id=n.created_by,
        group_id=principal.tenant_name,
        transcription_id=n.transcript_id,
        template=n.template_key,
        ai_generated_content=note_service.content_of(n),
        feedback=n.feedback,
        report_thread_id=n.thread_id,
        report_run_id=list(n.run_ids),
        created_at=n.created_at,
        updated_at=n.updated_at,
        evidence=api_evidence.of(evidence),
    )
