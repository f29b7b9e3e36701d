"""The HTTP client for client-given URLs: public addresses only, redirects followed by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Self

import httpx

from scribe.config import OutboundSettings, Settings
from scribe.outbound.errors import TooManyRedirectsError, URLNotAllowedError
from scribe.outbound.policy import check_url
from scribe.outbound.resolver import Resolver
from scribe.outbound.transport import PinnedTransport


class OutboundClient:
    """Fetch and post to URLs clients give us, under the outbound policy at every hop.

    Each request's URL is checked up front and its connection is checked again at connect time
    (see ``transport``); redirects are never followed by httpx, only by ``get_stream``, which
    re-checks every ``Location``. Example::

        async with OutboundClient.from_settings(settings) as client:
            async with client.get_stream(file_url) as response:
                async for chunk in response.aiter_bytes():
                    ...
            status = await client.post(callback_url, content=body, headers=signed, timeout=10)
    """

    def __init__(
        self,
        settings: OutboundSettings,
        allowed_hosts: Collection[str],
        *,
        resolver: Resolver | None = None,
    ) -> None:
        self.settings = settings
        self._allowed = tuple(allowed_hosts)
        self._http = httpx.AsyncClient(
            transport=PinnedTransport(self._allowed, resolver=resolver),
            timeout=httpx.Timeout(
                settings.read_timeout_seconds, connect=settings.connect_timeout_seconds
            ),
            follow_redirects=False,
            trust_env=False,
            headers={"user-agent": "scribe"},
        )

    @classmethod
    def from_settings(cls, settings: Settings, *, resolver: Resolver | None = None) -> Self:
        """Build a client from the process settings (timeouts, allowed hosts)."""
        return cls(settings.outbound, settings.outbound_allowed_hosts, resolver=resolver)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections this client holds."""
        await self._http.aclose()

    @asynccontextmanager
    async def get_stream(self, url: str) -> AsyncIterator[httpx.Response]:
        """GET a URL, following up to ``max_redirects`` checked redirects; the body unread."""
        response = await self._follow(url)
        try:
            yield response
        finally:
            await response.aclose()

    async def _follow(self, url: str) -> httpx.Response:
        current: str | httpx.URL = url
        for _ in range(self.settings.max_redirects + 1):
            check_url(current, self._allowed)
            request = self._http.build_request("GET", current)
            response = await self._http.send(request, stream=True)
            if not response.is_redirect:
                return response
            await response.aclose()
            current = _join(request.url, response.headers["location"])
        raise TooManyRedirectsError(
            f"The URL redirected more than {self.settings.max_redirects} times"
        )

    async def post(
        self,
        url: str,
        *,
        content: bytes,
        headers: Mapping[str, str],
        timeout: float | None = None,
    ) -> int:
        """POST once without following redirects; the status code (the body is never read)."""
        check_url(url, self._allowed)
        limit = httpx.Timeout(timeout) if timeout is not None else httpx.USE_CLIENT_DEFAULT
        request = self._http.build_request(
            "POST", url, content=content, headers=headers, timeout=limit
        )
        response = await self._http.send(request, stream=True)
        await response.aclose()
        return response.status_code


def _join(base: httpx.URL, location: str) -> httpx.URL:
    try:
        return base.join(location)
    except httpx.InvalidURL as exc:
        raise URLNotAllowedError("The URL redirected to an invalid location") from exc
