"""Invox Medical AI services."""

from scribe.api.dialects import Dialect, Mount
from scribe.api.invox.auth import has_valid_credentials
from scribe.api.invox.errors import render
from scribe.api.invox.router import router

DIALECT = Dialect("invox", (Mount(router, render, has_valid_credentials),))
