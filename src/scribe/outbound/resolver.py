"""Host name resolution, behind a one-method Protocol so the connect-time check can be tested."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from typing import Protocol

import anyio

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Resolver(Protocol):
    """Turns a host name into the addresses a connection may go to; raises OSError if none.

    Example (what the tests use to play a DNS-rebinding attacker)::

        class Rebinding:
            def __init__(self) -> None:
                self.answers = [["93.184.216.34"], ["127.0.0.1"]]

            async def resolve(self, host: str, port: int) -> Sequence[IPAddress]:
                return [ipaddress.ip_address(a) for a in self.answers.pop(0)]
    """

    async def resolve(self, host: str, port: int) -> Sequence[IPAddress]: ...


class SystemResolver:
    """The operating system's resolver (getaddrinfo, run off the event loop by anyio)."""

    async def resolve(self, host: str, port: int) -> Sequence[IPAddress]:
        infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
        if not addresses:
            raise OSError(f"no address for {host}")
        return list(dict.fromkeys(addresses))


def literal_address(host: str) -> IPAddress | None:
    """The address a host is when it is written as one (``10.0.0.1``, ``::1``), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
