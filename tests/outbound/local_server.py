"""A Starlette app served over real HTTP by uvicorn on 127.0.0.1 in a background thread.

Outbound tests replace only the network on the far side: downloads and callbacks go to this
server through the real client, transport and policy.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Mapping, Sequence

import uvicorn
from starlette.applications import Starlette
from starlette.routing import BaseRoute

from scribe.outbound import IPAddress

_STARTUP_SECONDS = 10.0


class LocalServer:
    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self.app = Starlette(routes=list(routes))
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app, log_level="warning", lifespan="off", ws="none", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]})
        self._thread.start()
        deadline = time.monotonic() + _STARTUP_SECONDS
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.01)

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join()


class StaticResolver:
    """A DNS of fixed answers; each host's answers are used in turn (the last one repeats)."""

    def __init__(self, answers: Mapping[str, Sequence[Sequence[str]]]) -> None:
        self._answers = {host: list(rounds) for host, rounds in answers.items()}
        self.lookups: list[str] = []

    async def resolve(self, host: str, port: int) -> Sequence[IPAddress]:
        self.lookups.append(host)
        rounds = self._answers.get(host)
        if not rounds:
            raise OSError(f"{host} does not resolve")
        answer = rounds.pop(0) if len(rounds) > 1 else rounds[0]
        return [ipaddress.ip_address(address) for address in answer]


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
