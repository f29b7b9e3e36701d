"""GET /console and its files: served without credentials, each with the strict policy; nothing
else under /console answers."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from scribe.config import Settings
from scribe.console.router import CONTENT_SECURITY_POLICY, STATIC
from scribe.main import create_app
from tests.conftest import client_for

ASSETS = sorted(p.name for p in STATIC.iterdir() if p.name != "index.html")


@pytest.fixture
async def anonymous(app: FastAPI) -> httpx.AsyncClient:
    return client_for(app, None)


class TestPage:
    async def test_the_page_with_its_policy(self, anonymous: httpx.AsyncClient) -> None:
        async with anonymous:
            response = await anonymous.get("/console")
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        policy = response.headers["content-security-policy"]
        assert policy == CONTENT_SECURITY_POLICY
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "connect-src 'self'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert '<script type="module" src="/console/static/app.js"></script>' in response.text
        # No inline script or style: every <script> has a src, and no style attributes.
        assert response.text.count("<script") == response.text.count('<script type="module" src=')
        assert " style=" not in response.text

    @pytest.mark.parametrize("name", ASSETS)
    async def test_each_asset(self, anonymous: httpx.AsyncClient, name: str) -> None:
        async with anonymous:
            response = await anonymous.get(f"/console/static/{name}")
        assert response.status_code == 200
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        kind = "text/javascript" if name.endswith(".js") else "text/css"
        assert response.headers["content-type"].startswith(kind)

    @pytest.mark.parametrize(
        "path",
        [
            "/console/static/missing.js",
            "/console/static/index.html",
            "/console/static/..%2Fapp.js",
            "/console/static/APP.JS",
            "/console/other",
        ],
    )
    async def test_nothing_else(self, anonymous: httpx.AsyncClient, path: str) -> None:
        async with anonymous:
            response = await anonymous.get(path)
        assert response.status_code == 404

    async def test_trailing_slash_redirects(self, anonymous: httpx.AsyncClient) -> None:
        async with anonymous:
            response = await anonymous.get("/console/")
        assert response.status_code == 308
        assert response.headers["location"] == "/console"

    async def test_the_limits_it_checks(
        self, anonymous: httpx.AsyncClient, settings: Settings
    ) -> None:
        async with anonymous:
            response = await anonymous.get("/console/settings.json")
        assert response.status_code == 200
        assert response.json() == {
            "recording_bytes": settings.limits.recording_bytes,
            "transcript_bytes": settings.limits.omniloy_transcript_bytes,
            "bundle_bytes": settings.limits.json_body_bytes,
        }

    def test_switched_off(self, settings: Settings) -> None:
        app = create_app(settings.model_copy(update={"enable_console": False}), run_jobs=False)
        paths = {getattr(route, "path", "") for route in app.routes}
        assert not any(path.startswith("/console") for path in paths)
