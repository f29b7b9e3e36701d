"""A worker's own ``GET /metrics``: `scribe worker` serves no API, and metrics are per process.

A few lines of HTTP on asyncio rather than a web server: the endpoint answers one GET per
connection, and the worker's event loop (and its signal handling) stay as they are::

    async with serve_metrics(runtime, "127.0.0.1", 9464):
        await procrastinate_app.run_worker(runtime, concurrency=2)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scribe.jobs import service as job_service
from scribe.metrics import CONTENT_TYPE, Metrics
from scribe.providers.llm.base import CountsFallbacks

logger = logging.getLogger(__name__)

# A scrape's request head is a few hundred bytes; anything slower or larger is dropped.
_HEAD_BYTES = 8 * 1024
_READ_SECONDS = 5.0


class MetricsHost(Protocol):
    """What a scrape reads: the database (queue depth), the text provider, the metrics."""

    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]: ...

    @property
    def text(self) -> object: ...

    @property
    def metrics(self) -> Metrics: ...


async def scrape(runtime: MetricsHost) -> bytes:
    """The process's metrics in Prometheus text, with the queue depth read from the database."""
    async with runtime.sessionmaker() as session:
        jobs = await job_service.count_unfinished(session)
    text = runtime.text
    fallbacks = text.fallback_counts() if isinstance(text, CountsFallbacks) else ()
    return runtime.metrics.render(jobs=jobs, fallbacks=fallbacks)


@contextlib.asynccontextmanager
async def serve_metrics(
    runtime: MetricsHost, host: str, port: int
) -> AsyncIterator[asyncio.Server]:
    """Serve ``GET /metrics`` on ``host:port`` while the block runs."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await _answer(runtime, reader, writer)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # the scraper went away or sent garbage: nothing to answer
        except Exception:
            logger.warning("metrics scrape failed", exc_info=True)
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    server = await asyncio.start_server(answer, host, port, limit=_HEAD_BYTES)
    logger.info("worker metrics served", extra={"host": host, "port": port})
    try:
        yield server
    finally:
        server.close()
        await server.wait_closed()


async def _answer(
    runtime: MetricsHost, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), _READ_SECONDS)
    method, _, rest = head.split(b"\r\n", 1)[0].decode("latin-1").partition(" ")
    path = rest.split(" ", 1)[0].split("?", 1)[0]
    if path != "/metrics":
        _respond(writer, "404 Not Found", b"not found\n", "text/plain; charset=utf-8")
    elif method not in ("GET", "HEAD"):
        _respond(writer, "405 Method Not Allowed", b"method not allowed\n", "text/plain")
    else:
        body = await scrape(runtime)
        _respond(writer, "200 OK", body, CONTENT_TYPE, send_body=method == "GET")
    await writer.drain()


def _respond(
    writer: asyncio.StreamWriter,
    status: str,
    body: bytes,
    content_type: str,
    *,
    send_body: bool = True,
) -> None:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    writer.write(head.encode("latin-1") + (body if send_body else b""))
