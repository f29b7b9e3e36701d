"""Operations routes: liveness and readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from scribe.dependencies import RuntimeDep

router = APIRouter(tags=["Operations"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(runtime: RuntimeDep) -> JSONResponse:
    """Database, queue and providers are ready (503 with the failing part otherwise)."""
    checks: dict[str, Any] = {
        "database": await _database(runtime),
        "queue": await _queue(runtime),
        "providers": {
            "llm": {"name": runtime.text.name, "status": "ok"},
            "asr": {"name": runtime.asr.name, "status": "ok"},
        },
    }
    ready = checks["database"] == "ok" and checks["queue"] == "ok"
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)


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
