"""Drive one route with wrk (a separate process, so the load generator and the server don't share
an event loop) and read its req/s, p50 and p99; every non-2xx/3xx answer fails the run."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float


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
) -> Figures:
    """Load ``url`` for ``seconds`` on ``connections`` keep-alive connections."""
    args = [require_wrk(), f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
    args += ["--timeout", "30s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], check=True, capture_output=True, text=True).stdout
    return parse(out, url)


def parse(out: str, url: str = "") -> Figures:
    """Figures from wrk's --latency report."""
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        raise RuntimeError(f"{url}: {match.group(1)} answers were not 2xx/3xx\n{out}")
    if errors := re.search(r"Socket errors: .*", out):
        raise RuntimeError(f"{url}: {errors.group(0)}\n{out}")
    rps = float(_one(r"Requests/sec:\s+([\d.]+)", out))
    return Figures(rps=rps, p50_ms=_latency("50%", out), p99_ms=_latency("99%", out))


def _latency(label: str, out: str) -> float:
    value, unit = re.findall(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)[0]
    return float(value) * _UNITS[unit]


def _one(pattern: str, out: str) -> str:
    match = re.search(pattern, out)
    if match is None:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    return match.group(1)
