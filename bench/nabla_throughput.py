"""Nabla listen_async throughput: N requests submitted at once, time until the last callback.

A `scribe serve` process (SQLite, in-process jobs, real Whisper tiny.en and the embedded note
engine) gets N listen_async requests at the same moment. A local server in this process serves
the audio (file_url) and receives the callbacks (callback_url), checking each signature. Reported:
the submit time, the time from the first submit until the last callback, callbacks received,
successes and errors, and jobs lost (requests whose callback never came: must be 0).

    .venv/bin/python bench/nabla_throughput.py [--audio PATH] [--requests 20] [--timeout 1800]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn
from _common import BIN, free_port, server
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scribe.webhooks.signing import verify

AUDIO = Path(__file__).resolve().parents[2] / "shared" / "data" / "audio"
KEY = "sk_bench_nabla_0123456789abcdef0123456789abcdef"


@dataclass
class Far:
    """The client's side: serves the audio, records each callback's arrival."""

    audio: bytes
    arrivals: dict[str, tuple[float, dict[str, object]]] = field(default_factory=dict)
    bodies: list[tuple[str, bytes]] = field(default_factory=list)

    async def file(self, request: Request) -> Response:
        return Response(self.audio, media_type="audio/wav")

    async def hook(self, request: Request) -> Response:
        body = await request.body()
        self.bodies.append((request.headers.get("x-scribe-signature", ""), body))
        parsed = json.loads(body)
        self.arrivals.setdefault(parsed["id"], (time.perf_counter(), parsed))
        return Response(status_code=200)


def serve_far(far: Far) -> tuple[uvicorn.Server, threading.Thread, int]:
    app = Starlette(routes=[Route("/audio", far.file), Route("/hook", far.hook, methods=["POST"])])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", lifespan="off", ws="none")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not instance.started:
        time.sleep(0.01)
    return instance, thread, int(sock.getsockname()[1])


async def run(base: str, far: Far, far_port: int, count: int, timeout: float, secret: str) -> None:
    headers = {"Authorization": f"Bearer {KEY}"}
    body = {
        "file_url": f"http://127.0.0.1:{far_port}/audio",
        "callback_url": f"http://127.0.0.1:{far_port}/hook",
        "output_objects": ["transcript_item", "note"],
        "language": "en-US",
        "note_template": "GENERAL_MEDICINE",
    }
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120) as client:
        started = time.perf_counter()
        responses = await asyncio.gather(
            *(
                client.post(
                    "/v1/copilot-api/server/listen_async",
                    json={**body, "client_request_id": str(uuid.uuid4())},
                )
                for _ in range(count)
            )
        )
        submitted = time.perf_counter() - started
        ids = {r.json()["request_id"] for r in responses if r.status_code == 200}
        deadline = time.monotonic() + timeout
        while not ids <= set(far.arrivals) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        report(far, ids, started, submitted, count, secret)


def report(
    far: Far, ids: set[str], started: float, submitted: float, count: int, secret: str
) -> None:
    arrived = {i: far.arrivals[i] for i in ids if i in far.arrivals}
    errors = sum(1 for _, payload in arrived.values() if "error" in payload)
    last = max((at for at, _ in arrived.values()), default=started) - started
    signed = all(verify(secret, raw, sig) for sig, raw in far.bodies)
    print(f"requests submitted at once: {count}; accepted: {len(ids)} in {submitted:.2f} s")
    print(f"time until the last callback: {last:.1f} s")
    print(f"callbacks received: {len(arrived)} ({len(arrived) - errors} success, {errors} error)")
    print(f"signatures valid: {signed}")
    print(f"jobs lost: {count - len(arrived)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio", type=Path, default=AUDIO / "aci-valid-D2N069-first8.mono.wav")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=1800.0)
    args = parser.parse_args()
    far = Far(args.audio.read_bytes())
    instance, thread, far_port = serve_far(far)
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            "SCRIBE_DATA_DIR": data_dir,
            "SCRIBE_BOOTSTRAP_API_KEY": KEY,
            "SCRIBE_LOG_LEVEL": "WARNING",
            "SCRIBE_OUTBOUND_ALLOWED_HOSTS": "127.0.0.1",
        }
        full_env = {**os.environ, **env}
        subprocess.run([str(BIN / "scribe"), "migrate"], env=full_env, check=True)
        port = free_port()
        with server([str(BIN / "scribe"), "serve", "--port", str(port)], env, port) as base:
            secret = _read_secret(full_env)
            asyncio.run(run(base, far, far_port, args.requests, args.timeout, secret))
    instance.should_exit = True
    thread.join(timeout=5)


def _read_secret(env: dict[str, str]) -> str:
    """The default tenant's webhook secret, read with the CLI (``scribe webhooks secret``)."""
    command = [str(BIN / "scribe"), "webhooks", "secret", "--tenant", "default"]
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return output.strip().splitlines()[-1].split("=", 1)[-1]


if __name__ == "__main__":
    main()
