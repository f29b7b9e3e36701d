"""The core job registry knows no dialect; the dialects' async jobs register from the API layer."""

from __future__ import annotations

import subprocess
import sys

_CHECK = """
import sys
import scribe.tasks
from scribe.jobs import runner
core = set(runner.REGISTRY.handlers)
assert not [m for m in sys.modules if m.startswith("scribe.api")], "the core imported a dialect"
import scribe.api.jobs
print(sorted(core), sorted(set(runner.REGISTRY.handlers) - core))
"""


def test_core_jobs_import_no_dialect_and_the_api_adds_nablas() -> None:
    # A fresh interpreter: this test process has long since imported every dialect.
    done = subprocess.run(
        [sys.executable, "-c", _CHECK], capture_output=True, text=True, check=True, timeout=300
    )
    core, added = done.stdout.strip().split("] [")
    assert "'transcribe'" in core
    assert added.rstrip("]") == "'nabla_digest', 'nabla_listen'"
