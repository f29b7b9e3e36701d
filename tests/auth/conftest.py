"""Fixtures of the credential tests: a real server, for revocations made in another process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI

from tests.local_http import serving


@pytest.fixture(scope="module")
async def served(app: FastAPI) -> AsyncIterator[str]:
    """http:// base of a uvicorn server serving the suite's app (it polls what a socket brings)."""
    async with serving(app) as port:
        yield f"http://127.0.0.1:{port}"
