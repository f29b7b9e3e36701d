"""Every table, imported in one place for Alembic and the test database."""

from scribe.async_requests.models import AsyncRequest
from scribe.auth.models import ApiCredential, AuditRecord, Tenant
from scribe.encounters.models import Encounter
from scribe.facts.models import Fact
from scribe.jobs.models import Job
from scribe.notes.models import Note, NoteSection
from scribe.patients.models import IngestionRun, Patient, PatientDocument, RecordItem
from scribe.recordings.models import Recording
from scribe.summaries.models import Summary
from scribe.templates.models import TemplateRef
from scribe.threads.models import Message, Run, Thread
from scribe.transcripts.models import Transcript, TranscriptSegment
from scribe.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSecret

__all__ = [
    "ApiCredential",
    "AsyncRequest",
    "AuditRecord",
    "Encounter",
    "Fact",
    "IngestionRun",
    "Job",
    "Message",
    "Note",
    "NoteSection",
    "Patient",
    "PatientDocument",
    "RecordItem",
    "Recording",
    "Run",
    "Summary",
    "TemplateRef",
    "Tenant",
    "Thread",
    "Transcript",
    "TranscriptSegment",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSecret",
]
