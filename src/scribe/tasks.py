"""Every core job handler, registered by importing its module (API and worker both import this).

The dialects' async jobs are registered by ``scribe.api.jobs`` (the core imports no dialect).
"""

from scribe.patients import tasks as patient_tasks
from scribe.threads import tasks as thread_tasks
from scribe.transcripts import tasks as transcript_tasks
from scribe.webhooks import tasks as webhook_tasks

__all__ = ["patient_tasks", "thread_tasks", "transcript_tasks", "webhook_tasks"]
