"""A Starlette app served over real HTTP by uvicorn on 127.0.0.1 in a background thread.

Outbound tests replace only the network on the far side: downloads and callbacks go to this
server through the real client, transport and policy.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Mapping, Sequence

from scribe.outbound import IPAddress
from tests.local_http import LocalServer

__all__ = ["LocalServer", "StaticResolver"]


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
