"""The Corti seed workflow through the API, against a bare faster-whisper run on the same audio.

Each round runs, one after the other on the same machine:
- bare: the default recogniser (tiny.en, int8) transcribing the file in this process;
- API: a `scribe serve` process (SQLite, in-process jobs) driven over HTTP through the whole seed
  workflow: login, create interaction, upload the recording, create the transcript (polling its
  status when it outlasts the synchronous wait), a SOAP and an H&P document from it, list the
  documents, delete the interaction.
The ratio API / bare is the pipeline's overhead over the ASR itself (EVAL.md, "Pipeline overhead").

    .venv/bin/python bench/corti_workflow.py [--audio PATH] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
from _common import BIN, free_port, server

from scribe.config import ASRSettings
from scribe.providers.asr.base import TranscriptionRequest
from scribe.providers.asr.whisper import WhisperRecognizer

AUDIO = Path(__file__).resolve().parents[2] / "shared" / "data" / "audio"
KEY = "sk_bench_corti_0123456789abcdef0123456789abcdef"
ENCOUNTER = {
    "identifier": "bench",
    "status": "in-progress",
    "type": "consultation",
    "period": {"startedAt": "2026-11-21T09:00:00Z"},
}


async def bare(audio: Path) -> float:
    recognizer = WhisperRecognizer(ASRSettings())
    await asyncio.to_thread(recognizer.load)
    started = time.perf_counter()
    await recognizer.transcribe(TranscriptionRequest(audio, language="en"))
    return time.perf_counter() - started


class Steps:
    def __init__(self) -> None:
        self.seconds: dict[str, list[float]] = defaultdict(list)

    async def timed(self, name: str, call: Any) -> httpx.Response:
        started = time.perf_counter()
        response: httpx.Response = await call
        self.seconds[name].append(time.perf_counter() - started)
        if response.status_code >= 400:
            raise SystemExit(f"{name}: {response.status_code} {response.text[:300]}")
        return response


async def workflow(base: str, audio: Path, steps: Steps) -> float:
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=600) as client:
        token = await steps.timed(
            "login",
            client.post(
                "/realms/default/protocol/openid-connect/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": "default",
                    "client_secret": KEY,
                },
            ),
        )
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        created = await steps.timed(
            "interaction", client.post("/v2/interactions/", json={"encounter": ENCOUNTER})
        )
        interaction = f"/v2/interactions/{created.json()['interactionId']}"
        uploaded = await steps.timed(
            "upload",
            client.post(
                f"{interaction}/recordings/",
                content=audio.read_bytes(),
                headers={"Content-Type": "application/octet-stream"},
            ),
        )
        transcript = await transcribe(client, interaction, uploaded.json()["recordingId"], steps)
        context = [{"type": "transcript", "data": item} for item in transcript["transcripts"]]
        for key in ("corti-soap", "corti-h-and-p"):
            await steps.timed(
                key,
                client.post(
                    f"{interaction}/documents/",
                    json={
                        "templateKey": key,
                        "outputLanguage": "en",
                        "context": context,
                    },
                ),
            )
        await steps.timed("list documents", client.get(f"{interaction}/documents/"))
        await steps.timed("delete", client.delete(interaction))
    return time.perf_counter() - started


async def transcribe(
    client: httpx.AsyncClient, interaction: str, recording_id: str, steps: Steps
) -> dict[str, Any]:
    started = time.perf_counter()
    response = await client.post(
        f"{interaction}/transcripts/", json={"recordingId": recording_id, "primaryLanguage": "en"}
    )
    body: dict[str, Any] = response.json()
    while body.get("status") == "processing":
        await asyncio.sleep(0.25)
        status = await client.get(f"{interaction}/transcripts/{body['id']}/status")
        if status.json()["status"] != "processing":
            body = (await client.get(f"{interaction}/transcripts/{body['id']}")).json()
    steps.seconds["transcript"].append(time.perf_counter() - started)
    if body.get("status") != "completed":
        raise SystemExit(f"transcript ended {body.get('status')}")
    return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio", type=Path, default=AUDIO / "aci-valid-D2N069.mono.ogg")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            "SCRIBE_DATA_DIR": data_dir,
            "SCRIBE_BOOTSTRAP_API_KEY": KEY,
            "SCRIBE_LOG_LEVEL": "WARNING",
        }
        migrate = [str(BIN / "scribe"), "migrate"]
        subprocess.run(migrate, env={**os.environ, **env}, check=True, capture_output=True)
        port = free_port()
        command = [str(BIN / "scribe"), "serve", "--port", str(port)]
        with server(command, env, port) as base:
            report(asyncio.run(rounds(base, args.audio, args.rounds)), args.audio)


async def rounds(base: str, audio: Path, count: int) -> tuple[list[float], list[float], Steps]:
    steps, api, asr = Steps(), [], []
    for _ in range(count):
        asr.append(await bare(audio))
        api.append(await workflow(base, audio, steps))
    return api, asr, steps


def report(results: tuple[list[float], list[float], Steps], audio: Path) -> None:
    api, asr, steps = results
    print(f"audio: {audio.name}; {len(api)} rounds, medians")
    print(f"bare faster-whisper transcription  {statistics.median(asr):7.2f} s")
    print(f"Corti seed workflow through the API {statistics.median(api):7.2f} s")
    for name, seconds in steps.seconds.items():
        print(f"  {name:<18} {statistics.median(seconds):7.3f} s")
    ratio = statistics.median(a / b for a, b in zip(api, asr, strict=True))
    print(f"pipeline overhead ratio (API / bare, per round): {ratio:.2f}x")


if __name__ == "__main__":
    sys.exit(main())
