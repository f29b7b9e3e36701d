"""Shared benchmark plumbing: start a server process, drive load with httpx, summarise."""

from __future__ import annotations

import asyncio
import json as jsonlib
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(args: list[str], env: dict[str, str], port: int) -> Iterator[str]:
    with server_process(args, env, port) as (base, _):
        yield base


@contextmanager
def server_process(
    args: list[str], env: dict[str, str], port: int, *, log: Path | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Like `server`, and also yield the process (its pid for /proc figures); its output goes
    to ``log`` when given."""
    if log is None:
        process = subprocess.Popen(
            args,
            env={**os.environ, **env},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    else:
        with log.open("wb") as sink:
            process = subprocess.Popen(
                args, env={**os.environ, **env}, cwd=ROOT, stdout=sink, stderr=sink
            )
    base = f"http://127.0.0.1:{port}"
    try:
        # Imports alone take over a minute on a busy 2-core machine.
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code in (200, 404):
                    break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{args[0]} did not start (exit {process.poll()})") from None
                time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class Result:
    requests: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def drive(
    url: str, *, json: dict[str, object], headers: dict[str, str], total: int, concurrency: int
) -> Result:
    """POST `total` requests over `concurrency` keep-alive connections, one in flight on each.

    A minimal HTTP/1.1 client on asyncio streams: httpx's pool, not the server, limits throughput
    past a few concurrent requests, which would hide the server's own figures.
    """
    parsed = httpx.URL(url)
    body = jsonlib.dumps(json).encode()
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    request = (
        f"POST {parsed.raw_path.decode()} HTTP/1.1\r\nHost: {parsed.host}\r\n{head}"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    latencies: list[float] = []
    remaining = iter(range(total))

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(parsed.host, parsed.port)
        try:
            for _ in remaining:
                started = time.perf_counter()
                writer.write(request)
                status = await _read_response(reader)
                latencies.append((time.perf_counter() - started) * 1000)
                assert status == 201, status
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return Result(total, time.perf_counter() - started, latencies)


async def _read_response(reader: asyncio.StreamReader) -> int:
    return (await read_response(reader))[0]


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Read one response (Content-Length or chunked body): its status and body."""
    header = await reader.readuntil(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    fields = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in lines[1:] if line)
    }
    if fields.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            body += (await reader.readexactly(size + 2))[:-2]
        await reader.readuntil(b"\r\n")  # the empty line after the last chunk (no trailers)
        return int(lines[0].split()[1]), body
    return int(lines[0].split()[1]), await reader.readexactly(int(fields.get("content-length", 0)))


class Connection:
    """One keep-alive HTTP/1.1 connection with one request in flight: `drive`'s client, any route.

    Open it with `await Connection.open(base)`; `request` answers the status and the body.
    """

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str
    ) -> None:
        self._reader, self._writer, self._host = reader, writer, host

    @classmethod
    async def open(cls, base: str) -> Connection:
        url = httpx.URL(base)
        reader, writer = await asyncio.open_connection(url.host, url.port)
        return cls(reader, writer, url.host)

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, bytes]:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self._writer.write(
            f"{method} {path} HTTP/1.1\r\nHost: {self._host}\r\n{head}"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        return await read_response(self._reader)

    def close(self) -> None:
        self._writer.close()


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size so far (VmHWM in /proc/<pid>/status), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def median(values: list[float]) -> float:
    return statistics.median(values)


POSTGRES = "postgresql://postgres@127.0.0.1:5432"


@contextmanager
def database(kind: str, bench: str) -> Iterator[str]:
    """No URL (SQLite in the data directory), or a PostgreSQL database made and dropped."""
    if kind == "sqlite":
        yield ""
        return
    import psycopg

    name = f"scribe_bench_{bench}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
