"""Extraction run time on a ~1,500-word transcript: the engine alone, and a run through the API.

The transcript is built from ACI-Bench valid dialogues (../shared/data) up to 1,500 words. The API
figure is POST run + GET join through the ASGI app in this process (SQLite, in-process jobs), so it
includes HTTP handling, the job queue and the database; the engine figure is write_note alone.

    .venv/bin/python bench/extraction.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from alembic import command

from scribe import clinical
from scribe.cli import alembic_config
from scribe.config import Settings
from scribe.main import create_app

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "aci-bench" / "valid.csv"
KEY = "sk_bench_extraction_0123456789abcdef01234567"


def transcript(words: int = 1500) -> str:
    csv.field_size_limit(sys.maxsize)
    lines: list[str] = []
    count = 0
    with DATA.open(newline="") as handle:
        for row in csv.DictReader(handle):
            for line in row["dialogue"].splitlines():
                if count >= words:
                    return "\n".join(lines)
                lines.append(line)
                count += len(line.split())
    return "\n".join(lines)


def engine_times(text: str, repeat: int) -> list[float]:
    template = clinical.get_template("SOAP")
    assert template is not None
    utterances = clinical.parse_transcript(text)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        clinical.write_note(utterances, template)
        times.append((time.perf_counter() - started) * 1000)
    return times


async def api_times(text: str, repeat: int, data_dir: str) -> list[float]:
    settings = Settings(data_dir=Path(data_dir), bootstrap_api_key=KEY, log_level="WARNING")
    await asyncio.to_thread(command.upgrade, alembic_config(settings), "head")
    app = create_app(settings)
    headers = {"Authorization": f"Bearer {KEY}", "x-doctor": "dr_bench"}
    times = []
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench", headers=headers
        ) as client,
    ):
        created = await client.post(
            "/v1/transcriptions/create", json={"duration_seconds": 600, "original_transcript": text}
        )
        transcription = created.json()["transcription"]["id"]
        thread = (await client.post("/v1/lang-graph/threads")).json()["thread_id"]
        body = {
            "input": {"messages": [{"role": "user", "content": "Generate a SOAP note"}]},
            "config": {"configurable": {"thread_id": thread, "transcription_id": transcription}},
        }
        for _ in range(repeat):
            started = time.perf_counter()
            run = (await client.post(f"/v1/lang-graph/threads/{thread}/runs", json=body)).json()
            joined = await client.get(f"/v1/lang-graph/threads/{thread}/runs/{run['run_id']}/join")
            assert joined.json()["status"] == "completed", joined.text
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    text = transcript()
    print(f"transcript: {len(text.split())} words, {len(text.splitlines())} turns")
    engine = engine_times(text, args.repeat)
    with tempfile.TemporaryDirectory() as data_dir:
        api = asyncio.run(api_times(text, args.repeat, data_dir))
    e, a = statistics.median(engine), statistics.median(api)
    print(f"engine write_note (SOAP)        median {e:8.1f} ms   min {min(engine):8.1f} ms")
    print(f"API extraction run (run + join) median {a:8.1f} ms   min {min(api):8.1f} ms")
    print(
        f"ratio API/engine: {a / e:.2f}x; "
        f"per 1,000 words: engine {e / len(text.split()) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
