"""GET /console: a static web app (ES modules, no build step) that drives the dialect APIs.

The page and its files hold no data and need no credentials; everything the console shows it
fetches from the dialect routes with the API key the user signs in with. Every response carries a
Content-Security-Policy that allows scripts, styles and requests to this origin only (no inline
script), and audio from ``blob:`` (the file chosen or recorded, played in the page).
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse

from scribe.dependencies import RuntimeDep

STATIC = Path(__file__).parent / "static"
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "microphone=(self), camera=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-cache",
}
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
_ASSET = re.compile(r"[a-z0-9_-]+\.(js|css|svg)")

router = APIRouter(tags=["Console"], include_in_schema=False)


@router.get("/console")
async def console() -> FileResponse:
    """The console's page."""
    return _file("index.html")


@router.get("/console/")
async def console_slash() -> RedirectResponse:
    return RedirectResponse("/console", status_code=308, headers=SECURITY_HEADERS)


@router.get("/console/settings.json")
async def console_settings(runtime: RuntimeDep) -> JSONResponse:
    """The limits the console checks before it sends a file or a transcript."""
    limits = runtime.settings.limits
    body = {
        "recording_bytes": limits.recording_bytes,
        "transcript_bytes": limits.omniloy_transcript_bytes,
        "bundle_bytes": limits.json_body_bytes,
    }
    return JSONResponse(body, headers=SECURITY_HEADERS)


@router.get("/console/static/{name}")
async def console_asset(name: str) -> FileResponse:
    """One of the console's scripts, style sheets or icons."""
    if not _ASSET.fullmatch(name):
        raise HTTPException(status_code=404)
    return _file(name)


def _file(name: str) -> FileResponse:
    path = STATIC / name
    if not path.is_file():
        raise HTTPException(status_code=404)
    return FileResponse(path, media_type=_TYPES[path.suffix], headers=SECURITY_HEADERS)
