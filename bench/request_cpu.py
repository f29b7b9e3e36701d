"""Request CPU: what one request costs scribe's process, in-process, beside a bare FastAPI route.

The app (``create_app``, lifespan started) and bench/bare_app.py are called as ASGI apps in this
process, without a socket or an HTTP parser, one request at a time; each route is timed with
``time.process_time`` (every thread of the process, the SQLite driver's included), so the figure
is CPU, not wall time, and holds on a loaded machine far better than req/s does. It shows where
the HTTP benchmark's ratio comes from, and what a change to the request path saves.

Seeding goes through the public API (a Corti login and interaction, an Omniloy transcription and
note). Per route: median µs of CPU per request over --rounds rounds of --requests requests, and
bare's over it (the share of bare's speed the route would reach if CPU were all that counted).

    .venv/bin/python bench/request_cpu.py [--requests 300] [--rounds 5]
        [--database sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import httpx
from _common import BIN, database
from bare_app import app as bare_app

from scribe.config import JobSettings, Settings
from scribe.main import create_app

KEY = "sk_bench_key_0123456789abcdef0123456789abcdef"
OMNILOY = {"Authorization": f"Bearer {KEY}", "x-doctor": "dr_bench"}
TRANSCRIPT = "[doctor] What brings you in today?\n[patient] My right knee hurts.\n" * 10
ENCOUNTER = {
    "identifier": "bench",
    "status": "in-progress",
    "type": "consultation",
    "period": {"startedAt": "2026-11-21T09:00:00Z"},
}
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Message, Receive, Send], Awaitable[None]]


async def call(app: App, path: str, headers: dict[str, str]) -> int:
    """One GET through the ASGI interface; the response's status."""
    scope: Message = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        + [(b"host", b"scribe.bench")],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    await app(scope, receive, send)
    return status


async def cpu_us(app: App, path: str, headers: dict[str, str], args: argparse.Namespace) -> float:
    """Median CPU µs per request over the rounds; every answer must be 2xx or 304."""
    for _ in range(20):
        await call(app, path, headers)
    rounds = []
    for _ in range(args.rounds):
        started = time.process_time()
        for _ in range(args.requests):
            status = await call(app, path, headers)
            if not (200 <= status < 300 or status == 304):
                raise RuntimeError(f"{path} answered {status}")
        rounds.append((time.process_time() - started) / args.requests * 1e6)
    return float(statistics.median(rounds))


async def seed(client: httpx.AsyncClient) -> dict[str, tuple[str, dict[str, str]]]:
    """The routes to time, with what they read created over the public API."""
    token = await client.post(
        "/realms/default/protocol/openid-connect/token",
        data={"grant_type": "client_credentials", "client_id": "default", "client_secret": KEY},
    )
    corti = {"Authorization": f"Bearer {token.raise_for_status().json()['access_token']}"}
    made = await client.post("/v2/interactions/", json={"encounter": ENCOUNTER}, headers=corti)
    interaction = made.raise_for_status().json()["interactionId"]
    body = {"duration_seconds": 95.5, "original_transcript": TRANSCRIPT, "language_used": "en"}
    made = await client.post("/v1/transcriptions/create", json=body, headers=OMNILOY)
    transcription = made.raise_for_status().json()["transcription"]["id"]
    note = {"transcription_id": transcription, "ai_generated_content": {"plan": "rest"}}
    (await client.post("/v1/clinical-notes", json=note, headers=OMNILOY)).raise_for_status()
    templates = await client.get("/v2/templates/", headers=corti)
    etag = templates.raise_for_status().headers.get("etag", '"none"')
    return {
        "GET /healthz": ("/healthz", {}),
        "Corti GET /v2/interactions/{id}": (f"/v2/interactions/{interaction}", corti),
        "Corti GET /v2/templates/": ("/v2/templates/", corti),
        "Corti GET /v2/templates/ (304)": ("/v2/templates/", {**corti, "If-None-Match": etag}),
        "Omniloy GET /v1/clinical-notes": ("/v1/clinical-notes", OMNILOY),
        "Omniloy GET /v1/transcriptions/{id}": (f"/v1/transcriptions/{transcription}", OMNILOY),
    }


async def run(kind: str, args: argparse.Namespace) -> dict[str, float]:
    with database(kind, "cpu") as url, tempfile.TemporaryDirectory() as data:
        url = url or f"sqlite:///{Path(data) / 'scribe.db'}"
        settings = Settings(
            database_url=url,
            data_dir=Path(data),
            bootstrap_api_key=KEY,
            log_json=True,
            jobs=JobSettings(run_in_api=True),
        )
        env = {**os.environ, "SCRIBE_DATABASE_URL": url, "SCRIBE_DATA_DIR": data}
        subprocess.run([str(BIN / "scribe"), "migrate"], env=env, check=True, capture_output=True)
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                routes = await seed(client)
            return {name: await cpu_us(app, p, h, args) for name, (p, h) in routes.items()}


async def main(args: argparse.Namespace) -> None:
    bare = await cpu_us(bare_app, "/bare", {}, args)
    print(f"{'route':<40} {'database':<11} {'CPU µs/req':>10} {'bare/route':>10}")
    print(f"{'bare FastAPI GET /bare':<40} {'-':<11} {bare:>10.0f} {1.0:>10.3f}")
    for kind in args.database.split(","):
        for name, micros in (await run(kind, args)).items():
            print(f"{name:<40} {kind:<11} {micros:>10.0f} {bare / micros:>10.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database", default="sqlite,postgresql")
    asyncio.run(main(parser.parse_args()))
