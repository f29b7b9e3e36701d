"""Clinia summary streams: time to the first SSE event and to summary-end, for a 50-resource record.

One run starts, one after the other on the same machine:
- a `scribe serve` process (SQLite, in-process jobs, the embedded engine), ingests the 50-resource
  bundle of tests/data/clinia once, then asks for `--rounds` summaries one at a time;
- a bare FastAPI + sse-starlette route (no auth, database or engine) streaming as many events
  of the same size: the floor the framework and the loopback socket set.

    .venv/bin/python bench/clinia_sse.py [--rounds 20] [--template clinia-longitudinal-summary]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator

import httpx
from _common import BIN, ROOT, free_port, server
from fastapi import FastAPI
from httpx_sse import aconnect_sse
from sse_starlette import EventSourceResponse, ServerSentEvent

KEY = "sk_bench_clinia_0123456789abcdef0123456789abcdef"
BUNDLE = ROOT / "tests" / "data" / "clinia" / "bundle_50.json"
PATIENT = "bench-patient"

bare = FastAPI()
_BARE_EVENTS: list[str] = json.loads(os.environ.get("BENCH_BARE_EVENTS", "[]"))


@bare.post("/bare")
async def bare_stream() -> EventSourceResponse:
    async def events() -> AsyncIterator[ServerSentEvent]:
        for number, data in enumerate(_BARE_EVENTS, start=1):
            yield ServerSentEvent(data=data, id=str(number), sep="\n")

    return EventSourceResponse(events(), sep="\n", headers={"Cache-Control": "no-cache"})


async def timed_stream(
    client: httpx.AsyncClient, path: str, body: dict[str, str]
) -> tuple[float, float, list[str]]:
    """Seconds to the first event and to the last, and the events' data."""
    started = time.perf_counter()
    first, data = 0.0, []
    async with aconnect_sse(client, "POST", path, json=body) as source:
        async for event in source.aiter_sse():
            first = first or time.perf_counter() - started
            data.append(event.data)
    return first, time.perf_counter() - started, data


async def ingest(client: httpx.AsyncClient) -> None:
    bundle = json.loads(BUNDLE.read_text())
    assert len(bundle["entry"]) == 50
    started = await client.post("/ai/v1/ingest", json={"patientId": PATIENT, "bundle": bundle})
    started.raise_for_status()
    run_id = started.json()["runId"]
    while (status := (await client.get(f"/ai/v1/ingest/{run_id}/status")).json())[
        "status"
    ] == "running":
        await asyncio.sleep(0.05)
    if status["status"] != "success":
        raise SystemExit(f"ingestion ended {status}")


async def scribe_rounds(
    base: str, template: str, rounds: int
) -> tuple[list[float], list[float], list[str]]:
    body = {"patientId": PATIENT, "summaryTemplateId": template}
    firsts, ends, data = [], [], []
    async with httpx.AsyncClient(
        base_url=base, timeout=60, headers={"X-Clinia-API-Key": KEY}
    ) as client:
        await ingest(client)
        await timed_stream(client, "/ai/v1/summaries", body)  # warm-up
        for _ in range(rounds):
            first, end, data = await timed_stream(client, "/ai/v1/summaries", body)
            if '"status":"success"' not in data[-1]:
                raise SystemExit(f"summary ended {data[-1]}")
            firsts.append(first)
            ends.append(end)
    return firsts, ends, data


async def bare_rounds(base: str, rounds: int) -> tuple[list[float], list[float]]:
    firsts, ends = [], []
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await timed_stream(client, "/bare", {})
        for _ in range(rounds):
            first, end, _ = await timed_stream(client, "/bare", {})
            firsts.append(first)
            ends.append(end)
    return firsts, ends


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--template", default="clinia-longitudinal-summary")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            "SCRIBE_DATA_DIR": data_dir,
            "SCRIBE_BOOTSTRAP_API_KEY": KEY,
            "SCRIBE_LOG_LEVEL": "WARNING",
        }
        subprocess.run(
            [str(BIN / "scribe"), "migrate"],
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )
        port = free_port()
        with server([str(BIN / "scribe"), "serve", "--port", str(port)], env, port) as base:
            firsts, ends, events = asyncio.run(scribe_rounds(base, args.template, args.rounds))
    port = free_port()
    command = [
        str(BIN / "uvicorn"),
        "clinia_sse:bare",
        "--app-dir",
        "bench",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    with server(command, {"BENCH_BARE_EVENTS": json.dumps(events)}, port) as base:
        bare_firsts, bare_ends = asyncio.run(bare_rounds(base, args.rounds))
    print(
        f"{args.template}, 50-resource bundle, {len(events)} events, {args.rounds} rounds, medians"
    )
    print(f"scribe   first event {_ms(firsts):7.1f} ms   summary-end {_ms(ends):7.1f} ms")
    print(f"bare SSE first event {_ms(bare_firsts):7.1f} ms   last event  {_ms(bare_ends):7.1f} ms")


def _ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


if __name__ == "__main__":
    sys.exit(main())
