"""Corti real-time stream latency: from the first audio chunk sent to the first transcript message.

Starts `scribe serve` (SQLite), creates an interaction per round and streams the audio in ~500 ms
chunks at real-time pace, as a microphone would; prints the median latency over the rounds.

    .venv/bin/python bench/corti_stream_latency.py [--audio PATH] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx
from _common import BIN, free_port, server
from websockets.asyncio.client import connect

from scribe.providers.asr.audio import probe

AUDIO = Path(__file__).resolve().parents[1] / "tests" / "data" / "audio" / "knee_visit.ogg"
KEY = "sk_bench_stream_0123456789abcdef0123456789abcdef"
CONFIG = {
    "type": "config",
    "configuration": {
        "transcription": {"primaryLanguage": "en"},
        "mode": {"type": "transcription"},
    },
}
ENCOUNTER = {"identifier": "bench", "status": "in-progress", "type": "consultation"}


async def one_round(base: str, audio: Path) -> float:
    """Seconds from the first chunk sent to the first transcript message received."""
    headers = {"Authorization": f"Bearer {KEY}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
        created = (await client.post("/v2/interactions/", json={"encounter": ENCOUNTER})).json()
    url = f"{base.replace('http', 'ws')}/audio-bridge/v2/interactions/{created['id']}/streams"
    data = audio.read_bytes()
    size = max(1, int(len(data) * 500 / probe(audio).duration_ms))
    async with connect(f"{url}?token={quote('Bearer ' + KEY)}") as ws:
        await ws.send(json.dumps(CONFIG))
        await ws.recv()
        started = time.perf_counter()
        sender = asyncio.create_task(_send(ws, data, size))
        while json.loads(await ws.recv())["type"] != "transcript":
            pass
        latency = time.perf_counter() - started
        sender.cancel()
    return latency


async def _send(ws: object, data: bytes, size: int) -> None:
    for start in range(0, len(data), size):
        await ws.send(data[start : start + size])  # type: ignore[attr-defined]
        await asyncio.sleep(0.5)


async def rounds(base: str, audio: Path, count: int) -> list[float]:
    return [await one_round(base, audio) for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio", type=Path, default=AUDIO)
    parser.add_argument("--rounds", type=int, default=3)
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
            latencies = asyncio.run(rounds(base, args.audio, args.rounds))
    print(
        json.dumps(
            {
                "audio": args.audio.name,
                "rounds": [round(x, 3) for x in latencies],
                "median_first_transcript_s": round(statistics.median(latencies), 3),
            }
        )
    )


if __name__ == "__main__":
    main()
