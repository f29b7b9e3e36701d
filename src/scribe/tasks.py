"""Every job handler, registered by importing its module (API and worker both import this)."""

from scribe.api.nabla import tasks as nabla_tasks
from scribe.patients import tasks as patient_tasks
from scribe.threads import tasks as thread_tasks
from scribe.transcripts import tasks as transcript_tasks
from scribe.webhooks import tasks as webhook_tasks

__all__ = ["nabla_tasks", "patient_tasks", "thread_tasks", "transcript_tasks", "webhook_tasks"]
