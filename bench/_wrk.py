"""Drive one route with wrk (a separate process, so the load generator and the server don't share
an event loop) and read its req/s, p50 and p99; every non-2xx/3xx answer fails the run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int = 0
    # The server's CPU time (its processes, user + system) per request: steadier than req/s
    # on a machine shared with other work, which takes CPU from the server but not its cost.
    cpu_ms: float = 0.0


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its children (uvicorn's workers), in seconds."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for one in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids = [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
        for kid in kids:
            found += [kid, *_children(kid)]
    return found


def require_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("bench/http_overhead.py needs wrk: apt-get install -y wrk")
    return found


def run(
    url: str,
    headers: dict[str, str],
    *,
    seconds: float,
    connections: int,
    threads: int = 1,
    server_pid: int | None = None,
) -> Figures:
    """Load ``url`` for ``seconds`` on ``connections`` keep-alive connections."""
    args = [require_wrk(), f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
    args += ["--timeout", "30s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    before = cpu_seconds(server_pid) if server_pid else 0.0
    out = subprocess.run([*args, url], check=True, capture_output=True, text=True).stdout
    figures = parse(out, url)
    if server_pid and figures.requests:
        used = cpu_seconds(server_pid) - before
        figures = replace(figures, cpu_ms=used * 1000 / figures.requests)
    return figures


def parse(out: str, url: str = "") -> Figures:
    """Figures from wrk's --latency report."""
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        raise RuntimeError(f"{url}: {match.group(1)} answers were not 2xx/3xx\n{out}")
    if errors := re.search(r"Socket errors: .*", out):
        raise RuntimeError(f"{url}: {errors.group(0)}\n{out}")
    rps = float(_one(r"Requests/sec:\s+([\d.]+)", out))
    requests = int(_one(r"(\d+) requests in", out))
    return Figures(rps, _latency("50%", out), _latency("99%", out), requests)


def _latency(label: str, out: str) -> float:
    value, unit = re.findall(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)[0]
    return float(value) * _UNITS[unit]


def _one(pattern: str, out: str) -> str:
    match = re.search(pattern, out)
    if match is None:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    return match.group(1)
