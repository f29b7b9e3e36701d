"""Data at rest: what the server makes is its user's alone (0700 directories, 0600 files)."""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from scribe.cli import alembic_config
from scribe.config import Settings
from scribe.main import create_app
from scribe.private import secure_data_dir
from scribe.schema import ensure_schema
from tests.conftest import client_for

AUDIO = Path(__file__).parent / "data" / "audio" / "clip.mono.wav"
ENCOUNTER = {"identifier": "enc-1", "status": "planned", "type": "first_consultation"}


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """A host's usual umask (022): what the server makes must be private regardless."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def modes(root: Path) -> dict[str, str]:
    """Every path under root (and root itself) with its permission bits, in octal."""
    found = {".": oct(stat.S_IMODE(root.stat().st_mode))}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = oct(stat.S_IMODE(path.lstat().st_mode))
    return found


def private(path: Path) -> str:
    return "0o700" if path.is_dir() else "0o600"


async def upload(settings: Settings, key: str | None = None) -> dict[str, str]:
    """Start as `scribe serve` does, upload a recording (with the dev key if none given).

    The modes under the data dir are taken while the server still runs (SQLite's -wal and -shm
    files go when it stops).
    """
    await asyncio.to_thread(ensure_schema, settings, alembic_config(settings))
    app = create_app(settings, run_jobs=False)
    async with app.router.lifespan_context(app):
        key = key or (settings.data_dir / "dev-api-key").read_text().strip()
        async with client_for(app, key) as client:
            created = await client.post("/v2/interactions/", json={"encounter": ENCOUNTER})
            assert created.status_code == 201, created.text
            interaction = created.json()["interactionId"]
            upload = await client.post(
                f"/v2/interactions/{interaction}/recordings/",
                content=AUDIO.read_bytes(),
                headers={"Content-Type": "application/octet-stream"},
            )
            assert upload.status_code == 201, upload.text
        return modes(settings.data_dir)


@pytest.mark.usefixtures("loose_umask")
class TestPrivateDataDir:
    async def test_a_fresh_sqlite_install_is_private(self, tmp_path: Path) -> None:
        data = tmp_path / "data"
        settings = Settings(data_dir=data, log_json=True)

        found = await upload(settings)

        assert {
            "scribe.db",
            "scribe.db-wal",
            "scribe.db-shm",
            "dev-api-key",
            "token-secret",
        } <= set(found)
        assert any(name.startswith("blobs/") and name.count("/") >= 2 for name in found)
        assert found == {name: private(data / name) for name in found}

    async def test_a_database_left_readable_is_tightened_with_its_wal(self, tmp_path: Path) -> None:
        data = tmp_path / "data"
        data.mkdir(mode=0o755)
        for name in ("scribe.db", "scribe.db-wal", "scribe.db-shm", "old-export.csv"):
            (data / name).write_bytes(b"")
            (data / name).chmod(0o644)
        (data / "blobs").mkdir(mode=0o755)

        secure_data_dir(data, Settings(data_dir=data).sqlalchemy_url)

        assert modes(data) == {
            ".": "0o700",
            "scribe.db": "0o600",
            "scribe.db-wal": "0o600",
            "scribe.db-shm": "0o600",
            "old-export.csv": "0o600",
            "blobs": "0o700",
        }

    async def test_blobs_and_secrets_are_private_on_either_database(
        self, settings: Settings, tmp_path: Path
    ) -> None:
        data = tmp_path / "data"
        fresh = settings.model_copy(update={"data_dir": data})
        assert fresh.bootstrap_api_key is not None

        found = await upload(fresh, fresh.bootstrap_api_key.get_secret_value())

        assert "token-secret" in found
        assert any(name.startswith("blobs/") and name.count("/") >= 2 for name in found)
        assert found == {name: private(data / name) for name in found}
