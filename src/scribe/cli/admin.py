"""`scribe keys`, `scribe vocabulary` and `scribe webhooks`: a tenant's keys, terms and secret."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from scribe.config import Settings

_T = TypeVar("_T")


def add_parsers(commands: Any) -> None:
    keys = commands.add_parser("keys", help="manage API keys").add_subparsers(required=True)
    create = keys.add_parser("create", help="create an API key (and the tenant if new)")
    create.add_argument("--tenant", required=True)
    create.set_defaults(func=_keys_create)
    revoke = keys.add_parser(
        "revoke", help="revoke an API key; its login tokens stop working at once"
    )
    revoke.add_argument("--client-id", required=True)
    revoke.set_defaults(func=_keys_revoke)
    vocabulary = commands.add_parser(
        "vocabulary", help="terms speech recognition favours for a tenant"
    ).add_subparsers(required=True)
    set_terms = vocabulary.add_parser("set", help="replace the tenant's terms")
    set_terms.add_argument("--tenant", required=True)
    set_terms.add_argument("terms", nargs="*", help="terms (an empty list clears them)")
    set_terms.set_defaults(func=_vocabulary_set)
    show = vocabulary.add_parser("show", help="print the tenant's terms, one per line")
    show.add_argument("--tenant", required=True)
    show.set_defaults(func=_vocabulary_show)
    _webhooks_parsers(commands)


def _webhooks_parsers(commands: Any) -> None:
    webhooks = commands.add_parser(
        "webhooks", help="the secret a tenant's callbacks are signed with"
    ).add_subparsers(required=True)
    secret = webhooks.add_parser("secret", help="print the tenant's secret (made if none)")
    secret.add_argument("--tenant", required=True)
    secret.set_defaults(func=_webhooks_secret, rotate=False)
    rotate = webhooks.add_parser(
        "rotate", help="replace the tenant's secret and print it (the old one stops at once)"
    )
    rotate.add_argument("--tenant", required=True)
    rotate.set_defaults(func=_webhooks_secret, rotate=True)


def _keys_create(settings: Settings, args: argparse.Namespace) -> int:
    from scribe.auth import service

    issued = asyncio.run(_in_session(settings, lambda s: service.create_key(s, args.tenant)))
    print(f"client_id={issued.client_id}")
    print(f"api_key={issued.api_key}")
    return 0


def _keys_revoke(settings: Settings, args: argparse.Namespace) -> int:
    from scribe.auth import service

    if not asyncio.run(_in_session(settings, lambda s: service.revoke_key(s, args.client_id))):
        print(f"scribe: no active key has client_id {args.client_id}", file=sys.stderr)
        return 2
    print(f"revoked client_id={args.client_id}")
    return 0


def _vocabulary_set(settings: Settings, args: argparse.Namespace) -> int:
    from scribe.auth import service

    terms = [term for arg in args.terms for term in arg.split(",")]
    tenant = asyncio.run(
        _in_session(settings, lambda s: service.set_vocabulary(s, args.tenant, terms))
    )
    print(f"{len(tenant.vocabulary)} term(s) set for tenant {args.tenant}")
    return 0


def _vocabulary_show(settings: Settings, args: argparse.Namespace) -> int:
    from scribe.auth import service

    async def show(session: Any) -> list[str]:
        tenant = await service.get_or_create_tenant(session, args.tenant)
        return list(tenant.vocabulary)

    for term in asyncio.run(_in_session(settings, show)):
        print(term)
    return 0


def _webhooks_secret(settings: Settings, args: argparse.Namespace) -> int:
    from scribe.webhooks import service

    secret = asyncio.run(
        _in_session(settings, lambda s: service.tenant_secret(s, args.tenant, rotate=args.rotate))
    )
    print(f"webhook_secret={secret}")
    return 0


async def _in_session(settings: Settings, work: Callable[[Any], Awaitable[_T]]) -> _T:
    """Run one unit of work in a session against the configured database, and commit it."""
    from scribe.db import create_engine, create_sessionmaker
    from scribe.secretbox import box_for

    engine = create_engine(settings.sqlalchemy_url, secrets=box_for(settings))
    try:
        async with create_sessionmaker(engine)() as session:
            result = await work(session)
            await session.commit()
            return result
    finally:
        await engine.dispose()
