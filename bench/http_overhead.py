"""HTTP overhead: POST /v1/transcriptions/create beside a bare FastAPI route, in one run.

Both servers are single uvicorn processes on loopback (scribe on a fresh SQLite database, or on
PostgreSQL with --database-url). The load comes from one asyncio process on the same 2-core
machine (a minimal HTTP/1.1 client in _common.drive): 16 keep-alive connections with one request
in flight on each. Each round sends --requests requests to each server, alternating servers,
after 200 warm-up requests; the figures are medians over the rounds.

    .venv/bin/python bench/http_overhead.py [--rounds 5] [--requests 1000] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import tempfile

from _common import BIN, Result, drive, free_port, median, server

TRANSCRIPT = (
    "[doctor] What brings you in today?\n[patient] My right knee hurts since I twisted it.\n" * 10
)
BODY = {"duration_seconds": 95.5, "original_transcript": TRANSCRIPT, "language_used": "en"}
KEY = "sk_bench_key_0123456789abcdef0123456789abcdef"


def summarise(name: str, results: list[Result]) -> dict[str, float]:
    row = {
        "rps": median([r.rps for r in results]),
        "p50": median([r.percentile(0.50) for r in results]),
        "p99": median([r.percentile(0.99) for r in results]),
    }
    print(
        f"{name:<32} {row['rps']:8.0f} req/s   p50 {row['p50']:7.2f} ms   p99 {row['p99']:7.2f} ms"
    )
    return row


async def rounds(scribe: str, bare: str, args: argparse.Namespace) -> None:
    headers = {"Authorization": f"Bearer {KEY}", "x-doctor": "dr_bench"}
    target = f"{scribe}/v1/transcriptions/create"
    await drive(target, json=BODY, headers=headers, total=200, concurrency=args.concurrency)
    await drive(f"{bare}/bare", json=BODY, headers={}, total=200, concurrency=args.concurrency)
    ours: list[Result] = []
    baseline: list[Result] = []
    for _ in range(args.rounds):
        ours.append(
            await drive(
                target,
                json=BODY,
                headers=headers,
                total=args.requests,
                concurrency=args.concurrency,
            )
        )
        baseline.append(
            await drive(
                f"{bare}/bare",
                json=BODY,
                headers={},
                total=args.requests,
                concurrency=args.concurrency,
            )
        )
    a = summarise("scribe POST /v1/transcriptions/create", ours)
    b = summarise("bare FastAPI POST /bare", baseline)
    print(
        f"ratio scribe/bare: throughput {a['rps'] / b['rps']:.2f}x, "
        f"p50 {a['p50'] / b['p50']:.2f}x, p99 {a['p99'] / b['p99']:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--database-url", default="", help="e.g. postgresql://postgres@127.0.0.1:5432/bench"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        env = {
            "SCRIBE_DATABASE_URL": args.database_url,
            "SCRIBE_DATA_DIR": data,
            "SCRIBE_BOOTSTRAP_API_KEY": KEY,
            "SCRIBE_LOG_LEVEL": "WARNING",
        }
        subprocess.run(
            [str(BIN / "scribe"), "migrate"],
            env={**__import__("os").environ, **env},
            check=True,
            capture_output=True,
        )
        scribe_port, bare_port = free_port(), free_port()
        scribe_cmd = [str(BIN / "scribe"), "serve", "--port", str(scribe_port)]
        bare_cmd = [
            str(BIN / "uvicorn"),
            "bare_app:app",
            "--app-dir",
            "bench",
            "--port",
            str(bare_port),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        with (
            server(scribe_cmd, env, scribe_port) as scribe,
            server(bare_cmd, {}, bare_port) as bare,
        ):
            asyncio.run(rounds(scribe, bare, args))


if __name__ == "__main__":
    main()
