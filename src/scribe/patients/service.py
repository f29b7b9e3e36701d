"""Patient records: ingest a FHIR bundle (replaces) or a document (adds), read the record back.

An ingestion is a run row plus a job: the request checks and stores the input, the job turns it
into record items (or page text) and marks the run ``success`` or ``failed`` with the reason.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import anyio
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from scribe.auth.service import Principal
from scribe.clinical import fhir
from scribe.clinical.summary import SourceItem, SourceKind
from scribe.errors import BadRequestError, NotFoundError, UnprocessableError
from scribe.jobs import service as job_service
from scribe.patients import documents
from scribe.patients.ids import new_ulid
from scribe.patients.models import (
    FAILED,
    RUNNING,
    SUCCESS,
    IngestionRun,
    Patient,
    PatientDocument,
    RecordItem,
)
from scribe.storage import BlobStore, StoredBlob
from scribe.tenancy import get_owned

INGEST = "clinia_ingest"
BUNDLE = "bundle"
DOCUMENT = "document"
_NO_OCR = "No text was extracted: TIFF pages are images and no OCR engine is configured"


class InvalidBundleError(BadRequestError):
    """An uploaded bundle that is not valid FHIR (the message names the first problem's path)."""

    code = "invalid_bundle"


class UnreadableBundleError(UnprocessableError):
    """A stored bundle that no longer parses when its run is processed (a damaged blob).

    It fails the ingestion run with its message; it is no server fault, so never a 5xx.
    """

    code = "invalid_bundle"


@dataclass(frozen=True, slots=True)
class StoredDocument:
    document_id: str
    blob: StoredBlob
    content_type: str
    filename: str | None


async def validate_bundle(payload: object) -> dict[str, object]:
    """The bundle if it is valid FHIR, else a 400 naming the first problem's path."""
    try:
        return await anyio.to_thread.run_sync(fhir.validate_bundle, payload)
    except fhir.BundleError as exc:
        raise InvalidBundleError(str(exc)) from None


async def ingest_bundle(
    session: AsyncSession,
    blobs: BlobStore,
    principal: Principal,
    patient_key: str,
    bundle: dict[str, object],
) -> IngestionRun:
    """Store a validated bundle and queue the run that replaces the patient's items with it."""
    run_id = new_ulid("run")
    key = f"{principal.tenant_id}/clinia/bundles/{run_id}.json"
    body = json.dumps(bundle).encode()
    await blobs.save(key, _single(body), max_bytes=len(body) + 1)
    patient = await get_or_create(session, principal.tenant_id, patient_key)
    return _start(session, principal, patient, run_id, BUNDLE, key)


async def store_document(
    blobs: BlobStore,
    tenant_id: str,
    chunks: AsyncIterator[bytes],
    content_type: str,
    *,
    filename: str | None,
    max_bytes: int,
) -> StoredDocument:
    """Stream an upload into storage, refusing it at once if its first bytes belie its type."""
    document_id = new_ulid("doc")
    key = f"{tenant_id}/clinia/documents/{document_id}"
    blob = await blobs.save(key, _sniffed(chunks, content_type), max_bytes=max_bytes)
    return StoredDocument(document_id, blob, content_type, filename)


async def ingest_document(
    session: AsyncSession, principal: Principal, patient_key: str, stored: StoredDocument
) -> IngestionRun:
    """Add a stored document to the patient's record and queue its text extraction."""
    patient = await get_or_create(session, principal.tenant_id, patient_key)
    session.add(
        PatientDocument(
            id=stored.document_id,
            tenant_id=principal.tenant_id,
            patient_id=patient.id,
            blob_key=stored.blob.key,
            filename=stored.filename,
            content_type=stored.content_type,
            size_bytes=stored.blob.size_bytes,
            sha256=stored.blob.sha256,
        )
    )
    await session.flush()
    run = _start(session, principal, patient, new_ulid("run"), DOCUMENT, stored.blob.key)
    run.document_id = stored.document_id
    return run


def _start(
    session: AsyncSession,
    principal: Principal,
    patient: Patient,
    run_id: str,
    kind: str,
    blob_key: str,
) -> IngestionRun:
    run = IngestionRun(
        id=run_id,
        tenant_id=principal.tenant_id,
        patient_id=patient.id,
        kind=kind,
        status=RUNNING,
        current_step="queued",
        blob_key=blob_key,
        created_by=principal.actor,
    )
    session.add(run)
    job_service.create_job(
        session,
        tenant_id=principal.tenant_id,
        kind=INGEST,
        payload={"run_id": run_id, "actor": principal.actor, "resource_ids": {"run_id": run_id}},
    )
    return run


async def get_or_create(session: AsyncSession, tenant_id: str, patient_key: str) -> Patient:
    patient = await find_patient(session, tenant_id, patient_key)
    if patient is not None:
        return patient
    patient = Patient(tenant_id=tenant_id, patient_key=patient_key)
    try:
        # A savepoint: a request creating the same patient at the same moment wins the unique
        # key, and this one carries on with that patient instead of failing.
        async with session.begin_nested():
            session.add(patient)
            await session.flush()
    except IntegrityError:
        winner = await find_patient(session, tenant_id, patient_key)
        if winner is None:
            raise
        return winner
    return patient


async def find_patient(session: AsyncSession, tenant_id: str, patient_key: str) -> Patient | None:
    query = select(Patient).where(
        Patient.tenant_id == tenant_id, Patient.patient_key == patient_key
    )
    return await session.scalar(query)


async def get_run(session: AsyncSession, tenant_id: str, run_id: str) -> IngestionRun:
    missing = NotFoundError("Ingestion run not found")
    return await get_owned(session, IngestionRun, tenant_id, run_id, missing)


async def apply_bundle(session: AsyncSession, blobs: BlobStore, run: IngestionRun) -> None:
    """Replace the patient's items with the bundle's, unless a newer bundle got there first."""
    raw = await anyio.Path(blobs.path(run.blob_key)).read_bytes()
    extract = await anyio.to_thread.run_sync(_extract_bundle, raw)
    # Locks the patient row on PostgreSQL, so two bundle runs replace the items one at a time.
    patient = await session.scalar(
        select(Patient).where(Patient.id == run.patient_id).with_for_update()
    )
    assert patient is not None  # the run's foreign key cascades
    superseded = patient.bundle_run_id is not None and patient.bundle_run_id > run.id
    if not superseded:
        await _replace_items(session, patient, run.id, extract.items)
    run.status, run.current_step = SUCCESS, "completed"
    run.page_count, run.resource_count = 0, extract.resources
    run.item_count, run.ignored_resource_count = len(extract.items), extract.ignored
    run.superseded = superseded
    await session.flush()


def _extract_bundle(raw: bytes) -> fhir.RecordExtract:
    try:
        return fhir.record_items(fhir.validate_bundle(json.loads(raw)))
    except (fhir.BundleError, ValueError) as exc:  # checked at upload; only a damaged blob
        raise UnreadableBundleError(str(exc)) from None


async def _replace_items(
    session: AsyncSession, patient: Patient, run_id: str, items: Sequence[SourceItem]
) -> None:
    await session.execute(delete(RecordItem).where(RecordItem.patient_id == patient.id))
    session.add_all(
        RecordItem(
            patient_id=patient.id,
            position=position,
            kind=item.kind,
            text=item.text,
            date=item.date,
            category=item.category,
            source=item.id[:256],
        )
        for position, item in enumerate(items)
    )
    patient.bundle_run_id = run_id
    await session.flush()


async def apply_document(session: AsyncSession, blobs: BlobStore, run: IngestionRun) -> None:
    """Read the document's pages (text for a PDF; a count only for a TIFF)."""
    document = await session.get_one(PatientDocument, run.document_id)
    path = blobs.path(document.blob_key)
    extracted = await anyio.to_thread.run_sync(documents.extract, path, document.content_type)
    document.pages = list(extracted.pages)
    document.page_count = extracted.page_count
    document.extracted = True
    has_text = any(extracted.pages)
    run.status, run.current_step = SUCCESS, "completed"
    run.page_count, run.text_extracted = extracted.page_count, has_text
    if document.content_type == documents.TIFF:
        run.notice = _NO_OCR
    await session.flush()


def mark_failed(run: IngestionRun, message: str) -> None:
    run.status, run.current_step, run.error = FAILED, "failed", message


async def record_of(
    session: AsyncSession, tenant_id: str, patient_key: str
) -> list[SourceItem] | None:
    """The patient's record items (bundle items, then documents' text); None: no such patient."""
    patient = await find_patient(session, tenant_id, patient_key)
    if patient is None:
        return None
    rows = await session.scalars(
        select(RecordItem).where(RecordItem.patient_id == patient.id).order_by(RecordItem.position)
    )
    items = [_source_item(row) for row in rows]
    docs = await session.scalars(
        select(PatientDocument)
        .where(PatientDocument.patient_id == patient.id, PatientDocument.extracted.is_(True))
        .order_by(PatientDocument.created_at)
    )
    items += [_document_item(doc) for doc in docs if any(doc.pages)]
    return items


def _source_item(row: RecordItem) -> SourceItem:
    kind: SourceKind = row.kind  # type: ignore[assignment]  # written from a SourceKind
    return SourceItem(row.source, kind, row.text, row.date, row.category)


def _document_item(doc: PatientDocument) -> SourceItem:
    text = "\n".join(page for page in doc.pages if page)
    return SourceItem(f"document/{doc.id}", "document", text, doc.created_at.date().isoformat())


async def _single(body: bytes) -> AsyncIterator[bytes]:
    yield body


async def _sniffed(chunks: AsyncIterator[bytes], content_type: str) -> AsyncIterator[bytes]:
    head = b""
    async for chunk in chunks:
        if len(head) < 8:
            head += chunk[:8]
            if len(head) >= 8:
                documents.check_magic(content_type, head)
        yield chunk
    if 0 < len(head) < 8:  # an empty file is refused by the store, as empty
        documents.check_magic(content_type, head)
