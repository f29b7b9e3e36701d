"""Download a client-given file to disk, chunk by chunk, within a size cap and a media type."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

import anyio
import httpx

from scribe.outbound.client import OutboundClient
from scribe.outbound.errors import (
    DownloadError,
    DownloadTimeoutError,
    FileTooLargeError,
    NotAudioError,
)

_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class DownloadedFile:
    path: Path
    content_type: str
    size_bytes: int


async def download(
    url: str,
    dest: Path,
    *,
    max_bytes: int,
    client: OutboundClient,
    accept: Sequence[str] = ("audio/",),
) -> DownloadedFile:
    """Stream ``url`` into ``dest``; a partial file is removed when anything goes wrong.

    Only media types starting with one of ``accept`` are taken (Nabla takes ``audio/*`` only,
    so ``application/octet-stream`` is refused too); the size cap is checked against
    Content-Length before reading and again while streaming, for servers that send none.
    """
    try:
        async with asyncio.timeout(client.settings.download_timeout_seconds):
            async with client.get_stream(url) as response:
                content_type = _checked(response, max_bytes, accept)
                size = await _write(response, dest, max_bytes)
    except BaseException as exc:
        dest.unlink(missing_ok=True)
        translated = _translated(exc)
        if translated is exc:
            raise
        raise translated from exc
    return DownloadedFile(dest, content_type, size)


def _checked(response: httpx.Response, max_bytes: int, accept: Sequence[str]) -> str:
    if not response.is_success:
        raise DownloadError(_status_message(response.status_code), status=response.status_code)
    header: str = response.headers.get("content-type", "")
    media_type = header.split(";")[0].strip().lower()
    if not media_type.startswith(tuple(accept)):
        shown = media_type or "no content type"
        wanted = ", ".join(f"{prefix}*" for prefix in accept)
        raise NotAudioError(f"The file is {shown}; only {wanted} is accepted")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FileTooLargeError(_too_large(max_bytes), limit_bytes=max_bytes)
    return media_type


async def _write(response: httpx.Response, dest: Path, max_bytes: int) -> int:
    size = 0
    async with await anyio.open_file(dest, "wb") as handle:
        async for chunk in response.aiter_bytes(_CHUNK_BYTES):
            size += len(chunk)
            if size > max_bytes:
                raise FileTooLargeError(_too_large(max_bytes), limit_bytes=max_bytes)
            await handle.write(chunk)
    return size


def _translated(exc: BaseException) -> BaseException:
    """Network failures become DownloadErrors; ours and cancellation pass through."""
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return DownloadTimeoutError("Downloading the file timed out")
    if isinstance(exc, httpx.HTTPError):
        return DownloadError(f"Downloading the file failed ({type(exc).__name__})")
    return exc


def _status_message(status: int) -> str:
    if status == HTTPStatus.NOT_FOUND:
        return "The file was not found (the server answered 404)"
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "unknown status"
    return f"Downloading the file failed: the server answered {status} {phrase}"


def _too_large(max_bytes: int) -> str:
    return f"The file is larger than the {max_bytes} byte limit"
