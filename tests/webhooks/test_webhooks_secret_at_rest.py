"""Webhook secrets at rest: encrypted in the database, readable only with the secret key."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from pydantic import SecretStr
from sqlalchemy import create_engine, select, text

from scribe.auth import service as auth_service
from scribe.cli import alembic_config
from scribe.config import Settings
from scribe.db import create_engine as create_async_engine
from scribe.db import create_sessionmaker
from scribe.runtime import Runtime
from scribe.secretbox import SecretBox, SecretKeyError, box_for, key_from
from scribe.webhooks import service
from scribe.webhooks.models import WebhookSecret
from tests.conftest import create_postgres_database, drop_postgres_database
from tests.test_migrations import sync_url


async def stored(runtime: Runtime, secret_id: str) -> str:
    """The column's raw text, as anyone reading the database (or a backup) sees it."""
    async with runtime.engine.connect() as connection:
        query = text("SELECT secret FROM webhook_secret WHERE id = :id")
        return str((await connection.execute(query, {"id": secret_id})).scalar_one())


class TestEncryptedAtRest:
    async def test_the_database_holds_a_token_the_service_reads_as_the_secret(
        self, runtime: Runtime, settings: Settings
    ) -> None:
        async with runtime.sessionmaker() as session:
            tenant = await auth_service.get_or_create_tenant(session, f"t-{uuid.uuid4().hex}")
            row = await service.get_or_create_secret(session, tenant.id)
            await session.commit()
        plain = row.secret
        assert plain.startswith("whsec_")

        raw = await stored(runtime, row.id)
        assert plain not in raw
        assert plain[len("whsec_") :] not in raw
        assert box_for(settings).decrypt(raw) == plain
        async with runtime.sessionmaker() as session:
            assert (await service.active_secret(session, tenant.id)) is not None
            again = await session.get_one(WebhookSecret, row.id, populate_existing=True)
            assert again.secret == plain

    async def test_another_key_cannot_read_it(self, runtime: Runtime, settings: Settings) -> None:
        async with runtime.sessionmaker() as session:
            tenant = await auth_service.get_or_create_tenant(session, f"t-{uuid.uuid4().hex}")
            row = await service.get_or_create_secret(session, tenant.id)
            await session.commit()
        other = SecretBox(key_from("some other key", settings.data_dir))
        engine = create_async_engine(settings.sqlalchemy_url, secrets=other)
        try:
            async with create_sessionmaker(engine)() as session:
                with pytest.raises(SecretKeyError):
                    await session.scalar(select(WebhookSecret).where(WebhookSecret.id == row.id))
        finally:
            await engine.dispose()

    def test_the_generated_key_file_is_private_and_stable(self, tmp_path: Path) -> None:
        first = key_from(None, tmp_path / "data")
        assert key_from(None, tmp_path / "data") == first
        assert (tmp_path / "data" / "secret-key").stat().st_mode & 0o777 == 0o600
        assert key_from("configured", tmp_path) != first


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    key = SecretStr("migration-test-key")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'm.db'}"
        yield Settings(database_url=url, data_dir=tmp_path, secret_key=key)
        return
    url = create_postgres_database()
    try:
        yield Settings(database_url=url, data_dir=tmp_path, secret_key=key)
    finally:
        drop_postgres_database(url)


def test_the_migration_encrypts_existing_secrets_and_back(fresh: Settings) -> None:
    config = alembic_config(fresh)
    command.upgrade(config, "0010")
    engine = create_engine(sync_url(fresh))
    plain = "whsec_" + "s" * 43
    read = text("SELECT secret FROM webhook_secret WHERE id = 'w1'")
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO tenant (id, name, vocabulary, created_at, updated_at) "
                    "VALUES ('t1', 'clinic', '[]', :now, :now)"
                ),
                {"now": "2026-12-01 00:00:00"},
            )
            connection.execute(
                text(
                    "INSERT INTO webhook_secret (id, tenant_id, secret, created_at) "
                    "VALUES ('w1', 't1', :secret, :now)"
                ),
                {"secret": plain, "now": "2026-12-01 00:00:00"},
            )
        command.upgrade(config, "head")
        with engine.connect() as connection:
            encrypted = connection.execute(read).scalar_one()
        assert plain not in encrypted
        assert box_for(fresh).decrypt(encrypted) == plain

        command.downgrade(config, "0010")
        with engine.connect() as connection:
            assert connection.execute(read).scalar_one() == plain
    finally:
        engine.dispose()
