"""A cluster of real processes on this machine: `scribe serve` and `scribe worker` subprocesses
sharing one fresh PostgreSQL database (migrated once by `scribe migrate`) and one data dir.

Each test gets its own queue and data dir; every process it started is killed at teardown, and
the tail of each one's stderr is printed (pytest shows it when the test failed).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scribe.auth import service as auth_service
from scribe.db import create_engine, create_sessionmaker
from tests.conftest import create_postgres_database, drop_postgres_database

STARTUP_SECONDS = 300.0  # a deadline: a loaded 2-core box takes minutes to import four processes
TOKEN_SECRET = "multiprocess-" + uuid.uuid4().hex


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def asyncpg_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+asyncpg://", 1)


@dataclass
class Process:
    """One subprocess, its stderr in a file (a pipe nobody reads would fill up and block it)."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=30)

    def tail(self, chars: int = 3000) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.name} (exit {self.popen.poll()}) ---\n{text[-chars:]}"


@dataclass
class Cluster:
    database_url: str
    data_dir: Path
    env: dict[str, str]
    api_key: str
    client_id: str
    tenant: str
    processes: list[Process] = field(default_factory=list)

    def start(self, name: str, *args: str, port: int | None = None) -> Process:
        log = self.data_dir / f"{name}.stderr"
        with log.open("wb") as stderr:
            popen = subprocess.Popen(
                [sys.executable, "-m", "scribe.cli", *args],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        process = Process(name, popen, log, port)
        self.processes.append(process)
        return process

    def serve(self, name: str) -> Process:
        port = free_port()
        return self.start(name, "serve", "--port", str(port), port=port)

    def worker(self, name: str, *, concurrency: int = 2) -> Process:
        port = free_port()
        args = ("worker", "--concurrency", str(concurrency), "--metrics-port", str(port))
        return self.start(name, *args, port=port)

    async def ready(self, *processes: Process) -> None:
        """Wait until each server answers /readyz and each worker /metrics."""
        await asyncio.gather(*(self._ready(process) for process in processes))

    async def _ready(self, process: Process) -> None:
        path = "/metrics" if process.name.startswith("worker") else "/readyz"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STARTUP_SECONDS
        async with httpx.AsyncClient(base_url=process.url, timeout=5) as client:
            while loop.time() < deadline:
                assert process.alive(), process.tail()
                try:
                    if (await client.get(path)).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise AssertionError(f"{process.name} not ready\n{process.tail()}")

    def tails(self) -> str:
        return "\n".join(process.tail() for process in self.processes)


async def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """A process's /metrics as {(sample name, sorted labels): value}."""
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(f"{url}/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def total(
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    """The sum of a metric's samples whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(
        value for (sample, got), value in samples.items() if sample == name and wanted <= set(got)
    )


@pytest.fixture(scope="package")
def database() -> Iterator[str]:
    """A fresh PostgreSQL database, migrated once by `scribe migrate` before any server starts."""
    url = create_postgres_database()
    try:
        migrate = subprocess.run(
            [sys.executable, "-m", "scribe.cli", "migrate"],
            env={**os.environ, "SCRIBE_DATABASE_URL": url},
            capture_output=True,
            timeout=120,
        )
        assert migrate.returncode == 0, migrate.stderr.decode()[-3000:]
        yield url
    finally:
        drop_postgres_database(url)


@pytest.fixture
async def sessions(database: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the cluster's database, for the test to look at what the processes did."""
    engine = create_engine(asyncpg_url(database))
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def cluster(
    database: str, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> AsyncIterator[Cluster]:
    tenant = f"mp-{uuid.uuid4().hex[:10]}"
    async with sessions() as session:
        issued = await auth_service.create_key(session, tenant)
        await session.commit()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SCRIBE_")},
        "SCRIBE_DATABASE_URL": database,
        "SCRIBE_DATA_DIR": str(tmp_path),
        "SCRIBE_TOKEN_SECRET": TOKEN_SECRET,  # Corti tokens from one API are good at the other
        "SCRIBE_LOG_JSON": "true",
        "SCRIBE_JOBS__QUEUE_NAME": f"mp-{uuid.uuid4().hex[:8]}",
        "SCRIBE_JOBS__HEARTBEAT_SECONDS": "0.5",
        "SCRIBE_JOBS__STALE_AFTER_SECONDS": "15",
        "SCRIBE_JOBS__RECOVERY_INTERVAL_SECONDS": "1",
        "SCRIBE_OUTBOUND_ALLOWED_HOSTS": "127.0.0.1",
        "SCRIBE_WEBHOOKS__FIRST_RETRY_SECONDS": "0.2",
        # Two workers on two cores: one recogniser thread each.
        "SCRIBE_ASR__CPU_THREADS": "1",
    }
    built = Cluster(database, tmp_path, env, issued.api_key, issued.client_id, tenant)
    try:
        yield built
    finally:
        for process in built.processes:
            process.kill()
        print(built.tails())  # noqa: T201  (pytest shows it when the test failed)
