"""Blob storage: streamed writes, limits, atomic placement, and keys that stay inside the root."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from scribe.storage import BlobStore, BlobTooLargeError, EmptyBlobError


async def _chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


class TestSave:
    async def test_chunks_are_joined_and_hashed(self, tmp_path: Path) -> None:
        store = BlobStore(tmp_path)
        blob = await store.save("t1/rec", _chunks(b"abc", b"def"), max_bytes=100)
        assert store.path("t1/rec").read_bytes() == b"abcdef"
        assert blob.size_bytes == 6
        assert blob.sha256 == hashlib.sha256(b"abcdef").hexdigest()

    async def test_over_the_limit_keeps_nothing(self, tmp_path: Path) -> None:
        store = BlobStore(tmp_path)
        with pytest.raises(BlobTooLargeError):
            await store.save("t1/rec", _chunks(b"x" * 60, b"y" * 60), max_bytes=100)
        assert list((tmp_path / "t1").iterdir()) == []

    async def test_empty_upload_keeps_nothing(self, tmp_path: Path) -> None:
        store = BlobStore(tmp_path)
        with pytest.raises(EmptyBlobError):
            await store.save("t1/rec", _chunks(), max_bytes=100)
        assert list((tmp_path / "t1").iterdir()) == []

    async def test_a_failing_source_keeps_nothing(self, tmp_path: Path) -> None:
        async def broken() -> AsyncIterator[bytes]:
            yield b"partial"
            raise ConnectionResetError

        store = BlobStore(tmp_path)
        with pytest.raises(ConnectionResetError):
            await store.save("t1/rec", broken(), max_bytes=100)
        assert list((tmp_path / "t1").iterdir()) == []


class TestReadAndDelete:
    async def test_read_streams_the_original_bytes(self, tmp_path: Path) -> None:
        store = BlobStore(tmp_path)
        payload = bytes(range(256)) * 3000
        await store.save("t/r", _chunks(payload), max_bytes=len(payload))
        assert b"".join([chunk async for chunk in store.read("t/r")]) == payload

    async def test_delete_is_idempotent(self, tmp_path: Path) -> None:
        store = BlobStore(tmp_path)
        await store.save("t/r", _chunks(b"a"), max_bytes=10)
        await store.delete("t/r")
        await store.delete("t/r")
        assert not store.path("t/r").exists()


@pytest.mark.parametrize("key", ["../escape", "t/../../x", "/abs", "", "t//r", ".hidden"])
def test_keys_cannot_leave_the_root(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError, match="invalid blob key"):
        BlobStore(tmp_path).path(key)
