"""PostgreSQL out of connections ("too many clients", 53300): 503 in shape, then recovery.

The app connects as a role of its own; once it is serving, its pool is emptied and the role's
CONNECTION LIMIT set to 0, which PostgreSQL refuses exactly as it refuses a connection past
``max_connections`` (same SQLSTATE). The shared server itself is never exhausted.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from fastapi import FastAPI
from psycopg import sql
from sqlalchemy.engine import make_url

from scribe.config import Settings
from scribe.main import create_app
from scribe.runtime import Runtime
from tests.api.corti.conftest import login as corti_login
from tests.conftest import POSTGRES_ADMIN_URL, client_for, make_settings, new_key
from tests.faults.test_database_restart import (
    _answers,
    _assert_unavailable,
    _assert_up,
    _probes,
    _until_up,
    corti_503,
    omniloy_503,
)


def _admin(database_url: str, statement: sql.Composed) -> None:
    admin = make_url(POSTGRES_ADMIN_URL).set(database=make_url(database_url).database)
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(statement)


@pytest.fixture
def limited_role(settings: Settings) -> Iterator[str]:
    """A login role with every right on the suite's database, and no connection limit yet."""
    assert settings.database_url is not None
    name = f"scribe_limited_{uuid.uuid4().hex[:8]}"
    role = sql.Identifier(name)
    grants = [
        sql.SQL("CREATE ROLE {} LOGIN").format(role),
        sql.SQL("GRANT ALL ON SCHEMA public TO {}").format(role),
        sql.SQL("GRANT ALL ON ALL TABLES IN SCHEMA public TO {}").format(role),
        sql.SQL("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {}").format(role),
    ]
    for statement in grants:
        _admin(settings.database_url, statement)
    try:
        yield name
    finally:
        _admin(settings.database_url, sql.SQL("DROP OWNED BY {}").format(role))
        _admin(settings.database_url, sql.SQL("DROP ROLE {}").format(role))


def _set_limit(settings: Settings, role: str, limit: int) -> None:
    assert settings.database_url is not None
    statement = sql.SQL("ALTER ROLE {} CONNECTION LIMIT {}").format(
        sql.Identifier(role), sql.Literal(limit)
    )
    _admin(settings.database_url, statement)


@pytest.fixture
async def limited_app(
    settings: Settings, limited_role: str, tmp_path: Path
) -> AsyncIterator[FastAPI]:
    assert settings.database_url is not None
    url = make_url(settings.database_url).set(username=limited_role)
    built = make_settings(
        url.render_as_string(hide_password=False),
        tmp_path,
        queue_name=f"clients-{uuid.uuid4().hex[:8]}",
    )
    app = create_app(built, run_jobs=False)
    async with app.router.lifespan_context(app):
        yield app


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
class TestTooManyClients:
    async def test_no_connection_to_give_is_503_and_the_app_recovers(
        self, limited_app: FastAPI, settings: Settings, limited_role: str
    ) -> None:
        runtime: Runtime = limited_app.state.runtime
        clients: list[httpx.AsyncClient] = []
        try:
            probes = await _probes(limited_app, clients)
            before = await _answers(probes)
            _assert_up(probes, before)
            unseen = await new_key(runtime)  # not cached: checking it needs the database
            async with client_for(limited_app, None) as anonymous:
                corti_token = await corti_login(anonymous, unseen)

            _set_limit(settings, limited_role, 0)
            await runtime.engine.dispose()  # every request now needs a new connection
            _assert_unavailable(probes, await _answers(probes))
            # A bad body is checked for credentials first (401 before 400): that lookup too.
            async with client_for(limited_app, unseen.api_key, **{"x-doctor": "d"}) as client:
                bad = await client.post("/v1/clinical-notes", json={"template": 1})
            assert bad.status_code == 503, bad.text
            assert omniloy_503(bad.json())
            async with client_for(limited_app, corti_token) as client:
                bad = await client.post("/v2/interactions/", json={"encounter": 1})
            assert bad.status_code == 503, bad.text
            assert corti_503(bad.json())

            _set_limit(settings, limited_role, -1)
            await _until_up(probes)
            note_id = before["omniloy write"].json()["id"]
            kept = await probes["omniloy read"].client.get(f"/v1/clinical-notes/{note_id}")
            assert kept.status_code == 200
        finally:
            for client in clients:
                await client.aclose()
