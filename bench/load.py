"""Mixed load on `scribe serve`: reads, writes, one Clinia SSE stream a second; a bare route.

One command on the same machine, one step after the other:
1. a `scribe serve` process (SQLite, or a fresh PostgreSQL database with --database postgresql and
   jobs run inside the API) and the bare FastAPI app of bench/bare_app.py under uvicorn: single
   processes on loopback, no access log;
2. seeding: a Corti login, 20 Omniloy threads and 20 Corti interactions to read, the 50-resource
   Clinia bundle ingested for the streamed patient, then 2 s of the mix as warm-up;
3. --seconds of mixed load: --concurrency keep-alive connections, one request in flight on each
   (_common.Connection), picking from a weighted mix of reads (Omniloy GET thread, Corti GET
   interaction, Corti GET templates) and writes (Omniloy POST transcription and thread, Corti POST
   interaction, Clinia POST ingest of a 13-resource bundle for a new patient); beside them one
   Clinia summary stream (SSE) opened each second and read to summary-end; then the ingestion jobs
   started are waited for;
4. the bare route alone (POST /bare, the Omniloy transcription body) on as many connections for
   --bare-seconds, half just before step 3 and half just after (so a drift in what else the machine
   runs weighs on both sides): the floor the framework and the loopback socket set;
5. the Corti workflow's pipeline overhead ratio (bench/corti_workflow.py) on the same server.
Reported: per route count, req/s, p50 and p99, and p50/p99 over the bare route's; every non-2xx
answer; the server's peak RSS (VmHWM) after the load and after the workflow (Whisper loaded).

    .venv/bin/python bench/load.py [--seconds 30] [--concurrency 8] [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import corti_workflow
import httpx
from _common import (
    BIN,
    ROOT,
    Connection,
    Result,
    database,
    free_port,
    peak_rss_mb,
    server_process,
)
from clinia_sse import PATIENT, ingest
from http_overhead import BODY
from httpx_sse import aconnect_sse

KEY = corti_workflow.KEY  # the workflow logs in with it on the same server
SMALL_BUNDLE = json.loads(
    (ROOT / "tests" / "data" / "clinia" / "bundle_each_type.json").read_text()
)
SSE_ROUTE = "POST /ai/v1/summaries (SSE, to summary-end)"
JSON = {"Content-Type": "application/json"}

# method, path, headers, body
Call = tuple[str, str, dict[str, str], bytes]


@dataclass
class Context:
    """Credentials and the ids the reads pick from (writes add theirs)."""

    omniloy: dict[str, str] = field(
        default_factory=lambda: {**JSON, "Authorization": f"Bearer {KEY}", "x-doctor": "dr_load"}
    )
    corti: dict[str, str] = field(default_factory=lambda: dict(JSON))
    clinia: dict[str, str] = field(default_factory=lambda: {**JSON, "X-Clinia-API-Key": KEY})
    threads: list[str] = field(default_factory=list)
    interactions: list[str] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Route:
    name: str
    weight: int
    build: Callable[[Context, random.Random], Call]
    remember: Callable[[Context, dict[str, Any]], None] | None = None


def _ingest_body() -> bytes:
    return json.dumps({"patientId": f"load-{uuid.uuid4().hex}", "bundle": SMALL_BUNDLE}).encode()


_INTERACTION = json.dumps({"encounter": corti_workflow.ENCOUNTER}).encode()
_TRANSCRIPTION = json.dumps(BODY).encode()
MIX = [
    Route(
        "GET /v1/lang-graph/threads/{id}",
        20,
        lambda c, r: ("GET", f"/v1/lang-graph/threads/{r.choice(c.threads)}", c.omniloy, b""),
    ),
    Route(
        "GET /v2/interactions/{id}",
        20,
        lambda c, r: ("GET", f"/v2/interactions/{r.choice(c.interactions)}", c.corti, b""),
    ),
    Route("GET /v2/templates/", 10, lambda c, r: ("GET", "/v2/templates/", c.corti, b"")),
    Route(
        "POST /v1/transcriptions/create",
        15,
        lambda c, r: ("POST", "/v1/transcriptions/create", c.omniloy, _TRANSCRIPTION),
    ),
    Route(
        "POST /v1/lang-graph/threads",
        10,
        lambda c, r: ("POST", "/v1/lang-graph/threads", c.omniloy, b"{}"),
        lambda c, body: c.threads.append(body["thread_id"]),
    ),
    Route(
        "POST /v2/interactions/",
        15,
        lambda c, r: ("POST", "/v2/interactions/", c.corti, _INTERACTION),
        lambda c, body: c.interactions.append(body["interactionId"]),
    ),
    Route(
        "POST /ai/v1/ingest",
        10,
        lambda c, r: ("POST", "/ai/v1/ingest", c.clinia, _ingest_body()),
        lambda c, body: c.runs.append(body["runId"]),
    ),
]
BARE = [Route("bare POST /bare", 1, lambda c, r: ("POST", "/bare", JSON, _TRANSCRIPTION))]


@dataclass
class Tally:
    """Latencies per route (ms), and every answer that was not 2xx, with its first body."""

    latencies: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[tuple[str, str]] = field(default_factory=Counter)
    samples: dict[tuple[str, str], str] = field(default_factory=dict)
    first_event_ms: list[float] = field(default_factory=list)

    def add(self, route: str, started: float, status: int | str, body: bytes | str = b"") -> None:
        self.latencies[route].append((time.perf_counter() - started) * 1000)
        if not (isinstance(status, int) and 200 <= status < 300):
            key = (route, str(status))
            self.errors[key] += 1
            text = body.decode(errors="replace") if isinstance(body, bytes) else body
            self.samples.setdefault(key, text[:160])


async def worker(
    base: str, routes: list[Route], ctx: Context, tally: Tally, deadline: float, seed: int
) -> None:
    rng = random.Random(seed)
    weights = [route.weight for route in routes]
    connection = await Connection.open(base)
    try:
        while time.perf_counter() < deadline:
            route = rng.choices(routes, weights)[0]
            started = time.perf_counter()
            try:
                status, body = await connection.request(*route.build(ctx, rng))
            except (OSError, asyncio.IncompleteReadError) as exc:
                tally.add(route.name, started, type(exc).__name__, str(exc))
                connection.close()
                connection = await Connection.open(base)
                continue
            tally.add(route.name, started, status, body)
            if 200 <= status < 300 and route.remember is not None:
                route.remember(ctx, json.loads(body))
    finally:
        connection.close()


async def run_mix(
    base: str, routes: list[Route], ctx: Context, tally: Tally, concurrency: int, seconds: float
) -> float:
    """Drive the mix on `concurrency` connections for `seconds`; answer the seconds it took."""
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(worker(base, routes, ctx, tally, deadline, seed) for seed in range(concurrency))
    )
    return time.perf_counter() - started


async def summaries(base: str, ctx: Context, tally: Tally, seconds: float) -> None:
    """Open one summary stream a second for `seconds`, each read to its end."""
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=300, headers=ctx.clinia) as client:
        streams = []
        for second in range(int(seconds)):
            await asyncio.sleep(max(0.0, started + second - time.perf_counter()))
            streams.append(asyncio.create_task(summary(client, tally)))
        await asyncio.gather(*streams)


async def summary(client: httpx.AsyncClient, tally: Tally) -> None:
    body = {"patientId": PATIENT, "summaryTemplateId": "clinia-longitudinal-summary"}
    started, first, last = time.perf_counter(), 0.0, ""
    try:
        async with aconnect_sse(client, "POST", "/ai/v1/summaries", json=body) as source:
            if source.response.status_code != 200:
                answer = await source.response.aread()
                return tally.add(SSE_ROUTE, started, source.response.status_code, answer)
            async for event in source.aiter_sse():
                first = first or time.perf_counter() - started
                last = event.data
    except httpx.HTTPError as exc:
        return tally.add(SSE_ROUTE, started, type(exc).__name__, str(exc))
    end = json.loads(last) if last.startswith("{") else {}
    ok = end.get("type") == "summary-end" and end.get("payload", {}).get("status") == "success"
    tally.add(SSE_ROUTE, started, 200 if ok else "no successful summary-end", last)
    if ok:
        tally.first_event_ms.append(first * 1000)


async def login(base: str, ctx: Context) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        response = await client.post(
            "/realms/default/protocol/openid-connect/token",
            data={"grant_type": "client_credentials", "client_id": "default", "client_secret": KEY},
        )
    response.raise_for_status()
    ctx.corti["Authorization"] = f"Bearer {response.json()['access_token']}"


async def stay_logged_in(base: str, ctx: Context) -> None:
    """Corti tokens last 300 s: log in again well before, for runs longer than that."""
    while True:
        await asyncio.sleep(240)
        await login(base, ctx)


async def seed(base: str, ctx: Context, concurrency: int) -> None:
    await login(base, ctx)
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for _ in range(20):
            made = await client.post("/v1/lang-graph/threads", json={}, headers=ctx.omniloy)
            ctx.threads.append(made.raise_for_status().json()["thread_id"])
            made = await client.post("/v2/interactions/", content=_INTERACTION, headers=ctx.corti)
            ctx.interactions.append(made.raise_for_status().json()["interactionId"])
        client.headers["X-Clinia-API-Key"] = KEY
        await ingest(client)  # the streamed patient's record
    await run_mix(base, MIX, ctx, Tally(), concurrency, 2.0)


async def drain(base: str, ctx: Context, timeout: float = 600) -> tuple[float, Counter[str]]:
    """Wait for the ingestion jobs the load started: the seconds it took and how they ended."""
    started, outcomes, pending = time.perf_counter(), Counter[str](), list(ctx.runs)
    connection = await Connection.open(base)
    try:
        while pending and time.perf_counter() - started < timeout:
            running = []
            for run in pending:
                status, body = await connection.request(
                    "GET", f"/ai/v1/ingest/{run}/status", ctx.clinia
                )
                state = json.loads(body)["status"] if status == 200 else f"HTTP {status}"
                if state == "running":
                    running.append(run)
                else:
                    outcomes[state] += 1
            pending = running
            await asyncio.sleep(0.5 if pending else 0)
    finally:
        connection.close()
    if pending:
        outcomes["still running"] = len(pending)
    return time.perf_counter() - started, outcomes


@dataclass
class Phase:
    tally: Tally
    seconds: float

    def result(self, route: str) -> Result:
        latencies = self.tally.latencies[route]
        return Result(len(latencies), self.seconds, latencies or [0.0])


async def measure(scribe: str, bare: str, args: argparse.Namespace) -> dict[str, str]:
    """Seed, then load with the bare route on either side: print the table, answer summary rows."""
    ctx = Context()
    await seed(scribe, ctx, args.concurrency)
    await drain(scribe, ctx)
    ctx.runs.clear()
    await run_mix(bare, BARE, ctx, Tally(), args.concurrency, 1.0)  # warm-up
    floor, load = Phase(Tally(), 0.0), Phase(Tally(), 0.0)
    floor.seconds += await run_mix(
        bare, BARE, ctx, floor.tally, args.concurrency, args.bare_seconds / 2
    )
    relogin = asyncio.create_task(stay_logged_in(scribe, ctx))
    try:
        load.seconds, _ = await asyncio.gather(
            run_mix(scribe, MIX, ctx, load.tally, args.concurrency, args.seconds),
            summaries(scribe, ctx, load.tally, args.seconds),
        )
    finally:
        relogin.cancel()
    drained, outcomes = await drain(scribe, ctx)
    floor.seconds += await run_mix(
        bare, BARE, ctx, floor.tally, args.concurrency, args.bare_seconds / 2
    )
    return print_routes(load, floor, args) | {
        "Clinia ingestion jobs started under load": (
            f"{len(ctx.runs)}: {dict(outcomes)}, all done {drained:.1f} s after the load"
        )
    }


def print_routes(load: Phase, floor: Phase, args: argparse.Namespace) -> dict[str, str]:
    bare = floor.result(BARE[0].name)
    print(
        f"\nMixed load, {args.database}: {load.seconds:.1f} s, {args.concurrency} connections "
        "+ 1 SSE summary stream a second; the bare route alone on as many connections, "
        f"{floor.seconds:.1f} s split before and after\n"
    )
    print("| Route | Requests | req/s | p50 ms | p99 ms | p50 / bare | p99 / bare | Errors |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    errors = Counter[str]()
    for (route, _), count in load.tally.errors.items():
        errors[route] += count
    for name in [route.name for route in MIX]:
        _row(name, load.result(name), bare, errors[name])
    plain = [
        ms for name, values in load.tally.latencies.items() if name != SSE_ROUTE for ms in values
    ]
    mixed = Result(len(plain), load.seconds, plain or [0.0])
    _row("all of the above", mixed, bare, sum(errors.values()) - errors[SSE_ROUTE])
    _row(SSE_ROUTE, load.result(SSE_ROUTE), None, errors[SSE_ROUTE])
    _row(BARE[0].name + " (alone)", bare, bare, sum(floor.tally.errors.values()))
    print()
    samples = {**load.tally.samples, **floor.tally.samples}
    for (route, status), count in sorted({**load.tally.errors, **floor.tally.errors}.items()):
        print(f"error: {route}: {status} x{count}, first body: {samples[route, status]}")
    first = Result(len(load.tally.first_event_ms), 1, load.tally.first_event_ms or [0.0])
    total = sum(len(values) for values in load.tally.latencies.values())
    return {
        "Throughput, mixed load (all routes)": f"{total / load.seconds:.0f} req/s",
        "Throughput, mixed load (all but SSE) / bare route alone": (
            f"{mixed.rps / bare.rps:.3g}x (bare route {bare.rps:.0f} req/s)"
        ),
        "p50 / p99, mixed load (all but SSE)": f"{_p(mixed)} (bare route {_p(bare)})",
        "Clinia SSE first event, p50 / p99": _p(first),
    }


def _row(name: str, result: Result, bare: Result | None, errors: int) -> None:
    p50, p99 = result.percentile(0.50), result.percentile(0.99)
    ratios = (
        f"{p50 / bare.percentile(0.50):.1f}x | {p99 / bare.percentile(0.99):.1f}x"
        if bare is not None
        else "- | -"
    )
    print(
        f"| {name} | {result.requests} | {result.rps:.1f} | {p50:.1f} | {p99:.1f} | {ratios} "
        f"| {errors} |"
    )


def _p(result: Result) -> str:
    return f"{result.percentile(0.50):.1f} / {result.percentile(0.99):.1f} ms"


async def workflow_ratio(scribe: str, args: argparse.Namespace) -> str:
    """The Corti workflow's pipeline overhead ratio; bench/corti_workflow.py prints the details."""
    print()
    api, asr, steps = await corti_workflow.rounds(scribe, args.corti_audio, args.corti_rounds)
    corti_workflow.report((api, asr, steps), args.corti_audio)
    ratio = statistics.median(a / b for a, b in zip(api, asr, strict=True))
    return f"{ratio:.2f}x ({args.corti_audio.name}, rounds: {len(api)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--bare-seconds", type=float, default=10)
    parser.add_argument("--corti-rounds", type=int, default=1, help="0 skips the Corti workflow")
    parser.add_argument(
        "--corti-audio", type=Path, default=corti_workflow.AUDIO / "aci-valid-D2N069.mono.ogg"
    )
    args = parser.parse_args()
    with database(args.database, "load") as url, tempfile.TemporaryDirectory() as data_dir:
        env = {
            "SCRIBE_DATABASE_URL": url,
            "SCRIBE_DATA_DIR": data_dir,
            "SCRIBE_BOOTSTRAP_API_KEY": KEY,
            "SCRIBE_LOG_LEVEL": "WARNING",
            "SCRIBE_JOBS__RUN_IN_API": "true",  # PostgreSQL: one node, no separate worker
        }
        migrate = [str(BIN / "scribe"), "migrate"]
        subprocess.run(migrate, env={**os.environ, **env}, check=True, capture_output=True)
        print_summary(serve_and_measure(env, args))


