"""The official Corti TypeScript SDK (`@corti/sdk`, pinned in package.json) against a real server.

Starts `scribe serve` on a fresh, migrated SQLite database, issues a key with `scribe keys create`
and runs `workflow.mjs` under Node: the SDK's client-credentials login against `/realms`, then the
seed workflow on `/v2` (interaction, recording upload, transcript, SOAP and H&P documents,
templates, facts, listing, paging, deletes). Every JSON answer is also checked strictly against
the SDK's own schemas. The script prints one JSON line per step; on failure they are shown here.

Needs Node >= 18 and npm; `npm ci` fills node_modules here on first run. Without Node the test is
skipped on a laptop and fails under CI. Run it alone with
`.venv/bin/python -m pytest tests/contract/corti -q`, or run the script against any server:
`CORTI_BASE_URL=... CORTI_TENANT=... CORTI_CLIENT_ID=... CORTI_CLIENT_SECRET=...
CORTI_AUDIO=tests/data/audio/clip.mono.wav CORTI_VISIT_TEXT=tests/data/visit_knee.txt
node tests/contract/corti/workflow.mjs`.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

HERE = Path(__file__).resolve().parent
TESTS = HERE.parents[1]
AUDIO = TESTS / "data" / "audio" / "clip.mono.wav"
VISIT = TESTS / "data" / "visit_knee.txt"
TENANT = "corti-contract"
WORKFLOW_TIMEOUT_S = 900
READY_TIMEOUT_S = 180


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        reason = f"`{tool}` is not on PATH: the Corti SDK contract test needs Node.js >= 18 and npm"
        if _in_ci():
            pytest.fail(reason + " (CI=true: failing instead of skipping)")
        pytest.skip(reason)
    return path


def _sdk_installed() -> bool:
    """node_modules holds exactly the @corti/sdk version the lock file pins."""
    installed = HERE / "node_modules" / "@corti" / "sdk" / "package.json"
    if not installed.exists():
        return False
    lock = json.loads((HERE / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/@corti/sdk"]["version"]
    return bool(json.loads(installed.read_text())["version"] == pinned)


@pytest.fixture(scope="module")
def node() -> str:
    node = _require("node")
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout.strip()
    if int(version.lstrip("v").split(".")[0]) < 18:
        pytest.fail(f"Node {version} is too old for @corti/sdk (needs >= 18, global fetch)")
    # One `npm ci` at a time: parallel test workers (pytest -n) share this directory.
    with (Path(tempfile.gettempdir()) / "scribe-corti-sdk-npm.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _sdk_installed():
            _npm_ci()
    return node


def _npm_ci() -> None:
    npm = _require("npm")
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0 or not _sdk_installed():
        pytest.fail(
            f"`npm ci` in {HERE} failed (exit {result.returncode}); is the npm registry "
            f"reachable?\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )


@dataclass(frozen=True)
class Server:
    base_url: str
    env: dict[str, str]
    log: Path

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _scribe(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "scribe.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"scribe {' '.join(args)} failed:\n{result.stderr[-3000:]}"
    return result.stdout


def _wait_ready(server: Server, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"scribe serve exited with {process.returncode}:\n{server.log_tail()}")
        try:
            response = httpx.get(f"{server.base_url}/readyz", timeout=5)
            if response.status_code == 200:
                return
            last = f"{response.status_code} {response.text[:500]}"
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.5)
    pytest.fail(f"/readyz not ready after {READY_TIMEOUT_S} s ({last}):\n{server.log_tail()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`scribe serve` as a real process on a fresh SQLite database (the contract needs no more)."""
    data_dir = tmp_path_factory.mktemp("corti-contract")
    port = _free_port()
    env = {
        **os.environ,
        "SCRIBE_DATA_DIR": str(data_dir),
        "SCRIBE_DATABASE_URL": f"sqlite:///{data_dir / 'scribe.db'}",
        "SCRIBE_BOOTSTRAP_API_KEY": "sk_contract_bootstrap_" + os.urandom(8).hex(),
        "SCRIBE_LOG_LEVEL": "WARNING",
    }
    _scribe(env, "migrate")
    log = data_dir / "server.log"
    with log.open("wb") as log_file:
        command = [sys.executable, "-m", "scribe.cli", "serve", "--host", "127.0.0.1"]
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    srv = Server(base_url=f"http://127.0.0.1:{port}", env=env, log=log)
    try:
        _wait_ready(srv, process)
        yield srv
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def _credentials(server: Server) -> tuple[str, str]:
    lines = _scribe(server.env, "keys", "create", "--tenant", TENANT).splitlines()
    wanted = ("client_id=", "api_key=")
    values = dict(line.split("=", 1) for line in lines if line.startswith(wanted))
    assert values.keys() == {"client_id", "api_key"}, f"`scribe keys create` printed {lines}"
    return values["client_id"], values["api_key"]


