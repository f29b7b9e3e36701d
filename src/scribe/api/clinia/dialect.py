"""Clinia: ingestion and summaries under /ai/v1, the template catalogue at the root."""

from scribe.api.clinia.auth import has_valid_key
from scribe.api.clinia.errors import render
from scribe.api.clinia.router import router
from scribe.api.dialects import Dialect, Mount

DIALECT = Dialect(
    "clinia", (Mount(router, render, has_valid_key, ("/ai/v1", "/summary-templates")),)
)
