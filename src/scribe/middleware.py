"""Per-request plumbing as plain ASGI (safe for streaming): request id, log, body cap, audit."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scribe.auth import service as auth_service
from scribe.auth.service import Principal
from scribe.logs import request_id_var
from scribe.metrics import Metrics

logger = logging.getLogger("scribe.access")

# Audio upload routes (Corti recordings): clients send raw bytes under any content type,
# including curl's default form-urlencoded.
_UPLOAD_PATH = re.compile(r"/recordings?/?$")
_JSON_TYPES = ("application/json", "text/", "application/x-www-form-urlencoded")


class RequestContextMiddleware:
    def __init__(
        self, app: ASGIApp, *, json_body_bytes: int, route_caps: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.json_body_bytes = json_body_bytes
        # Routes whose JSON legitimately carries more (Codify's base64 PDF), by exact path.
        self.route_caps = route_caps or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
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

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            if _UPLOAD_PATH.search(scope["path"]):
                capped = receive  # streamed to storage under the upload route's own limits
            else:
                limit = self.route_caps.get(scope["path"].rstrip("/"), self.json_body_bytes)
                capped = _capped(receive, headers, limit)
            await self.app(scope, capped, send_wrapper)
        finally:
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
            await _audit(scope, route, status["code"])
            request_id_var.reset(token)


def _capped(receive: Receive, headers: dict[bytes, bytes], limit: int) -> Receive:
    """Refuse JSON-like bodies over the limit; uploads are capped by their own routes.

    Raised as Starlette's HTTPException because FastAPI turns anything else raised while it
    reads a body into a generic 400; the app's handler renders it in the dialect's shape.
    """
    content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
    if not content_type.startswith(_JSON_TYPES) and content_type:
        return receive
    declared = headers.get(b"content-length")
    received = 0

    async def wrapped() -> Message:
        nonlocal received
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise HTTPException(413, f"Request body exceeds the {limit} byte limit")
        message = await receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise HTTPException(413, f"Request body exceeds the {limit} byte limit")
        return message

    return wrapped


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "<unmatched>"


def _metrics_of(scope: Scope) -> Metrics | None:
    # Absent before the lifespan has built the runtime (and in apps without one).
    runtime = getattr(getattr(scope.get("app"), "state", None), "runtime", None)
    metrics = getattr(runtime, "metrics", None)
    return metrics if isinstance(metrics, Metrics) else None


async def _audit(scope: Scope, route: str, status_code: int) -> None:
    state: dict[str, Any] = scope.get("state", {})
    principal: Principal | None = state.get("principal")
    app = scope.get("app")
    if principal is None or app is None or state.get("audited"):
        return
    resource_ids = {**scope.get("path_params", {}), **state.get("audit_ids", {})}
    try:
        async with app.state.runtime.sessionmaker() as session:
            auth_service.record_request_audit(
                session,
                principal,
                action=f"{scope['method']} {route}",
                outcome=str(status_code),
                resource_ids=resource_ids,
                request_id=state.get("request_id"),
            )
            await session.commit()
    except Exception:
        logger.warning("audit record not written", exc_info=True)