def _report(stdout: str, stderr: str, server: Server) -> str:
    steps = []
    for line in stdout.splitlines():
        try:
            step = json.loads(line)
        except ValueError:
            steps.append(f"  (not JSON) {line}")
            continue
        mark = "ok  " if step.get("ok") else "FAIL"
        if not step.get("ok"):
            steps.append(f"  {mark} {step.get('step')}\n{json.dumps(step, indent=2)}")
        else:
            steps.append(f"  {mark} {step.get('step')}")
    return (
        "Corti SDK workflow failed. Steps:\n"
        + "\n".join(steps)
        + f"\n--- workflow stderr (tail) ---\n{stderr[-3000:]}"
        + f"\n--- server log (tail) ---\n{server.log_tail()}"
    )


def test_official_corti_sdk_runs_the_seed_workflow(node: str, server: Server) -> None:
    client_id, api_key = _credentials(server)
    env = {
        **os.environ,
        "CORTI_BASE_URL": server.base_url,
        "CORTI_TENANT": TENANT,
        "CORTI_CLIENT_ID": client_id,
        "CORTI_CLIENT_SECRET": api_key,
        "CORTI_AUDIO": str(AUDIO),
        "CORTI_VISIT_TEXT": str(VISIT),
        "NO_COLOR": "1",
    }
    try:
        result = subprocess.run(
            [node, str(HERE / "workflow.mjs")],
            cwd=HERE,
            env=env,
            capture_output=True,
            text=True,
            timeout=WORKFLOW_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else exc.stderr or ""
        report = _report(out, err, server)
        pytest.fail(f"workflow.mjs ran over {WORKFLOW_TIMEOUT_S} s. {report}", pytrace=False)
    lines = result.stdout.splitlines()
    if result.returncode != 0 or not lines or '"step":"done","ok":true' not in lines[-1]:
        pytest.fail(
            f"exit {result.returncode}. " + _report(result.stdout, result.stderr, server),
            pytrace=False,
        )


def test_official_corti_sdk_streams_audio_over_the_websocket(node: str, server: Server) -> None:
    """The SDK's stream client: config, Ogg/Opus chunks, transcript messages, end, ENDED."""
    client_id, api_key = _credentials(server)
    env = {
        **os.environ,
        "CORTI_BASE_URL": server.base_url,
        "CORTI_TENANT": TENANT,
        "CORTI_CLIENT_ID": client_id,
        "CORTI_CLIENT_SECRET": api_key,
        "CORTI_AUDIO": str(TESTS / "data" / "audio" / "knee_visit.ogg"),
        "NO_COLOR": "1",
    }
    result = subprocess.run(
        [node, str(HERE / "stream.mjs")],
        cwd=HERE,
        env=env,
        capture_output=True,
        text=True,
        timeout=WORKFLOW_TIMEOUT_S,
    )
    if result.returncode != 0 or '"ok":true' not in result.stdout:
        pytest.fail(
            f"exit {result.returncode}. " + _report(result.stdout, result.stderr, server),
            pytrace=False,
        )
