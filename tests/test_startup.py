"""`scribe serve` started the way users start it, on a never-migrated database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import create_postgres_database, drop_postgres_database
from tests.multiprocess.conftest import free_port


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SCRIBE_")}
    return {**base, "SCRIBE_DATA_DIR": str(data_dir), **extra}


def _serves(env: dict[str, str]) -> None:
    port = free_port()
    command = [sys.executable, "-m", "scribe.cli", "serve", "--port", str(port)]
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE) as process:
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                assert process.poll() is None, process.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                        return
                except httpx.TransportError:
                    time.sleep(0.3)
            raise AssertionError("scribe serve never became ready")
        finally:
            process.kill()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)


def test_sqlite_data_dir_never_migrated_is_migrated_at_start(tmp_path: Path) -> None:
    _serves(_env(tmp_path / "fresh"))


def test_postgres_never_migrated_exits_with_one_line(tmp_path: Path, postgres_url: str) -> None:
    command = [sys.executable, "-m", "scribe.cli", "serve", "--port", str(free_port())]
    done = subprocess.run(
        command,
        env=_env(tmp_path, SCRIBE_DATABASE_URL=postgres_url),
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 2
    # Besides the (JSON) log records, one plain line for the person starting it.
    lines = [line for line in done.stderr.decode().splitlines() if not line.startswith("{")]
    assert len(lines) == 1, lines
    assert "revision none" in lines[0]
    assert "scribe migrate" in lines[0]
    assert "Traceback" not in done.stderr.decode()


def test_postgres_auto_migrate_migrates_at_start(tmp_path: Path, postgres_url: str) -> None:
    _serves(_env(tmp_path, SCRIBE_DATABASE_URL=postgres_url, SCRIBE_AUTO_MIGRATE="true"))
