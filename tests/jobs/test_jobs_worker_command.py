"""`scribe worker` is a separate process that runs jobs queued by an API that runs none."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from scribe.config import Settings
from scribe.main import create_app
from scribe.runtime import Runtime
from tests.conftest import make_settings, new_key
from tests.jobs.test_jobs_restart import join, queue_extraction


# scribe worker serves the PostgreSQL queue; on SQLite the API runs jobs itself.
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_worker_process_runs_queued_jobs(
    settings: Settings, runtime: Runtime, tmp_path: Path
) -> None:
    assert settings.database_url is not None
    queue = f"worker-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "SCRIBE_DATABASE_URL": settings.database_url,
        "SCRIBE_DATA_DIR": str(tmp_path),
        "SCRIBE_JOBS__QUEUE_NAME": queue,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "scribe.cli", "worker", "--concurrency", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        key = (await new_key(runtime)).api_key
        api = create_app(
            make_settings(settings.database_url, tmp_path, queue_name=queue), run_jobs=False
        )
        async with api.router.lifespan_context(api):
            thread, run = await queue_extraction(api, key)
            response = await join(api, key, thread, run)
        assert response.json()["status"] == "completed"
    finally:
        worker.send_signal(signal.SIGTERM)
        _, stderr = worker.communicate(timeout=30)
    assert worker.returncode == 0, stderr.decode()[-2000:]
    assert b"clinical" not in stderr.lower()


def test_worker_refuses_sqlite(tmp_path: Path) -> None:
    env = {**os.environ, "SCRIBE_DATA_DIR": str(tmp_path)}
    env.pop("SCRIBE_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "scribe.cli", "worker"], env=env, capture_output=True, timeout=60
    )
    assert result.returncode == 2
    assert b"PostgreSQL" in result.stderr
