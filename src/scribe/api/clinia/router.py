"""Clinia AI engine routes (seed 002): ingestion, summary templates, SSE summaries."""

from __future__ import annotations

from fastapi import APIRouter

from scribe.api.clinia import ingest, summaries, templates

router = APIRouter()
router.include_router(ingest.router)
router.include_router(templates.router)
router.include_router(summaries.router)
