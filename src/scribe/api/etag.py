"""``ETag`` / ``304`` for answers that rarely change, served from bytes rendered once.

A template catalogue list is the engine's built-ins (fixed per release) and the tenant's own
templates, so its tag is computed from the release, the route and query, and a one-row summary of
the tenant's templates (``template_service.fingerprint``). Any process changing a template
changes that summary, so every worker (and every replica) sees the change at once, with no
invalidation message to miss::

    return await runtime.template_lists.respond(request, session, principal.tenant_id, render)

A client sending the tag back in ``If-None-Match`` gets ``304`` without a body; one that does
not gets the bytes cached for that tag (rendered at most once per tag and process).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from scribe import __version__
from scribe.templates import service as template_service

JSON = "application/json"
# Revalidate on every use: the answer is a tenant's, and it may change at any time.
CACHE_CONTROL = "private, no-cache"


def etag_of(*parts: str) -> str:
    digest = hashlib.sha256("\x1f".join((__version__, *parts)).encode()).hexdigest()
    return f'"{digest[:32]}"'


def matches(request: Request, etag: str) -> bool:
    """Whether the request's ``If-None-Match`` names ``etag`` (weak or strong) or is ``*``."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


def not_modified(etag: str, cache_control: str = CACHE_CONTROL) -> Response:
    return Response(status_code=304, headers={"ETag": etag, "Cache-Control": cache_control})


def cached(body: bytes, etag: str, cache_control: str = CACHE_CONTROL) -> Response:
    headers = {"ETag": etag, "Cache-Control": cache_control}
    return Response(body, media_type=JSON, headers=headers)


def answer(request: Request, body: bytes, etag: str) -> Response:
    """``304`` when the client has this version, else the body, both with the tag."""
    return not_modified(etag) if matches(request, etag) else cached(body, etag)


class TemplateLists:
    """Rendered template lists per tenant and route: the latest version of each, bounded."""

    def __init__(self, *, max_entries: int = 4096) -> None:
        self._max = max_entries
        self._entries: OrderedDict[tuple[str, str], tuple[str, bytes]] = OrderedDict()

    async def respond(
        self,
        request: Request,
        session: AsyncSession,
        tenant_id: str,
        render: Callable[[], Awaitable[BaseModel]],
    ) -> Response:
        """The list ``render`` builds, from the cache when the tenant's templates are unchanged."""
        where = f"{request.url.path}?{_query(request)}"
        stamp = await template_service.fingerprint(session, tenant_id)
        etag = etag_of(tenant_id, where, stamp)
        if matches(request, etag):
            request.state.audit_outcome = "304"
            return not_modified(etag)
        key = (tenant_id, where)
        entry = self._entries.get(key)
        if entry is None or entry[0] != etag:
            body = (await render()).model_dump_json(by_alias=True).encode()
            entry = (etag, body)
            self._store(key, entry)
        self._entries.move_to_end(key)
        return cached(entry[1], etag)

    def invalidate(self, tenant_id: str) -> None:
        """Forget a tenant's lists (their tags stay valid: this only frees the memory)."""
        for key in [key for key in self._entries if key[0] == tenant_id]:
            del self._entries[key]

    def _store(self, key: tuple[str, str], entry: tuple[str, bytes]) -> None:
        self._entries[key] = entry
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)


def _query(request: Request) -> str:
    # Order-insensitive between names, order-preserving within one (lang=en&lang=da matters).
    items = sorted(request.query_params.multi_items(), key=lambda item: item[0])
    return "&".join(f"{name}={value}" for name, value in items)
