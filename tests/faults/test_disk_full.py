"""The disk filling up during an upload: a clean 507 in the dialect's shape, nothing half-kept.

A real `scribe serve` process runs with a file size limit (RLIMIT_FSIZE), so any file it writes
past the limit fails with EFBIG, exactly where a full disk fails with ENOSPC: in the middle of
the upload's write. The SQLite database stays well under the limit. Raising the limit again
(prlimit on the running process) plays the space coming back.
"""

from __future__ import annotations

import asyncio
import os
import resource
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from alembic import command

from scribe.cli import alembic_config
from tests.conftest import make_settings
from tests.faults.proxy import free_port

LIMIT_BYTES = 6 * 1024 * 1024
UPLOAD_BYTES = LIMIT_BYTES + 2 * 1024 * 1024
STARTUP_SECONDS = 180.0
AUDIO = Path(__file__).parents[1] / "data" / "audio"
API_KEY = "sk_test_disk_" + uuid.uuid4().hex
NABLA = "/v1/copilot-api/server"


@dataclass
class Server:
    popen: subprocess.Popen[bytes]
    url: str
    data_dir: Path
    log: Path

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def rows(self, table: str) -> int:
        with sqlite3.connect(self.data_dir / "scribe.db") as db:
            count: int = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            return count

    def blob_files(self) -> list[Path]:
        return [path for path in (self.data_dir / "blobs").rglob("*") if path.is_file()]

    def space_back(self) -> None:
        resource.prlimit(self.popen.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY,) * 2)


def _limited() -> None:
    # Python ignores SIGXFSZ itself; the soft limit alone can be raised again later.
    _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT_BYTES, hard))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("disk-full")
    database_url = f"sqlite:///{data_dir / 'scribe.db'}"
    command.upgrade(alembic_config(make_settings(database_url, data_dir)), "head")
    port = free_port()
    env = {
        **os.environ,
        "SCRIBE_DATABASE_URL": database_url,
        "SCRIBE_DATA_DIR": str(data_dir),
        "SCRIBE_BOOTSTRAP_API_KEY": API_KEY,
        "SCRIBE_TOKEN_SECRET": "disk-full-" + uuid.uuid4().hex,
    }
    log = data_dir.parent / f"{data_dir.name}.stderr"
    with log.open("wb") as stderr:
        popen = subprocess.Popen(
            [sys.executable, "-m", "scribe.cli", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            preexec_fn=_limited,
        )
    running = Server(popen, f"http://127.0.0.1:{port}", data_dir, log)
    try:
        yield running
    finally:
        popen.kill()
        popen.wait(timeout=30)


@pytest.fixture
async def client(server: Server) -> AsyncIterator[httpx.AsyncClient]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_SECONDS
    async with httpx.AsyncClient(
        base_url=server.url, timeout=60, headers={"Authorization": f"Bearer {API_KEY}"}
    ) as client:
        while True:
            assert server.popen.poll() is None, server.tail()
            try:
                if (await client.get("/readyz")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert loop.time() < deadline, server.tail()
            await asyncio.sleep(0.2)
        yield client


def _big_wav() -> bytes:
    return (AUDIO / "clip.mono.wav").read_bytes()[:44] + b"\0" * UPLOAD_BYTES


class TestDiskFull:
    async def test_uploads_fail_with_507_and_keep_nothing(
        self, server: Server, client: httpx.AsyncClient
    ) -> None:
        interaction = await client.post(
            "/v2/interactions/",
            json={
                "encounter": {
                    "identifier": "e",
                    "status": "planned",
                    "type": "first_consultation",
                    "period": {"startedAt": "2026-11-21T09:00:00Z"},
                }
            },
        )
        assert interaction.status_code == 201, interaction.text
        interaction_id = interaction.json()["interactionId"]

        corti = await client.post(
            f"/v2/interactions/{interaction_id}/recordings/",
            content=_big_wav(),
            headers={"Content-Type": "application/octet-stream"},
        )
        assert corti.status_code == 507, corti.text
        body = corti.json()
        assert set(body) == {"requestid", "type", "status", "title", "detail"}
        assert body["status"] == 507

        nabla = await client.post(
            f"{NABLA}/listen",
            data={
                "request_parameters": '{"output_objects": ["transcript_item"], "language": "en-US"}'
            },
            files={"file": ("visit.wav", _big_wav(), "audio/wav")},
        )
        assert nabla.status_code == 507, nabla.text
        assert nabla.json() == {"code": 507, "message": nabla.json()["message"]}

        clinia = await client.post(
            "/ai/v1/ingest",
            data={"patientId": "p-disk"},
            files={"file": ("r.pdf", b"%PDF-1.4\n" + b"\0" * UPLOAD_BYTES, "application/pdf")},
            headers={"X-Clinia-API-Key": API_KEY},
        )
        assert clinia.status_code == 507, clinia.text
        assert clinia.json()["code"] == "insufficient_storage"

        # Nothing half-kept: no row, no file (not even a temporary one), no orphan in the data dir.
        assert server.rows("recording") == 0
        assert server.rows("patient_document") == 0
        assert server.blob_files() == []
        assert server.popen.poll() is None

    async def test_the_server_serves_again_once_space_is_back(
        self, server: Server, client: httpx.AsyncClient
    ) -> None:
        server.space_back()
        interaction = await client.post(
            "/v2/interactions/",
            json={
                "encounter": {
                    "identifier": "e2",
                    "status": "planned",
                    "type": "first_consultation",
                    "period": {"startedAt": "2026-11-21T09:00:00Z"},
                }
            },
        )
        assert interaction.status_code == 201, interaction.text
        uploaded = await client.post(
            f"/v2/interactions/{interaction.json()['interactionId']}/recordings/",
            content=(AUDIO / "clip.mono.wav").read_bytes(),
            headers={"Content-Type": "application/octet-stream"},
        )
        assert uploaded.status_code == 201, uploaded.text
        assert server.rows("recording") == 1
        assert len(server.blob_files()) == 1
