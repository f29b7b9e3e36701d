"""Nabla Copilot: its routes live under two roots."""

from scribe.api.dialects import Dialect, Mount
from scribe.api.nabla.errors import render
from scribe.api.nabla.router import router
from scribe.dependencies import has_valid_bearer

DIALECT = Dialect(
    "nabla", (Mount(router, render, has_valid_bearer, ("/v1/copilot-api", "/listen_async")),)
)
