"""Every Corti API v2 route under /v2 (each resource in its own module)."""

from __future__ import annotations

from fastapi import APIRouter

from scribe.api.corti import documents, facts, interactions, recordings, templates, transcripts
from scribe.api.corti.errors import RESPONSES
from scribe.api.json_input import CheckedRoute

router = APIRouter(
    route_class=CheckedRoute, prefix="/v2", tags=["Corti API v2"], responses=RESPONSES
)
for module in (interactions, recordings, transcripts, documents, templates, facts):
    router.include_router(module.router)
