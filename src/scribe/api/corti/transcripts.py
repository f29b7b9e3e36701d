"""Corti transcripts: transcribe a recording (answered in the response when quick), poll, list,
read and delete.

Create waits up to ``limits.corti_sync_transcript_seconds`` (25 s, as Corti) for the job and
answers 201 with the transcript; a slower one, or ``"async": true``, is answered 202 with a
``Location`` header and ``status: "processing"``, to be polled at ``.../status``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from scribe.api.corti import schemas_transcripts as schemas
from scribe.api.corti.auth import PrincipalDep
from scribe.api.corti.dependencies import InteractionDep, valid_uuid
from scribe.api.corti.routing import route
from scribe.api.json_input import CheckedRoute
from scribe.clinical.types import SpeakerRole
from scribe.dependencies import RuntimeDep, SessionDep, note_audit_ids
from scribe.encounters.models import Encounter
from scribe.errors import BadRequestError, InvalidQueryError
from scribe.jobs import service as job_service
from scribe.recordings import service as recording_service
from scribe.runtime import Runtime
from scribe.transcripts import service as transcript_service
from scribe.transcripts.models import (
    Participant,
    ParticipantRole,
    Transcript,
    TranscriptSegment,
)

router = APIRouter(route_class=CheckedRoute)

TranscriptIdPath = Annotated[str, Path(alias="transcriptId")]
_ACCEPTED: dict[int | str, dict[str, Any]] = {
    202: {"description": "Still processing: poll the Location's /status"}
}
_ROLES: dict[str, SpeakerRole] = {"doctor": "doctor", "patient": "patient"}
_WIRE_ROLES: dict[ParticipantRole, schemas.ParticipantRole] = {
    ParticipantRole.DOCTOR: "doctor",
    ParticipantRole.PATIENT: "patient",
    ParticipantRole.MULTIPLE: "multiple",
}
# With diarization each segment names its speaker; Corti numbers speakers from 0.
_SPEAKER_IDS = {"doctor": 0, "patient": 1}
SAMPLE_CHARS = 200


@route(
    router,
    "POST",
    "/interactions/{id}/transcripts/",
    status_code=201,
    response_model=schemas.Transcript,
    responses=_ACCEPTED,
)
async def create_transcript(
    body: schemas.TranscriptCreate,
    request: Request,
    response: Response,
    interaction: InteractionDep,
    session: SessionDep,
    runtime: RuntimeDep,
    principal: PrincipalDep,
) -> schemas.Transcript:
    """Transcribe one of the interaction's recordings (roles by channel when multichannel)."""
    recording = await recording_service.get_in_encounter(
        session, principal.tenant_id, interaction.id, valid_uuid(body.recordingId, "recordingId")
    )
    await transcript_service.check_language(runtime.asr, body.primaryLanguage)
    transcript, _ = await transcript_service.start_from_recording(
        session,
        recording,
        language=body.primaryLanguage,
        options=transcript_service.AudioOptions(channel_roles=_channel_roles(body)),
        created_by=principal.client_id,
        participants=[_participant(p) for p in body.participants or ()],
        diarize=body.diarize,
    )
    note_audit_ids(request, transcript_id=transcript.id)
    # The job only starts once this commits, and SessionDep commits after the route returns:
    # too late to wait for it here, so this route commits (and enqueues) itself first.
    await job_service.commit_and_enqueue(session, runtime.queue.enqueue)
    transcript = await _outcome(runtime, session, interaction, transcript, body.run_async)
    if transcript.status == transcript_service.PROCESSING:
        response.status_code = 202
        response.headers["Location"] = _location(request, interaction.id, transcript.id)
    return transcript_view(transcript)


@route(router, "GET", "/interactions/{id}/transcripts/", response_model=schemas.TranscriptList)
async def list_transcripts(
    interaction: InteractionDep,
    session: SessionDep,
    principal: PrincipalDep,
    full: Annotated[str | None, Query()] = None,
) -> schemas.TranscriptList:
    """List an interaction's transcripts (with ``full=true``, each with its segments)."""
    with_items = _flag(full, "full")
    rows = await transcript_service.list_for_encounter(session, principal.tenant_id, interaction.id)
    return schemas.TranscriptList(transcripts=[_list_item(t, with_items) for t in rows])


@route(
    router,
    "GET",
    "/interactions/{id}/transcripts/{transcriptId}",
    response_model=schemas.Transcript,
)
async def get_transcript(
    transcript_id: TranscriptIdPath,
    interaction: InteractionDep,
    session: SessionDep,
    principal: PrincipalDep,
) -> schemas.Transcript:
    """Read a transcript."""
    return transcript_view(
        await _transcript(session, principal.tenant_id, interaction, transcript_id)
    )


