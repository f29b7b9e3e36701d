"""The principal cache spares a query per request, and trusts an entry only while it may."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI
from sqlalchemy import update

from scribe.auth.models import ApiCredential
from scribe.auth.revocations import RevocationWatch
from scribe.auth.service import IssuedKey, PrincipalCache, hash_key
from scribe.db import utcnow
from scribe.runtime import Runtime
from tests.conftest import client_for, new_key


async def revoke(runtime: Runtime, key: IssuedKey) -> None:
    async with runtime.sessionmaker() as session:
        await session.execute(
            update(ApiCredential)
            .where(ApiCredential.key_hash == hash_key(key.api_key))
            .values(revoked_at=utcnow())
        )
        await session.commit()


async def status(app: FastAPI, key: IssuedKey) -> int:
    async with client_for(app, key.api_key, **{"x-doctor": "d"}) as client:
        return (await client.get("/v1/clinical-notes")).status_code


class TestInvalidate:
    async def test_a_revoked_key_is_refused_once_its_tenant_is_invalidated(
        self, app: FastAPI, runtime: Runtime
    ) -> None:
        key, other = await new_key(runtime), await new_key(runtime)
        assert await status(app, key) == 200
        assert await status(app, other) == 200
        await revoke(runtime, key)
        await revoke(runtime, other)

        async with runtime.sessionmaker() as session:
            principal = await runtime.principals.authenticate(session, key.api_key)
        assert principal is not None  # still remembered: a revocation elsewhere waits for the TTL
        runtime.principals.invalidate(principal.tenant_id)

        assert await status(app, key) == 401
        assert await status(app, other) == 200  # another tenant's entry is kept
        runtime.principals.invalidate()
        assert await status(app, other) == 401


class TestWatch:
    async def test_a_watch_that_cannot_vouch_trusts_no_entry(self, runtime: Runtime) -> None:
        # A PostgreSQL watch not (yet, or no longer) listening: every request asks the database.
        cache = PrincipalCache(watch=RevocationWatch(listen_dsn="postgresql://unused/x"))
        key = await new_key(runtime)
        async with runtime.sessionmaker() as session:
            assert await cache.authenticate(session, key.api_key) is not None
        await revoke(runtime, key)
        async with runtime.sessionmaker() as session:
            assert await cache.authenticate(session, key.api_key) is None

    async def test_the_servers_watch_is_listening(self, runtime: Runtime) -> None:
        watch = RevocationWatch.for_url(runtime.settings.sqlalchemy_url)
        async with watch.running():
            for _ in range(100):
                if watch.generation() is not None:
                    break
                await asyncio.sleep(0.05)
            assert watch.generation() is not None
