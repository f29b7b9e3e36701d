"""Blob storage for audio: a directory every API and worker node can read (a shared volume).

Writes are streamed chunk by chunk into a temporary file and renamed into place once complete,
so a reader never sees half an upload and an aborted upload leaves nothing behind::

    store = BlobStore(settings.data_dir / "blobs")
    blob = await store.save("tenant/recording-id", request.stream(), max_bytes=150 * 2**20)
    store.path(blob.key)  # a local path PyAV and the ASR provider can open
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import shutil
import uuid
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import anyio
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from scribe.errors import BadRequestError, InsufficientStorageError, PayloadTooLargeError

logger = logging.getLogger(__name__)

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")
CHUNK_BYTES = 256 * 1024
# A write refused for lack of room: the disk, a quota, or the process's file size limit.
_NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


@dataclass(frozen=True, slots=True)
class StoredBlob:
    key: str
    size_bytes: int
    sha256: str


class BlobTooLargeError(PayloadTooLargeError):
    code = "file_too_large"


class EmptyBlobError(BadRequestError):
    code = "empty_file"


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        """Where a blob lives on disk (keys are relative and never climb out of the root)."""
        if not _KEY.match(key) or ".." in key.split("/"):
            raise ValueError(f"invalid blob key {key!r}")
        return self.root / key

    async def save(self, key: str, chunks: AsyncIterable[bytes], *, max_bytes: int) -> StoredBlob:
        """Stream chunks to the blob; over ``max_bytes`` or empty, nothing is kept."""
        target = self.path(key)
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
        try:
            await anyio.Path(target.parent).mkdir(parents=True, exist_ok=True)
            size, digest = await _write(partial, chunks, max_bytes)
            if size == 0:
                raise EmptyBlobError("The file is empty")
            await anyio.to_thread.run_sync(os.replace, partial, target)
        except OSError as exc:
            if exc.errno not in _NO_ROOM:
                raise
            logger.error("blob storage full", extra={"errno": errno.errorcode[exc.errno]})
            raise InsufficientStorageError("Not enough storage space for the file") from exc
        finally:
            await anyio.Path(partial).unlink(missing_ok=True)
        return StoredBlob(key=key, size_bytes=size, sha256=digest)

    async def read(self, key: str) -> AsyncIterator[bytes]:
        """The blob's bytes, chunk by chunk."""
        async with await anyio.open_file(self.path(key), "rb") as handle:
            while chunk := await handle.read(CHUNK_BYTES):
                yield chunk

    async def delete(self, key: str) -> None:
        await anyio.Path(self.path(key)).unlink(missing_ok=True)


async def _write(path: Path, chunks: AsyncIterable[bytes], max_bytes: int) -> tuple[int, str]:
    size, digest = 0, hashlib.sha256()
    async with await anyio.open_file(path, "wb") as handle:
        async for chunk in chunks:
            size += len(chunk)
            if size > max_bytes:
                raise BlobTooLargeError(
                    f"The file is larger than the {max_bytes // (1024 * 1024)} MB limit",
                    limit_bytes=max_bytes,
                )
            digest.update(chunk)
            await handle.write(chunk)
    return size, digest.hexdigest()


def delete_after_commit(
    session: AsyncSession, blobs: BlobStore, *keys: str, folder: str | None = None
) -> None:
    """Unlink blobs (and a folder of them) when, and only if, the transaction commits."""
    paths = [blobs.path(key) for key in keys]
    tree = blobs.path(folder) if folder is not None else None
    if not paths and tree is None:
        return

    def unlink(_: Session) -> None:
        for path in paths:
            path.unlink(missing_ok=True)
        if tree is not None:
            shutil.rmtree(tree, ignore_errors=True)

    event.listen(session.sync_session, "after_commit", unlink, once=True)