def serve_and_measure(env: dict[str, str], args: argparse.Namespace) -> dict[str, str]:
    scribe_port, bare_port = free_port(), free_port()
    scribe_cmd = [str(BIN / "scribe"), "serve", "--port", str(scribe_port)]
    bare_cmd = [
        *(str(BIN / "uvicorn"), "bare_app:app", "--app-dir", "bench", "--port", str(bare_port)),
        *("--log-level", "warning", "--no-access-log"),
    ]
    with (
        server_process(scribe_cmd, env, scribe_port) as (scribe, scribe_process),
        server_process(bare_cmd, {}, bare_port) as (bare, bare_process),
    ):
        rows = asyncio.run(measure(scribe, bare, args))
        rows["Peak RSS of the server after the load"] = f"{peak_rss_mb(scribe_process.pid):.0f} MB"
        rows["Peak RSS of the bare FastAPI server"] = f"{peak_rss_mb(bare_process.pid):.0f} MB"
        if args.corti_rounds:
            ratio = asyncio.run(workflow_ratio(scribe, args))
            rows["Corti workflow pipeline overhead (API / bare Whisper)"] = ratio
            rows["Peak RSS of the server after the workflow (Whisper loaded)"] = (
                f"{peak_rss_mb(scribe_process.pid):.0f} MB"
            )
    return rows


def print_summary(rows: dict[str, str]) -> None:
    print("\n| What | Figure |\n|---|---|")
    for what, figure in rows.items():
        print(f"| {what} | {figure} |")


if __name__ == "__main__":
    main()
