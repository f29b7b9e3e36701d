"""Nabla Copilot server API (seed 003) under /v1/copilot-api/server, listen_async also at /.

Thin routes: parse, call one ``workflow`` function, return. Errors are Nabla's ``{code, message}``
(``errors.render``), 401 before 400 for anonymous requests with bad bodies.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from scribe.api.errors import documented
from scribe.api.json_input import CheckedRoute
from scribe.api.nabla import schemas, workflow
from scribe.api.nabla.errors import NablaError
from scribe.auth.service import Principal
from scribe.dependencies import RuntimeDep, SessionDep, bearer_principal, note_audit_ids

BASE = "/v1/copilot-api/server"
_ERRORS = documented(NablaError, {400: "Invalid parameters", 401: "Missing or invalid server key"})
_LISTEN_ERRORS = documented(
    NablaError,
    {
        413: "File larger than allowed",
        415: "Not an audio/* file",
        422: "The transcript is too short to write a note from",
    },
)
# Transcript items are JSON: a body past SCRIBE_LIMITS__JSON_BODY_BYTES is a 413.
_BODY_TOO_LARGE = documented(NablaError, {413: "Request body larger than allowed"})
_DIGEST_ERRORS = {422: _LISTEN_ERRORS[422], **_BODY_TOO_LARGE}
_BINARY = {"type": "string", "format": "binary"}
_LISTEN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["request_parameters", "file"],
                    "properties": {
                        "request_parameters": {
                            "type": "string",
                            "description": "JSON: output_objects, language, note_template, ...",
                        },
                        "file": _BINARY,
                    },
                }
            }
        },
    }
}

PrincipalDep = Annotated[Principal, Depends(bearer_principal)]
router = APIRouter(route_class=CheckedRoute, tags=["Nabla Copilot"], responses=_ERRORS)


@router.post(f"{BASE}/listen_async", response_model=schemas.AsyncAccepted)
@router.post("/listen_async", response_model=schemas.AsyncAccepted, include_in_schema=False)
async def listen_async(
    body: schemas.ListenAsyncRequest,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    principal: PrincipalDep,
) -> schemas.AsyncAccepted:
    """Transcribe the audio at file_url and write a note; the result is POSTed to callback_url."""
    accepted = await workflow.submit_listen(session, runtime, principal, body)
    note_audit_ids(request, request_id=accepted.request_id)
    return accepted


@router.get(
    f"{BASE}/listen_async/{{request_id}}",
    response_model=schemas.RequestState,
    responses=documented(NablaError, {404: "Unknown request"}),
)
@router.get(
    "/listen_async/{request_id}", response_model=schemas.RequestState, include_in_schema=False
)
async def listen_async_status(
    request_id: str, session: SessionDep, principal: PrincipalDep
) -> dict[str, Any]:
    """Poll an async request: ongoing, succeeded or failed, with the callback body once done."""
    return await workflow.state(session, principal, request_id)


@router.post(
    f"{BASE}/listen",
    response_model=schemas.Payload,
    response_model_exclude_unset=True,
    responses=_LISTEN_ERRORS,
    openapi_extra=_LISTEN_BODY,
)
async def listen(
    request: Request, session: SessionDep, runtime: RuntimeDep, principal: PrincipalDep
) -> dict[str, Any]:
    """Transcribe an uploaded file (up to 10 minutes) and write a note, answered at once."""
    return await workflow.listen(session, runtime, principal, request)


@router.post(
    f"{BASE}/digest",
    response_model=schemas.DigestResult,
    response_model_exclude_unset=True,
    responses=_DIGEST_ERRORS,
)
async def digest(
    body: schemas.DigestRequest, session: SessionDep, runtime: RuntimeDep, principal: PrincipalDep
) -> dict[str, Any]:
    """Write a note from transcript items."""
    return await workflow.digest(session, runtime, principal, body)


@router.post(
    f"{BASE}/digest_async", response_model=schemas.AsyncAccepted, responses=_BODY_TOO_LARGE
)
async def digest_async(
    body: schemas.DigestAsyncRequest,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    principal: PrincipalDep,
) -> schemas.AsyncAccepted:
    """Write a note from transcript items; the result is POSTed to callback_url."""
    accepted = await workflow.submit_digest(session, runtime, principal, body)
    note_audit_ids(request, request_id=accepted.request_id)
    return accepted
