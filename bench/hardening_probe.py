"""Black-box re-check of issue 14's High items against a real `scribe serve`, per database.

Each database gets a fresh `scribe serve` (its log kept in a file), then:
1. 100 MB bodies of odd content types, with and without Content-Length, unauthenticated: each
   must be refused with 413 long before 100 MB is sent, and the server's peak RSS stay small;
2. slow uploads holding their connections open (2 on SQLite, 20 on PostgreSQL, 1 byte a second):
   every other dialect's reads still answer 200 quickly; once they stop sending, each is cut (408);
3. a NUL (and marker words) in an Omniloy transcript and a Nabla digest: 400, and the marker
   words never in the server's log;
4. an API key used (so cached), revoked with `scribe keys revoke`, then used at once: 401.

    .venv/bin/python bench/hardening_probe.py [--database sqlite,postgresql]

It prints one line per check and exits 1 if any failed. Timings on a shared machine are noisy;
the bounds are generous (seconds where the bugs took tens of seconds or gigabytes).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from _common import BIN, ROOT, database, free_port, peak_rss_mb, read_response, server_process

KEY = "sk_probe_" + uuid.uuid4().hex + uuid.uuid4().hex
MARKER = "Zqxmarker" + uuid.uuid4().hex[:6]
STALL_SECONDS = 4
BIG = 100 * 1024 * 1024
ODD_TYPES = (
    "application/merge-patch+json",
    "application/octet-stream",
    "image/png",
    "application/vnd.api+json",
)
failures: list[str] = []


def report(database_kind: str, name: str, ok: bool, detail: str) -> None:
    print(f"[{database_kind}] {'ok  ' if ok else 'FAIL'} {name}: {detail}")
    if not ok:
        failures.append(f"{database_kind}: {name}")


@contextmanager
def serve(url: str, data: Path, log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {
        "SCRIBE_DATABASE_URL": url,
        "SCRIBE_DATA_DIR": str(data),
        "SCRIBE_BOOTSTRAP_API_KEY": KEY,
        "SCRIBE_JOBS__RUN_IN_API": "true",
        "SCRIBE_LIMITS__BODY_STALL_SECONDS": str(STALL_SECONDS),
        "SCRIBE_LIMITS__AUTH_FAILURES": "1000000",
    }
    if url:
        subprocess.run(
            [str(BIN / "scribe"), "migrate"],
            env={**os.environ, **env},
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
    args = [str(BIN / "scribe"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with server_process(args, env, port, log=log) as served:
        yield served


async def big_body(base: str, content_type: str, *, declared: bool) -> tuple[int, int]:
    """Send up to 100 MB of zeros until the server answers: its status and the bytes sent."""
    url = httpx.URL(base)
    reader, writer = await asyncio.open_connection(url.host, url.port)
    length = f"Content-Length: {BIG}" if declared else "Transfer-Encoding: chunked"
    writer.write(
        f"POST /v1/transcriptions/create HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n"
        f"{length}\r\n\r\n".encode()
    )
    sent = 0
    chunk = b"\x00" * 65536

    async def pump() -> None:
        nonlocal sent
        while sent < BIG:
            writer.write(chunk if declared else b"10000\r\n" + chunk + b"\r\n")
            await writer.drain()
            sent += len(chunk)

    sender = asyncio.create_task(pump())
    try:
        status, _ = await asyncio.wait_for(read_response(reader), 120)
    finally:
        sender.cancel()
        await asyncio.gather(sender, return_exceptions=True)
        writer.close()
    return status, sent


async def check_big_bodies(kind: str, base: str, pid: int) -> None:
    before = peak_rss_mb(pid)
    for content_type in ODD_TYPES:
        for declared in (True, False):
            started = time.monotonic()
            status, sent = await big_body(base, content_type, declared=declared)
            took = time.monotonic() - started
            how = "declared" if declared else "chunked"
            detail = f"{status} after {sent / 2**20:.1f} MB sent, {took:.2f} s"
            ok = status == 413 and sent < 20 * 2**20
            report(kind, f"100 MB {content_type} ({how})", ok, detail)
    grown = peak_rss_mb(pid) - before
    report(kind, "peak RSS growth over the 8 bodies", grown < 50, f"{grown:.1f} MB")


async def corti_login(client: httpx.AsyncClient) -> dict[str, str]:
    form = {"grant_type": "client_credentials", "client_id": "default", "client_secret": KEY}
    token = await client.post("/realms/default/protocol/openid-connect/token", data=form)
    return {"Authorization": f"Bearer {token.json()['access_token']}", "Tenant-Name": "default"}


async def check_slow_uploads(kind: str, base: str, count: int) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        corti = await corti_login(client)
        encounter = {"identifier": "e", "status": "planned", "type": "first_consultation"}
        made = await client.post("/v2/interactions/", json={"encounter": encounter}, headers=corti)
        interaction = made.json()["interactionId"]
        url = httpx.URL(base)
        slow: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        for _ in range(count):
            reader, writer = await asyncio.open_connection(url.host, url.port)
            head = "".join(f"{k}: {v}\r\n" for k, v in corti.items())
            writer.write(
                f"POST /v2/interactions/{interaction}/recordings/ HTTP/1.1\r\nHost: x\r\n{head}"
                "Content-Type: audio/wav\r\nContent-Length: 1000000\r\n\r\nR".encode()
            )
            slow.append((reader, writer))
        omniloy = {"Authorization": f"Bearer {KEY}", "x-doctor": "dr_probe"}
        reads = [
            ("/v1/clinical-notes", omniloy),
            (f"/v2/interactions/{interaction}", corti),
            ("/ai/v1/summary-templates", {"X-Clinia-API-Key": KEY}),
        ]
        latencies: list[float] = []
        statuses: set[int] = set()
        for _ in range(STALL_SECONDS - 1):
            for _, writer in slow:
                writer.write(b"I")  # a byte a second: slow, not stalled
            for path, headers in reads:
                started = time.monotonic()
                statuses.add((await client.get(path, headers=headers)).status_code)
                latencies.append(time.monotonic() - started)
            await asyncio.sleep(1)
        worst = max(latencies)
        ok = statuses == {200} and worst < 3
        detail = f"statuses {sorted(statuses)}, worst {worst:.2f} s over {len(latencies)} reads"
        report(kind, f"reads beside {count} slow uploads", ok, detail)
        # Now they stall: each must be cut with 408 within about STALL_SECONDS.
        started = time.monotonic()
        cut = await asyncio.gather(
            *(asyncio.wait_for(read_response(r), STALL_SECONDS * 4) for r, _ in slow),
            return_exceptions=True,
        )
        codes = [c[0] if isinstance(c, tuple) else type(c).__name__ for c in cut]
        ok = all(code == 408 for code in codes)
        took = time.monotonic() - started
        report(kind, f"{count} stalled uploads cut", ok, f"{set(codes)} within {took:.1f} s")
        for _, writer in slow:
            writer.close()


async def check_nul(kind: str, base: str, log: Path) -> None:
    omniloy = {"Authorization": f"Bearer {KEY}", "x-doctor": "dr_probe"}
    text = f"[doctor] {MARKER} knee pain\x00 take ibuprofen {MARKER}"
    async with httpx.AsyncClient(base_url=base, timeout=60, headers=omniloy) as client:
        transcript = await client.post(
            "/v1/transcriptions/create",
            json={"duration_seconds": 1, "original_transcript": text, "language_used": "en"},
        )
        digest = await client.post(
            "/v1/copilot-api/server/digest",
            json={"language": "en-US", "transcript_items": [{"text": text, "speaker": "doctor"}]},
        )
    for name, response in (("Omniloy transcript", transcript), ("Nabla digest", digest)):
        ok = response.status_code == 400 and MARKER not in response.text
        report(kind, f"NUL in {name}", ok, str(response.status_code))
    await asyncio.sleep(0.5)  # the log is flushed per line; leave it a moment
    logged = MARKER in log.read_text(errors="replace")
    report(kind, "marker words absent from the server log", not logged, str(log))


async def check_revocation(kind: str, base: str, env: dict[str, str]) -> None:
    made = subprocess.run(
        [str(BIN / "scribe"), "keys", "create", "--tenant", "probe-revoke"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    fields = dict(line.split("=", 1) for line in made.stdout.split() if "=" in line)
    headers = {"Authorization": f"Bearer {fields['api_key']}", "x-doctor": "dr_probe"}
    async with httpx.AsyncClient(base_url=base, timeout=60, headers=headers) as client:
        first = (await client.get("/v1/clinical-notes")).status_code
        subprocess.run(
            [str(BIN / "scribe"), "keys", "revoke", "--client-id", fields["client_id"]],
            env={**os.environ, **env},
            capture_output=True,
            check=True,
            cwd=ROOT,
        )
        started = time.monotonic()
        after = (await client.get("/v1/clinical-notes")).status_code
    detail = f"{first} before, {after} {1000 * (time.monotonic() - started):.0f} ms after revoke"
    report(kind, "revoked key refused at once", first == 200 and after == 401, detail)


async def probe(kind: str) -> None:
    with database(kind, "probe") as url, tempfile.TemporaryDirectory() as data:
        log = Path(data) / "serve.log"
        with serve(url, Path(data), log) as (base, process):
            await check_big_bodies(kind, base, process.pid)
            await check_slow_uploads(kind, base, 2 if kind == "sqlite" else 20)
            await check_nul(kind, base, log)
            env = {"SCRIBE_DATABASE_URL": url, "SCRIBE_DATA_DIR": data}
            await check_revocation(kind, base, env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sqlite,postgresql")
    for kind in parser.parse_args().database.split(","):
        asyncio.run(probe(kind))
    if failures:
        raise SystemExit(f"{len(failures)} failed: {failures}")


if __name__ == "__main__":
    main()
