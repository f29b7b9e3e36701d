"""Operations routes: liveness, readiness and Prometheus metrics.

``metrics_router`` is included only with ``SCRIBE_ENABLE_METRICS`` (otherwise /metrics is a 404).
Like /healthz it needs no credentials, so operators keep it off public networks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from scribe.dependencies import RuntimeDep
from scribe.jobs import metrics_server
from scribe.metrics import CONTENT_TYPE

logger = logging.getLogger(__name__)
# Health checks (compose, Kubernetes) give up after about 5 s: answer before they do.
READY_TIMEOUT_SECONDS = 3.0
router = APIRouter(tags=["Operations"])
metrics_router = APIRouter(tags=["Operations"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(runtime: RuntimeDep) -> JSONResponse:
    """Database, queue and providers are ready (503 with the failing part otherwise)."""
    database, queue = await asyncio.gather(
        _bounded(_database(runtime), "database"), _bounded(_queue(runtime), "queue")
    )
    checks: dict[str, Any] = {
        "database": database,
        "queue": queue,
        "providers": {
            "llm": {"name": runtime.text.name, "status": "ok"},
            "asr": {"name": runtime.asr.name, "status": "ok"},
        },
    }
    ready = checks["database"] == "ok" and checks["queue"] == "ok"
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)


@metrics_router.get(
    "/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE: {}}}}
)
async def metrics(runtime: RuntimeDep) -> Response:
    """Prometheus metrics of this process, plus job queue depth (no credentials: keep private)."""
    return Response(await metrics_server.scrape(runtime), media_type=CONTENT_TYPE)


async def _bounded(check: Awaitable[str], what: str) -> str:
    """A check's answer, or an error when it takes longer than a load balancer would wait."""
    try:
        return await asyncio.wait_for(check, timeout=READY_TIMEOUT_SECONDS)
    except TimeoutError:
        logger.warning("readiness check timed out", extra={"check": what})
        return "error: timeout"


async def _database(runtime: RuntimeDep) -> str:
    try:
        async with runtime.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


async def _queue(runtime: RuntimeDep) -> str:
    if runtime.procrastinate is None:
        return "ok"
    try:
        ok = await runtime.procrastinate.check_connection_async()
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok" if ok else "error: procrastinate schema missing"
