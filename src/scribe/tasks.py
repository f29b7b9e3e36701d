"""Every job handler, registered by importing its module (API and worker both import this)."""

from scribe.threads import tasks as thread_tasks
from scribe.transcripts import tasks as transcript_tasks
from scribe.webhooks import tasks as webhook_tasks

__all__ = ["thread_tasks", "transcript_tasks", "webhook_tasks"]
