"""Per-request plumbing as plain ASGI (safe for streaming): request id, log, edge limits, audit."""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

import anyio
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scribe.api.errors import render_in_dialect
from scribe.api.limits import BodyLimits
from scribe.api.throttle import FailureThrottle, keys_of
from scribe.auth import service as auth_service
from scribe.auth.service import Principal
from scribe.errors import (
    BadRequestError,
    HeadersTooLargeError,
    PayloadTooLargeError,
    ScribeError,
    TooManyRequestsError,
)
from scribe.logs import request_id_var
from scribe.metrics import Metrics

logger = logging.getLogger("scribe.access")
# Not an HTTP status anyone is sent: nginx's "client closed the request", for logs and metrics.
CLIENT_CLOSED = 499


@dataclass(frozen=True, slots=True)
class EdgeLimits:
    body: BodyLimits
    stall_seconds: float
    header_bytes: int
    header_count: int


class RequestContextMiddleware:
    """Request id, access log and metrics, then the edge checks before the app sees a request:
    header size (431), failed-auth throttle (429), declared body size (413); while the app reads
    the body, its size (413), stalls (408) and the client going away (logged, not a 500).
    """

    def __init__(self, app: ASGIApp, *, limits: EdgeLimits, throttle: FailureThrottle) -> None:
        self.app = app
        self.limits = limits
        self.throttle = throttle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")[:64]
        request_id = incoming or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        status = {"code": 500}
        started = time.perf_counter()
        throttle_keys = keys_of(scope)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                if message["status"] == 401:
                    self.throttle.failed(throttle_keys)
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        body = _Body(receive, headers, self.limits, scope["path"])
        try:
            refusal = self._refusal(scope, headers, throttle_keys)
            if refusal is not None:
                await render_in_dialect(Request(scope), refusal)(scope, receive, send_wrapper)
            else:
                await self.app(scope, body.receive, send_wrapper)
        except Exception:
            if not body.disconnected:
                raise
        finally:
            if body.disconnected:
                status["code"] = CLIENT_CLOSED
                logger.info("client disconnected", extra={"received_bytes": body.received})
            elapsed = time.perf_counter() - started
            elapsed_ms = round(elapsed * 1000, 2)
            route = _route_template(scope)
            logger.info(
                "request",
                extra={
                    "method": scope["method"],
                    "route": route,
                    "status": status["code"],
                    "duration_ms": elapsed_ms,
                },
            )
            if metrics := _metrics_of(scope):
                metrics.observe_request(scope["method"], route, status["code"], elapsed)
            _audit(scope, route, status["code"])
            request_id_var.reset(token)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The same edge checks on a WebSocket handshake: a refused one is never accepted."""
        refusal = self._refusal(scope, dict(scope["headers"]), keys_of(scope))
        if refusal is None:
            await self.app(scope, receive, send)
            return
        logger.info("websocket refused", extra={"status": refusal.status_code})
        if (await receive())["type"] != "websocket.connect":
            return  # the client is already gone
        if "websocket.http.response" in scope.get("extensions", {}):
            # The handshake is answered as HTTP: the status and body a plain GET would get (the
            # renderers read a Request, which Starlette builds only from an http scope).
            as_http = Request({**scope, "type": "http", "method": "GET"})
            await render_in_dialect(as_http, refusal)(scope, receive, send)
        else:
            await send({"type": "websocket.close", "code": 1008})  # the server answers 403

    def _refusal(
        self, scope: Scope, headers: dict[bytes, bytes], throttle_keys: list[str]
    ) -> ScribeError | None:
        """Why the request is answered without running the app (cheapest checks first)."""
        raw = scope["headers"]
        size = sum(len(name) + len(value) + 4 for name, value in raw)
        if len(raw) > self.limits.header_count or size > self.limits.header_bytes:
            return HeadersTooLargeError(
                f"Request headers exceed {self.limits.header_count} fields "
                f"or {self.limits.header_bytes} bytes"
            )
        if (wait := self.throttle.retry_after(throttle_keys)) is not None:
            return TooManyRequestsError(
                "Too many failed authentications; try again later", retry_after=wait
            )
        declared = headers.get(b"content-length", b"")
        limit = _limit_of(self.limits, scope["path"], headers)
        if declared.isdigit() and int(declared) > limit:
            return PayloadTooLargeError(_too_large(limit))
        if _has_nul(scope):
            return BadRequestError("The URL must not contain NUL characters (%00)")
        return None


def _has_nul(scope: Scope) -> bool:
    """Whether the path or query string holds a NUL, which no id or column value can contain."""
    # The server has already percent-decoded the path; the query string is still raw bytes.
    query = unquote_to_bytes(scope.get("query_string", b""))
    return "\x00" in scope["path"] or b"\x00" in query


def _limit_of(limits: EdgeLimits, path: str, headers: dict[bytes, bytes]) -> int:
    content_type = headers.get(b"content-type", b"").decode("latin-1")
    return limits.body.for_request(path, content_type)


def _too_large(limit: int) -> str:
    return f"Request body exceeds the {limit} byte limit"


class _Body:
    """The request's receive, counted against the route's limit and cut when it stalls.

    Errors are raised as Starlette's HTTPException because FastAPI turns anything else raised
    while it reads a body into a generic 400; the app's handler renders it in the dialect's shape.
    Once the body is complete, receive waits for the disconnect only (SSE), with no deadline.
    """

    def __init__(
        self, receive: Receive, headers: dict[bytes, bytes], limits: EdgeLimits, path: str
    ) -> None:
        self._receive = receive
        self._limit = _limit_of(limits, path, headers)
        self._stall = limits.stall_seconds
        self._complete = False
        self.received = 0
        self.disconnected = False

    async def receive(self) -> Message:
        if self._complete:
            return await self._receive()
        try:
            with anyio.fail_after(self._stall):
                message = await self._receive()
        except TimeoutError:
            raise HTTPException(408, f"No request body byte for {self._stall:g} s") from None
        if message["type"] == "http.disconnect":
            self.disconnected = True
            return message
        self.received += len(message.get("body", b""))
        if self.received > self._limit:
            raise HTTPException(413, _too_large(self._limit))
        self._complete = not message.get("more_body", False)
        return message


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "<unmatched>"


def _metrics_of(scope: Scope) -> Metrics | None:
    # Absent before the lifespan has built the runtime (and in apps without one).
    runtime = getattr(getattr(scope.get("app"), "state", None), "runtime", None)
    metrics = getattr(runtime, "metrics", None)
    return metrics if isinstance(metrics, Metrics) else None


def _audit(scope: Scope, route: str, status_code: int) -> None:
    state: dict[str, Any] = scope.get("state", {})
    principal: Principal | None = state.get("principal")
    runtime = getattr(getattr(scope.get("app"), "state", None), "runtime", None)
    if principal is None or runtime is None or state.get("audited"):
        return
    # Nothing of a failed request was committed: its record goes to the batched writer.
    runtime.audits.add(
        **auth_service.request_audit_row(
            principal,
            action=f"{scope['method']} {route}",
            outcome=str(status_code),
            resource_ids={**scope.get("path_params", {}), **state.get("audit_ids", {})},
            request_id=state.get("request_id"),
        )
    )
