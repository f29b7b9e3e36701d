"""Omniloy: the clinical workflow (transcriptions, threads, notes) and Codify."""

from scribe.api.dialects import Dialect, Mount
from scribe.api.omniloy.codify import router as codify_router
from scribe.api.omniloy.errors import render
from scribe.api.omniloy.router import router
from scribe.dependencies import has_valid_bearer

DIALECT = Dialect(
    "omniloy",
    (Mount(router, render, has_valid_bearer), Mount(codify_router, render, has_valid_bearer)),
)
