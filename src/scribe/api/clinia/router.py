"""Clinia AI engine routes (seed 002): ingestion, summary templates, SSE summaries."""

from __future__ import annotations

from fastapi import APIRouter

from scribe.api.clinia import ingest, summaries, templates
from scribe.api.clinia.errors import CliniaError
from scribe.api.errors import documented
from scribe.api.json_input import CheckedRoute

router = APIRouter(
    route_class=CheckedRoute,
    responses=documented(
        CliniaError, {400: "Invalid parameters", 401: "Missing or invalid API key"}
    ),
)
router.include_router(ingest.router)
router.include_router(templates.router)
router.include_router(summaries.router)
