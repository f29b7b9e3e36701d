"""HTTP overhead: scribe's cheap routes beside a bare FastAPI route, on SQLite and PostgreSQL.

One command, one run, on the same machine:
1. the bare FastAPI app of bench/bare_app.py (GET /bare, a small JSON object) under uvicorn, and
   `scribe serve` (optionally --workers N) on a fresh SQLite database, then on a fresh PostgreSQL
   database (jobs run inside the API): loopback, no access log;
2. seeding over HTTP: a Corti login and interaction, an Omniloy transcription and clinical note, a
   Nabla async request, a Clinia ingestion run;
3. for each route, wrk (a separate process: `apt-get install -y wrk`) on --connections keep-alive
   connections for --seconds after a 1 s warm-up; the bare route runs before and after each
   database's routes and the ratio is over the mean of those two.
Reported per route and database: req/s, p50 and p99 (wrk's --latency), req/s over bare's.
Every answer must be 2xx (or 304 on the revalidation rows), or the run fails. Figures on a shared
2-core machine are noisy: run it twice before believing a difference.

    .venv/bin/python bench/http_overhead.py [--seconds 5] [--connections 16] [--workers 1]
        [--database sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import _wrk
import httpx
from _common import BIN, ROOT, database, free_port, server_process

TRANSCRIPT = (
    "[doctor] What brings you in today?\n[patient] My right knee hurts since I twisted it.\n" * 10
)
BODY = {"duration_seconds": 95.5, "original_transcript": TRANSCRIPT, "language_used": "en"}
KEY = "sk_bench_key_0123456789abcdef0123456789abcdef"
BUNDLE = ROOT / "tests" / "data" / "clinia" / "bundle_each_type.json"


@dataclass
class Seeded:
    """What the routes read: credentials and one id of each kind."""

    corti: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    etags: dict[str, str] = field(default_factory=dict)


OMNILOY = {"Authorization": f"Bearer {KEY}", "x-doctor": "dr_bench"}
NABLA = {"Authorization": f"Bearer {KEY}"}
CLINIA = {"X-Clinia-API-Key": KEY}
# name, path, headers (from what was seeded)
Row = tuple[str, Callable[[Seeded], str], Callable[[Seeded], dict[str, str]]]
ROUTES: list[Row] = [
    ("GET /healthz (no auth, no database)", lambda s: "/healthz", lambda s: {}),
    (
        "Corti GET /v2/interactions/{id}",
        lambda s: f"/v2/interactions/{s.ids['interaction']}",
        lambda s: s.corti,
    ),
    ("Corti GET /v2/templates/", lambda s: "/v2/templates/", lambda s: s.corti),
    (
        "Corti GET /v2/templates/ (304)",
        lambda s: "/v2/templates/",
        lambda s: {**s.corti, "If-None-Match": s.etags["/v2/templates/"]},
    ),
    ("Omniloy GET /v1/clinical-notes", lambda s: "/v1/clinical-notes", lambda s: OMNILOY),
    (
        "Omniloy GET /v1/transcriptions/{id}",
        lambda s: f"/v1/transcriptions/{s.ids['transcription']}",
        lambda s: OMNILOY,
    ),
    (
        "Nabla GET .../listen_async/{id}",
        lambda s: f"/v1/copilot-api/server/listen_async/{s.ids['nabla']}",
        lambda s: NABLA,
    ),
    ("Clinia GET /ai/v1/summary-templates", lambda s: "/ai/v1/summary-templates", lambda s: CLINIA),
    (
        "Clinia GET /ai/v1/ingest/{id}/status",
        lambda s: f"/ai/v1/ingest/{s.ids['run']}/status",
        lambda s: CLINIA,
    ),
    # Invox has no read route: its OpenAPI document is the cheapest GET in its dialect.
    ("Invox GET /openapi/invox.json", lambda s: "/openapi/invox.json", lambda s: {}),
    (
        "Invox GET /openapi/invox.json (304)",
        lambda s: "/openapi/invox.json",
        lambda s: {"If-None-Match": s.etags["/openapi/invox.json"]},
    ),
]
BARE_BEFORE = "bare FastAPI GET /bare (before)"
BARE_AFTER = "bare FastAPI GET /bare (after)"


def seed(base: str) -> Seeded:
    """Create one resource of each kind the routes read, over the public API."""
    seeded = Seeded()
    with httpx.Client(base_url=base, timeout=60) as client:
        login(client, seeded)
        interaction = {"encounter": _ENCOUNTER}
        made = client.post("/v2/interactions/", json=interaction, headers=seeded.corti)
        seeded.ids["interaction"] = made.raise_for_status().json()["interactionId"]
        made = client.post("/v1/transcriptions/create", json=BODY, headers=OMNILOY)
        transcription = made.raise_for_status().json()["transcription"]["id"]
        seeded.ids["transcription"] = transcription
        note = {"transcription_id": transcription, "ai_generated_content": {"plan": "rest"}}
        client.post("/v1/clinical-notes", json=note, headers=OMNILOY).raise_for_status()
        seeded.ids["nabla"] = _nabla_request(client)
        ingest = {"patientId": "bench-patient", "bundle": json.loads(BUNDLE.read_text())}
        made = client.post("/ai/v1/ingest", json=ingest, headers=CLINIA)
        seeded.ids["run"] = made.raise_for_status().json()["runId"]
        _settle(client, seeded)
        for path, headers in (("/v2/templates/", seeded.corti), ("/openapi/invox.json", {})):
            seeded.etags[path] = client.get(path, headers=headers).headers.get("etag", '"none"')
    return seeded


_ENCOUNTER = {
    "identifier": "bench",
    "status": "in-progress",
    "type": "consultation",
    "period": {"startedAt": "2026-11-21T09:00:00Z"},
}


def _settle(client: httpx.Client, seeded: Seeded, timeout: float = 300) -> None:
    """Wait for the jobs seeding started, so no background work runs beside the measurements."""
    nabla = f"/v1/copilot-api/server/listen_async/{seeded.ids['nabla']}"
    run = f"/ai/v1/ingest/{seeded.ids['run']}/status"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ingest = client.get(run, headers=CLINIA).json()["status"]
        listen = client.get(nabla, headers=NABLA).json()["status"]
        if ingest != "running" and listen != "ongoing":
            return
        time.sleep(0.2)
    raise RuntimeError("the seeded jobs did not finish")


def _nabla_request(client: httpx.Client) -> str:
    # Nothing listens at port 9: the job fails at once, and its state is what the route reads.
    body = {
        "file_url": "http://127.0.0.1:9/a.wav",
        "callback_url": "http://127.0.0.1:9/cb",
        "language": "en-US",
        "output_objects": ["transcript_item"],
    }
    made = client.post("/v1/copilot-api/server/listen_async", json=body, headers=NABLA)
    if made.status_code != 200:
        raise RuntimeError(f"listen_async answered {made.status_code}: {made.text}")
    return str(made.json()["request_id"])


def login(client: httpx.Client, seeded: Seeded) -> None:
    """A fresh Corti token (they last 300 s, so before each Corti route)."""
    response = client.post(
        "/realms/default/protocol/openid-connect/token",
        data={"grant_type": "client_credentials", "client_id": "default", "client_secret": KEY},
    )
    seeded.corti = {"Authorization": f"Bearer {response.raise_for_status().json()['access_token']}"}


@dataclass
class Measured:
    rows: dict[str, _wrk.Figures]
    bare_rps: float
    bare_cpu_ms: float


@dataclass(frozen=True)
class Server:
    base: str
    pid: int


def measure(scribe: Server, bare: Server, args: argparse.Namespace) -> Measured:
    base = scribe.base
    seeded = seed(base)
    floor = [_load(f"{bare.base}/bare", {}, args, bare.pid)]
    rows: dict[str, _wrk.Figures] = {}
    with httpx.Client(base_url=base, timeout=60) as client:
        for name, path, headers in ROUTES:
            if name.startswith("Corti"):
                login(client, seeded)
            url = base + path(seeded)
            _wrk.run(url, headers(seeded), seconds=1, connections=args.connections)
            rows[name] = _load(url, headers(seeded), args, scribe.pid)
    floor.append(_load(f"{bare.base}/bare", {}, args, bare.pid))
    rows[BARE_BEFORE], rows[BARE_AFTER] = floor
    return Measured(
        rows, sum(f.rps for f in floor) / len(floor), sum(f.cpu_ms for f in floor) / len(floor)
    )


def _load(url: str, headers: dict[str, str], args: argparse.Namespace, pid: int) -> _wrk.Figures:
    return _wrk.run(
        url, headers, seconds=args.seconds, connections=args.connections, server_pid=pid
    )


def print_table(results: dict[str, Measured], args: argparse.Namespace) -> None:
    print(
        f"\nwrk -t1 -c{args.connections} -d{args.seconds:g}s per route; scribe serve "
        f"--workers {args.workers}; x bare = req/s over the bare route's (mean of before and "
        "after); CPU = the server's CPU ms per request, bare/CPU its throughput ratio if the "
        "machine were not shared\n"
    )
    columns = " req/s | p50 ms | p99 ms | x bare | CPU ms | bare/CPU |"
    print("| Route |" + "".join(f" {db}{columns}" for db in results))
    print("|---|" + "--:|--:|--:|--:|--:|--:|" * len(results))
    for name in [*(row[0] for row in ROUTES), BARE_BEFORE, BARE_AFTER]:
        cells = ""
        for measured in results.values():
            f = measured.rows[name]
            cells += f" {f.rps:,.0f} | {f.p50_ms:.2f} | {f.p99_ms:.2f} | "
            cells += f"{f.rps / measured.bare_rps:.2f} | {f.cpu_ms:.2f} | "
            cells += f"{measured.bare_cpu_ms / f.cpu_ms if f.cpu_ms else 0:.2f} |"
        print(f"| {name} |{cells}")


def run_database(kind: str, bare: Server, args: argparse.Namespace) -> Measured:
    with database(kind, "http") as url, tempfile.TemporaryDirectory() as data:
        env = {
            "SCRIBE_DATABASE_URL": url,
            "SCRIBE_DATA_DIR": data,
            "SCRIBE_BOOTSTRAP_API_KEY": KEY,
            "SCRIBE_LOG_LEVEL": "WARNING",
            "SCRIBE_JOBS__RUN_IN_API": "true",
            "SCRIBE_OUTBOUND_ALLOWED_HOSTS": "127.0.0.1",  # the Nabla request's file_url
        }
        migrate = [str(BIN / "scribe"), "migrate"]
        subprocess.run(migrate, env={**os.environ, **env}, check=True, capture_output=True)
        port = free_port()
        serve = [str(BIN / "scribe"), "serve", "--port", str(port), "--workers", str(args.workers)]
        with server_process(serve, env, port) as (base, process):
            return measure(Server(base, process.pid), bare, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1, help="scribe serve --workers N")
    parser.add_argument("--database", default="sqlite,postgresql")
    args = parser.parse_args()
    _wrk.require_wrk()
    bare_port = free_port()
    bare_cmd = [
        *(str(BIN / "uvicorn"), "bare_app:app", "--app-dir", "bench", "--port", str(bare_port)),
        *("--log-level", "warning", "--no-access-log"),
    ]
    results: dict[str, Measured] = {}
    with server_process(bare_cmd, {}, bare_port) as (bare, process):
        for kind in args.database.split(","):
            results[kind] = run_database(kind, Server(bare, process.pid), args)
    print_table(results, args)


if __name__ == "__main__":
    main()
