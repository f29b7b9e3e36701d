"""Data at rest readable by scribe's own user only: 0700 directories, 0600 files.

Every scribe process that may write to the data directory calls ``secure_data_dir`` first: it
sets the process umask to 077 (so every file and directory made afterwards, by us, by SQLite or
by PyAV, is private), makes the data directory 0700, and tightens what an older version left
readable there: the directory's own entries and the SQLite database with its -wal and -shm
files (SQLite gives those the database file's mode, so a 0600 database keeps them 0600).

Files deeper down keep their mode, but nobody else can reach them through a 0700 directory.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

UMASK = 0o077
DIRECTORY_MODE = 0o700
FILE_MODE = 0o600


def secure_data_dir(data_dir: Path, database_url: str | None = None) -> None:
    """Make the data directory (and a SQLite database, wherever it is) private."""
    os.umask(UMASK)
    data_dir.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
    _tighten(data_dir)
    for entry in data_dir.iterdir():
        _tighten(entry)
    database = _sqlite_path(database_url)
    if database is not None:
        if not database.exists():
            database.parent.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
            # Empty is a valid new database; made here so SQLite never makes it 0644.
            os.close(os.open(database, os.O_WRONLY | os.O_CREAT, FILE_MODE))
        for path in (database, *(database.with_name(database.name + s) for s in ("-wal", "-shm"))):
            _tighten(path)


def _sqlite_path(database_url: str | None) -> Path | None:
    if not database_url:
        return None
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _tighten(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError, PermissionError):
        mode = path.lstat().st_mode
        if stat.S_ISDIR(mode):
            path.chmod(DIRECTORY_MODE)
        elif stat.S_ISREG(mode):
            path.chmod(FILE_MODE)


def generated_secret(path: Path, make: Callable[[], str]) -> str:
    """A secret kept in ``path`` (mode 0600), made by ``make`` the first time any process asks.

    Replicas sharing the data volume race safely: each writes a draft and links it into place;
    the one that loses reads the winner's.
    """
    if not path.exists():
        path.parent.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
        # Unique per process: replicas in containers all run as pid 1 on the shared volume.
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
        try:
            os.link(draft, path)  # atomic: a process that lost the race uses the winner's
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
