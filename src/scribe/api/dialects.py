"""A dialect as one object: its routers, and the path prefixes whose errors take its shape.

Each vendor package exports one :class:`Dialect` from its ``dialect`` module; ``create_app``
mounts them in turn. An error scope's prefix is its router's own unless it names others (a router
with routes under several roots)::

    DIALECT = Dialect("corti", (Mount(router, errors.render, auth.has_valid_credentials),))
    DIALECT.mount(app)
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, FastAPI

from scribe.api.errors import Authenticator, Renderer, register_dialect


@dataclass(frozen=True, slots=True)
class Mount:
    router: APIRouter
    # None: the routes answer in the server's default shape (a WebSocket has no error body).
    render: Renderer | None = None
    authenticated: Authenticator | None = None
    # Where the renderer applies; empty: the router's prefix.
    prefixes: tuple[str, ...] = ()

    @property
    def scopes(self) -> tuple[str, ...]:
        return self.prefixes or (self.router.prefix,)


@dataclass(frozen=True, slots=True)
class Dialect:
    name: str
    mounts: tuple[Mount, ...]

    def mount(self, app: FastAPI) -> None:
        for mount in self.mounts:
            if mount.render is not None:
                for prefix in mount.scopes:
                    register_dialect(app, prefix, mount.render, mount.authenticated)
            app.include_router(mount.router)
