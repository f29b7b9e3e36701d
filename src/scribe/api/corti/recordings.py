"""Corti recordings: upload (raw or multipart), list, download and delete an interaction's audio."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response, StreamingResponse

from scribe.api.corti import uploads
from scribe.api.corti.auth import PrincipalDep
from scribe.api.corti.dependencies import InteractionDep, valid_uuid
from scribe.api.corti.routing import route
from scribe.api.corti.schemas_recordings import RecordingCreated, RecordingList
from scribe.api.json_input import CheckedRoute
from scribe.dependencies import RuntimeDep, SessionDep, note_audit_ids, release_connection
from scribe.recordings import service as recording_service
from scribe.recordings.models import Recording
from scribe.recordings.service import Limits, Upload
from scribe.runtime import Runtime

router = APIRouter(route_class=CheckedRoute)

RecordingIdPath = Annotated[str, Path(alias="recordingId")]
_AUDIO = {200: {"content": {"application/octet-stream": {}}, "description": "The audio"}}
# The body is read as a stream, so FastAPI cannot describe it: say what it takes.
_BINARY = {"type": "string", "format": "binary"}
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/octet-stream": {"schema": _BINARY},
            "audio/*": {"schema": _BINARY},
            "multipart/form-data": {"schema": {"type": "object", "properties": {"file": _BINARY}}},
        },
    }
}


@route(
    router,
    "POST",
    "/interactions/{id}/recordings/",
    status_code=201,
    response_model=RecordingCreated,
    openapi_extra=_UPLOAD_BODY,
)
@route(
    router,
    "POST",
    "/interactions/{id}/recording",
    status_code=201,
    response_model=RecordingCreated,
    openapi_extra=_UPLOAD_BODY,
)
async def upload_recording(
    request: Request,
    interaction: InteractionDep,
    session: SessionDep,
    runtime: RuntimeDep,
    principal: PrincipalDep,
) -> RecordingCreated:
    """Upload audio as the raw body or as a multipart file (up to 150 MB and 120 minutes)."""
    await release_connection(session)  # the body may take minutes to arrive
    body = await uploads.open_upload(request)
    upload = Upload(
        tenant_id=principal.tenant_id,
        encounter_id=interaction.id,
        content_type=body.content_type,
        filename=body.filename,
        created_by=principal.client_id,
    )
    recording = await recording_service.store(
        session, runtime.blobs, upload, body.chunks, _limits(runtime)
    )
    note_audit_ids(request, recording_id=recording.id)
    return RecordingCreated(recordingId=recording.id)


@route(router, "GET", "/interactions/{id}/recordings/", response_model=RecordingList)
async def list_recordings(
    interaction: InteractionDep, session: SessionDep, principal: PrincipalDep
) -> RecordingList:
    """List the ids of an interaction's recordings, oldest first."""
    rows = await recording_service.list_for_encounter(session, principal.tenant_id, interaction.id)
    return RecordingList(recordings=[r.id for r in rows])


@route(
    router,
    "GET",
    "/interactions/{id}/recordings/{recordingId}",
    response_class=StreamingResponse,
    responses=_AUDIO,
)
async def download_recording(
    recording_id: RecordingIdPath,
    interaction: InteractionDep,
    session: SessionDep,
    runtime: RuntimeDep,
    principal: PrincipalDep,
) -> StreamingResponse:
    """Download a recording: the bytes as uploaded, with the type they were uploaded with."""
    recording = await _recording(session, principal.tenant_id, interaction.id, recording_id)
    return StreamingResponse(
        recording_service.audio_of(runtime.blobs, recording),
        media_type=recording.content_type or "application/octet-stream",
        headers={"Content-Length": str(recording.size_bytes)},
    )


@route(
    router,
    "DELETE",
    "/interactions/{id}/recordings/{recordingId}",
    status_code=204,
    response_class=Response,
)
async def delete_recording(
    recording_id: RecordingIdPath,
    interaction: InteractionDep,
    session: SessionDep,
    runtime: RuntimeDep,
    principal: PrincipalDep,
) -> Response:
    """Delete a recording; its transcripts stay (without their recordingId column)."""
    recording = await _recording(session, principal.tenant_id, interaction.id, recording_id)
    await recording_service.delete(session, runtime.blobs, recording)
    return Response(status_code=204)


async def _recording(
    session: SessionDep, tenant_id: str, interaction_id: str, recording_id: str
) -> Recording:
    checked = valid_uuid(recording_id, "Recording id")
    return await recording_service.get_in_encounter(session, tenant_id, interaction_id, checked)


def _limits(runtime: Runtime) -> Limits:
    limits = runtime.settings.limits
    return Limits(max_bytes=limits.recording_bytes, max_duration_ms=limits.recording_seconds * 1000)