@route(
    router,
    "GET",
    "/interactions/{id}/transcripts/{transcriptId}/status",
    response_model=schemas.Status,
)
async def get_transcript_status(
    transcript_id: TranscriptIdPath,
    interaction: InteractionDep,
    session: SessionDep,
    principal: PrincipalDep,
) -> schemas.Status:
    """Poll a transcript: processing, completed or failed."""
    transcript = await _transcript(session, principal.tenant_id, interaction, transcript_id)
    status = _status(transcript)
    if status != "processing":
        return schemas.Status(status=status)
    job_id = transcript.meta.get("job_id")
    progress = await job_service.progress_of(session, principal.tenant_id, job_id)
    return schemas.Status(status=status, progress=progress or 0.0)


@route(
    router,
    "DELETE",
    "/interactions/{id}/transcripts/{transcriptId}",
    status_code=204,
    response_class=Response,
)
async def delete_transcript(
    transcript_id: TranscriptIdPath,
    interaction: InteractionDep,
    session: SessionDep,
    principal: PrincipalDep,
) -> Response:
    """Delete a transcript (its recording stays)."""
    transcript = await _transcript(session, principal.tenant_id, interaction, transcript_id)
    await transcript_service.delete(session, transcript)
    return Response(status_code=204)


def transcript_view(t: Transcript) -> schemas.Transcript:
    """A transcript in Corti's shape; no segments until it has completed."""
    completed = t.status == transcript_service.COMPLETED
    recording_id = t.recording_id or t.meta.get("recording_id")
    return schemas.Transcript(
        id=t.id,
        recordingId=recording_id if isinstance(recording_id, str) else None,
        status=_status(t),
        metadata=_metadata(t),
        transcripts=_segments(t) if completed else None,
        usageInfo=schemas.UsageInfo(creditsConsumed=0),
    )


async def _outcome(
    runtime: Runtime,
    session: SessionDep,
    interaction: Encounter,
    transcript: Transcript,
    run_async: bool,
) -> Transcript:
    """The transcript once its job ended, or as it is when asked not to wait or it took too long."""
    timeout = 0.0 if run_async else runtime.settings.limits.corti_sync_transcript_seconds
    if not await transcript_service.wait_for_job(runtime.sessionmaker, transcript, timeout=timeout):
        return transcript
    return await transcript_service.get_in_encounter(
        session, transcript.tenant_id, interaction.id, transcript.id
    )


async def _transcript(
    session: SessionDep, tenant_id: str, interaction: Encounter, transcript_id: str
) -> Transcript:
    checked = valid_uuid(transcript_id, "Transcript id")
    return await transcript_service.get_in_encounter(session, tenant_id, interaction.id, checked)


def _channel_roles(body: schemas.TranscriptCreate) -> tuple[SpeakerRole, ...] | None:
    """One role per channel when each channel is one speaker; None mixes and infers roles."""
    participants = body.participants or []
    channels = [p.channel for p in participants]
    if len(set(channels)) != len(channels):
        raise BadRequestError("participants: each channel may be given once")
    if not body.isMultichannel or not participants:
        return None
    # Channels nobody was named for, and Corti's "multiple", are of no single role.
    roles: list[SpeakerRole] = ["unspecified"] * (max(channels) + 1)
    for p in participants:
        roles[p.channel] = _ROLES.get(p.role, "unspecified")
    return tuple(roles)


def _participant(p: schemas.Participant) -> Participant:
    return Participant(channel=p.channel, role=ParticipantRole(p.role))


def _metadata(t: Transcript) -> schemas.Metadata:
    roles = [
        schemas.Participant(channel=p.channel, role=_WIRE_ROLES[p.role]) for p in t.participants
    ]
    return schemas.Metadata(participantsRoles=roles)


def _segments(t: Transcript) -> list[schemas.Segment]:
    return [_segment(s, t.diarize) for s in t.segments]


def _segment(s: TranscriptSegment, diarized: bool) -> schemas.Segment:
    channel = s.channel or 0
    return schemas.Segment(
        channel=channel,
        participant=channel,
        speakerId=_SPEAKER_IDS.get(s.speaker_role, -1) if diarized else -1,
        text=s.text,
        start=s.start_ms or 0,
        end=s.end_ms or s.start_ms or 0,
    )


def _list_item(t: Transcript, full: bool) -> schemas.TranscriptListItem:
    data = None
    if full:
        completed = t.status == transcript_service.COMPLETED
        data = schemas.TranscriptData(
            metadata=_metadata(t), transcripts=_segments(t) if completed else []
        )
    return schemas.TranscriptListItem(
        id=t.id, transcriptSample=t.text[:SAMPLE_CHARS], transcript=data
    )


def _status(t: Transcript) -> schemas.TranscriptStatus:
    if t.status in (transcript_service.COMPLETED, transcript_service.FAILED):
        return t.status  # type: ignore[return-value]
    return "processing"


def _location(request: Request, interaction_id: str, transcript_id: str) -> str:
    return str(request.url_for("get_transcript", id=interaction_id, transcriptId=transcript_id))


def _flag(value: str | None, name: str) -> bool:
    if value is None or value.lower() in ("false", "0", ""):
        return False
    if value.lower() in ("true", "1"):
        return True
    raise InvalidQueryError(f"{name} must be true or false")
