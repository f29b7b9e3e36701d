"""The principal cache spares a query per request, and forgets a tenant's keys when told."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import update

from scribe.auth.models import ApiCredential
from scribe.auth.service import IssuedKey, hash_key
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
