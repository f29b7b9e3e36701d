"""The console in a real browser: the whole app on 127.0.0.1 (its own database on SQLite or
PostgreSQL, the real engine and Whisper) and Debian's chromium driven by Playwright.

Playwright's own browser download is not used: the tests look for a system chromium
(``SCRIBE_TEST_CHROMIUM``, else ``chromium`` on the PATH; ``make chromium`` installs it). Without
one they skip, except under ``CI=true``, where they fail. With ``SCRIBE_CONSOLE_SCREENSHOTS=DIR``
they save the README's screenshots there.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from alembic import command

from scribe.cli import alembic_config
from scribe.clinical.coding import code_note
from scribe.config import Settings
from scribe.main import create_app
from tests.conftest import (
    BOOTSTRAP_KEY,
    create_postgres_database,
    drop_postgres_database,
    make_settings,
)

STARTUP_SECONDS = 120.0
# Small enough that the "huge file" test needs only a few megabytes.
RECORDING_LIMIT = 1024 * 1024
DATA = Path(__file__).parents[1] / "data"


def chromium_path() -> str | None:
    configured = os.environ.get("SCRIBE_TEST_CHROMIUM")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _chromium_or_skip() -> str:
    path = chromium_path()
    if path is None:
        reason = "no chromium found for the browser tests (install it: make chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI runs them, so this fails instead of skipping")
        pytest.skip(reason + "; or set SCRIBE_TEST_CHROMIUM to a Chromium or Chrome binary")
    return path


class AppServer:
    """create_app(settings) with its lifespan, served by uvicorn in a thread on 127.0.0.1."""

    def __init__(self, settings: Settings, backend: str) -> None:
        self.settings = settings
        self.backend = backend
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        config = uvicorn.Config(
            create_app(settings),
            lifespan="on",
            ws="none",
            log_level="warning",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]})

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self._server.started:
            assert self._thread.is_alive(), "the server did not start"
            assert time.monotonic() < deadline, "the server did not start in time"
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join()


@pytest.fixture(scope="session")
def console_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    _chromium_or_skip()
    data_dir = tmp_path_factory.mktemp("console")
    url = f"sqlite:///{data_dir / 'scribe.db'}" if backend == "sqlite" else None
    url = url or create_postgres_database()
    settings = make_settings(url, data_dir)
    limits = settings.limits.model_copy(update={"recording_bytes": RECORDING_LIMIT})
    settings = settings.model_copy(update={"limits": limits})
    _in_thread(lambda: command.upgrade(alembic_config(settings), "head"))
    server = AppServer(settings, backend)
    # The coder builds its ICD-10 index on first use (seconds): meanwhile the browser starts.
    threading.Thread(target=code_note, args=("Knee sprain.",), daemon=True).start()
    server.start()
    try:
        yield server
    finally:
        server.stop()
        if backend != "sqlite":
            drop_postgres_database(url)


def _in_thread(work: Callable[[], object]) -> None:
    """Run work off this thread: Playwright's sync API keeps an event loop running on it, and
    Alembic's env starts one of its own."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


# Module scope: while Playwright's sync API runs, its event loop is the running loop of this
# thread, which the async tests of other modules need free.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = _chromium_or_skip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            # No sandbox in containers run as root; a fake microphone for MediaRecorder.
            args=[
                "--no-sandbox",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Console:
    """One browser tab on the console, with what the page logged as errors."""

    page: Any
    server: AppServer
    errors: list[str] = field(default_factory=list)
    # Responses of 400 and above, for the failure messages.
    failed: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return BOOTSTRAP_KEY

    def open(self) -> None:
        self.page.goto(self.server.base_url + "/console")
        ready = self.page.locator("html[data-ready=true]")
        ready.wait_for(state="attached")

    def sign_in(self, key: str | None = None) -> None:
        self.open()
        self.page.get_by_label("API key").fill(key or self.key)
        self.page.get_by_role("button", name="Sign in").click()

    def signed_in(self) -> None:
        self.sign_in()
        self.page.wait_for_selector("#workspace:not([hidden])")

    def alert(self) -> str:
        alert = self.page.locator("#alert")
        alert.wait_for(state="visible")
        return str(alert.inner_text())

    def screenshot(self, name: str) -> None:
        folder = os.environ.get("SCRIBE_CONSOLE_SCREENSHOTS")
        if folder and self.server.backend == "sqlite":
            Path(folder).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)

    def unexpected_errors(self) -> list[str]:
        """Console errors other than the browser's own line for an HTTP error response."""
        return [e for e in self.errors if "Failed to load resource" not in e]


@pytest.fixture
def console(console_server: AppServer, browser: Any) -> Iterator[Console]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    tab = Console(page, console_server)
    page.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: tab.errors.append(f"uncaught: {e}"))
    page.on(
        "response", lambda r: tab.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    try:
        yield tab
    finally:
        context.close()
