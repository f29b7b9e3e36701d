"""An httpx transport whose every connection goes to an address vetted at connect time.

Checking a URL and then letting the HTTP stack resolve the name again leaves a gap: a hostile DNS
server can answer a public address to the check and 127.0.0.1 to the connect (DNS rebinding).
Here the network backend resolves once, vets every answer with the policy, and opens the socket
to a vetted address itself; the Host header and TLS SNI still carry the original name, because
httpcore takes those from the request, not from the socket.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

import anyio
import httpcore
import httpx

from scribe.outbound.policy import Target, addresses_to_connect
from scribe.outbound.resolver import IPAddress, Resolver, SystemResolver


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Resolve-vet-connect: the address connected to is one the policy accepted."""

    def __init__(self, allowed_hosts: Collection[str], resolver: Resolver | None = None) -> None:
        self._allowed = tuple(allowed_hosts)
        self._resolver = resolver or SystemResolver()
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._vetted(Target(host.lower().rstrip("."), port), timeout)
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure or httpcore.ConnectError(f"no address to connect to for {host}")

    async def _vetted(self, target: Target, timeout: float | None) -> list[IPAddress]:
        try:
            with anyio.fail_after(timeout):
                return list(await addresses_to_connect(target, self._allowed, self._resolver))
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {target.host} timed out") from exc
        except OSError as exc:
            raise httpcore.ConnectError(f"{target.host} does not resolve") from exc

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not reachable from outbound requests")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` over ``PinnedBackend``, never through a proxy.

    Example::

        transport = PinnedTransport(settings.outbound_allowed_hosts)
        async with httpx.AsyncClient(transport=transport, follow_redirects=False) as client:
            ...
    """

    def __init__(
        self,
        allowed_hosts: Collection[str],
        *,
        resolver: Resolver | None = None,
        limits: httpx.Limits | None = None,
    ) -> None:
        limits = limits or httpx.Limits(max_connections=20, max_keepalive_connections=5)
        super().__init__(trust_env=False, limits=limits)
        # httpx offers no network-backend argument, so the pool it built is replaced by one
        # with the same settings over our backend (httpx reads nothing else from it).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PinnedBackend(allowed_hosts, resolver),
        )
