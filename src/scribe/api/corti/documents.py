"""Corti documents: generate a document for an interaction from context, list, read, edit.

A document is a core note of the interaction's encounter, so other dialects read it too.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from scribe.api.corti.auth import PrincipalDep
from scribe.api.corti.dependencies import InteractionDep, valid_uuid
from scribe.api.corti.routing import route
from scribe.api.corti.schemas_documents import (
    Document,
    DocumentCreate,
    DocumentList,
    DocumentUpdate,
)
from scribe.api.json_input import CheckedRoute
from scribe.dependencies import RuntimeDep, SessionDep
from scribe.notes import evidence as note_evidence
from scribe.notes import service as note_service
from scribe.notes.models import Note

router = APIRouter(route_class=CheckedRoute)
# Documents are written from Corti's template catalogue (keys, aliases, section keys).
FAMILY = "corti"
DocumentId = Annotated[str, Path(alias="documentId")]


@route(router, "GET", "/interactions/{id}/documents/", response_model=DocumentList)
async def list_documents(session: SessionDep, interaction: InteractionDep) -> DocumentList:
    """List the interaction's documents, oldest first."""
    notes = await note_service.list_documents(session, interaction.tenant_id, interaction.id)
    evidence = await note_evidence.for_notes(session, interaction.tenant_id, notes)
    return DocumentList(data=[Document.of(note, evidence[note.id]) for note in notes])


@route(router, "POST", "/interactions/{id}/documents/", status_code=201, response_model=Document)
async def create_document(
    body: DocumentCreate,
    session: SessionDep,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    interaction: InteractionDep,
) -> Document:
    """Generate a document from context with a template key or a dynamic template."""
    request = body.request(principal.actor or principal.client_id)
    note = await note_service.write_document(
        session, runtime.text, interaction.tenant_id, interaction.id, request, family=FAMILY
    )
    return await _view(session, note)


@route(router, "GET", "/interactions/{id}/documents/{documentId}", response_model=Document)
async def get_document(
    session: SessionDep, interaction: InteractionDep, document_id: DocumentId
) -> Document:
    """Get one document of the interaction, with the context behind each sentence."""
    note = await _document(session, interaction.tenant_id, interaction.id, document_id)
    return await _view(session, note)


@route(router, "PATCH", "/interactions/{id}/documents/{documentId}", response_model=Document)
async def update_document(
    body: DocumentUpdate, session: SessionDep, interaction: InteractionDep, document_id: DocumentId
) -> Document:
    """Rename the document or change its sections (an unknown section key adds the section)."""
    note = await _document(session, interaction.tenant_id, interaction.id, document_id)
    edits = [section.edit() for section in body.sections or ()]
    note = await note_service.edit_document(
        session, note, title=body.name, sections=edits, family=FAMILY
    )
    return await _view(session, note)


@route(router, "DELETE", "/interactions/{id}/documents/{documentId}", status_code=204)
async def delete_document(
    session: SessionDep, interaction: InteractionDep, document_id: DocumentId
) -> Response:
    """Delete a document."""
    note = await _document(session, interaction.tenant_id, interaction.id, document_id)
    await note_service.delete_document(session, note)
    return Response(status_code=204)


async def _document(session: SessionDep, tenant_id: str, encounter_id: str, raw_id: str) -> Note:
    document_id = valid_uuid(raw_id, "Document id")
    return await note_service.get_document(session, tenant_id, encounter_id, document_id)


async def _view(session: SessionDep, note: Note) -> Document:
    return Document.of(note, await note_evidence.for_note(session, note.tenant_id, note))
