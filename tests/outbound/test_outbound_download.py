"""file_url downloads: streamed to disk, audio only, size-capped, errors with stable codes."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from scribe.config import OutboundSettings
from scribe.outbound import (
    DownloadError,
    DownloadTimeoutError,
    FileTooLargeError,
    NotAudioError,
    OutboundClient,
    URLNotAllowedError,
    download,
)
from tests.outbound.local_server import LocalServer, StaticResolver, free_port

AUDIO = os.urandom(300_000)
LIMIT = 100_000


async def _audio(request: Request) -> Response:
    return Response(AUDIO, media_type="audio/mpeg")


async def _chunked_audio(request: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(AUDIO), 16_384):
            yield AUDIO[start : start + 16_384]

    return StreamingResponse(chunks(), media_type="audio/ogg")


async def _page(request: Request) -> Response:
    return Response("<html></html>", media_type="text/html")


async def _octets(request: Request) -> Response:
    return Response(b"\0" * 10, media_type="application/octet-stream")


async def _missing(request: Request) -> Response:
    return Response("nope", status_code=404)


async def _broken(request: Request) -> Response:
    return Response("oops", status_code=503)


async def _slow(request: Request) -> Response:
    await asyncio.sleep(3)
    return Response(b"late", media_type="audio/wav")


async def _moved(request: Request) -> Response:
    return RedirectResponse("/audio.mp3", status_code=302)


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    local = LocalServer(
        [
            Route("/audio.mp3", _audio),
            Route("/chunked.ogg", _chunked_audio),
            Route("/page.html", _page),
            Route("/blob", _octets),
            Route("/missing.mp3", _missing),
            Route("/broken.mp3", _broken),
            Route("/slow.wav", _slow),
            Route("/moved", _moved),
        ]
    )
    local.start()
    yield local
    local.stop()


@pytest.fixture
async def outbound() -> AsyncIterator[OutboundClient]:
    settings = OutboundSettings(connect_timeout_seconds=5, read_timeout_seconds=0.3)
    resolver = StaticResolver({"files.test": [["127.0.0.1"]]})
    async with OutboundClient(settings, ["files.test"], resolver=resolver) as client:
        yield client


def at(server: LocalServer, path: str) -> str:
    return server.url(path, host="files.test")


class TestDownload:
    async def test_audio_is_streamed_to_disk_byte_for_byte(
        self, server: LocalServer, outbound: OutboundClient, tmp_path: Path
    ) -> None:
        dest = tmp_path / "visit.mp3"
        got = await download(at(server, "/audio.mp3"), dest, max_bytes=10**6, client=outbound)
        assert (got.path, got.content_type, got.size_bytes) == (dest, "audio/mpeg", len(AUDIO))
        assert dest.read_bytes() == AUDIO

    async def test_a_stream_without_length_and_a_redirect_are_fine(
        self, server: LocalServer, outbound: OutboundClient, tmp_path: Path
    ) -> None:
        chunked = await download(
            at(server, "/chunked.ogg"), tmp_path / "a.ogg", max_bytes=10**6, client=outbound
        )
        moved = await download(
            at(server, "/moved"), tmp_path / "b.mp3", max_bytes=10**6, client=outbound
        )
        assert chunked.path.read_bytes() == AUDIO == moved.path.read_bytes()

    @pytest.mark.parametrize("path", ["/page.html", "/blob"])
    async def test_anything_but_audio_is_refused(
        self, server: LocalServer, outbound: OutboundClient, tmp_path: Path, path: str
    ) -> None:
        dest = tmp_path / "x"
        with pytest.raises(NotAudioError) as caught:
            await download(at(server, path), dest, max_bytes=10**6, client=outbound)
        assert caught.value.error_code == "not_audio"
        assert "audio/*" in caught.value.message
        assert not dest.exists()

    @pytest.mark.parametrize("path", ["/audio.mp3", "/chunked.ogg"])
    async def test_oversize_files_are_refused_and_removed(
        self, server: LocalServer, outbound: OutboundClient, tmp_path: Path, path: str
    ) -> None:
        dest = tmp_path / "big"
        with pytest.raises(FileTooLargeError) as caught:
            await download(at(server, path), dest, max_bytes=LIMIT, client=outbound)
        assert caught.value.error_code == "file_too_large"
        assert not dest.exists()

    async def test_not_found_says_so(
        self, server: LocalServer, outbound: OutboundClient, tmp_path: Path
    ) -> None:
        with pytest.raises(DownloadError) as caught:
            await download(
                at(server, "/missing.mp3"), tmp_path / "x", max_bytes=LIMIT, client=outbound
            )
        assert caught.value.error_code == "download_failed"
        assert caught.value.details == {"status": 404}
        assert "not found" in caught.value.message

    async def test_an_error_status_is_named(
        self, server: LocalServer, outbound: OutboundClient, tmp_path: Path
    ) -> None:
        with pytest.raises(DownloadError) as caught:
            await download(
                at(server, "/broken.mp3"), tmp_path / "x", max_bytes=LIMIT, client=outbound
            )
        assert "503" in caught.value.message

    async def test_a_server_too_slow_to_answer_times_out(
        self, server: LocalServer, outbound: OutboundClient, tmp_path: Path
    ) -> None:
        with pytest.raises(DownloadTimeoutError) as caught:
            await download(
                at(server, "/slow.wav"), tmp_path / "x", max_bytes=LIMIT, client=outbound
            )
        assert caught.value.error_code == "download_timeout"

    async def test_a_closed_port_fails_cleanly(
        self, outbound: OutboundClient, tmp_path: Path
    ) -> None:
        url = f"http://files.test:{free_port()}/a.mp3"
        with pytest.raises(DownloadError) as caught:
            await download(url, tmp_path / "x", max_bytes=LIMIT, client=outbound)
        assert caught.value.error_code == "download_failed"

    async def test_a_private_url_is_refused_before_any_request(
        self, server: LocalServer, outbound: OutboundClient, tmp_path: Path
    ) -> None:
        with pytest.raises(URLNotAllowedError):
            await download(
                server.url("/audio.mp3"), tmp_path / "x", max_bytes=LIMIT, client=outbound
            )
