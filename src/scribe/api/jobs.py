"""The dialects' async jobs: importing this registers how each dialect answers by callback.

The core job registry (``scribe.tasks``) knows no dialect; the app and the worker, which serve
the dialects, import this too.
"""

from scribe.api.nabla import answers as nabla_answers

__all__ = ["nabla_answers"]
