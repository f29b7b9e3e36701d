"""Tenants, API keys, and the audit trail (who did what to which ids, never the clinical text)."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scribe.auth import revocations
from scribe.auth.models import ApiCredential, AuditRecord, Tenant
from scribe.auth.revocations import Generation, RevocationWatch
from scribe.db import utcnow

KEY_PREFIX = "sk_"


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller, as every service sees it."""

    tenant_id: str
    tenant_name: str
    client_id: str
    actor: str | None = None
    patient_ref: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IssuedKey:
    client_id: str
    api_key: str
    tenant_name: str


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


async def get_or_create_tenant(session: AsyncSession, name: str) -> Tenant:
    tenant = await session.scalar(select(Tenant).where(Tenant.name == name))
    if tenant is None:
        tenant = Tenant(name=name)
        session.add(tenant)
        await session.flush()
    return tenant


async def set_vocabulary(session: AsyncSession, tenant_name: str, terms: list[str]) -> Tenant:
    """Replace the terms speech recognition is biased towards for a tenant (created if new)."""
    tenant = await get_or_create_tenant(session, tenant_name)
    tenant.vocabulary = list(dict.fromkeys(term.strip() for term in terms if term.strip()))
    await session.flush()
    return tenant


async def vocabulary_of(session: AsyncSession, tenant_id: str) -> list[str]:
    terms = await session.scalar(select(Tenant.vocabulary).where(Tenant.id == tenant_id))
    return list(terms or [])


async def create_key(
    session: AsyncSession,
    tenant_name: str,
    *,
    api_key: str | None = None,
    client_id: str | None = None,
) -> IssuedKey:
    """Register a key for a tenant (made if new); the key itself is returned once, never stored."""
    tenant = await get_or_create_tenant(session, tenant_name)
    key = api_key or generate_key()
    credential = ApiCredential(
        tenant_id=tenant.id,
        client_id=client_id or f"{tenant_name}-{secrets.token_hex(6)}",
        key_hash=hash_key(key),
        key_prefix=key[:12],
    )
    session.add(credential)
    await session.flush()
    return IssuedKey(client_id=credential.client_id, api_key=key, tenant_name=tenant.name)


async def revoke_key(session: AsyncSession, client_id: str) -> bool:
    """Revoke a key by its client id; False when no unrevoked key has it.

    Once the transaction commits, the key and its login tokens (Corti, Invox) stop working at
    once on every server process (the key through ``revocations.announce``).
    """
    revoked = await session.scalar(
        update(ApiCredential)
        .where(ApiCredential.client_id == client_id, ApiCredential.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .returning(ApiCredential.tenant_id)
    )
    if revoked is None:
        return False
    record_audit(
        session,
        tenant_id=revoked,
        action="key.revoke",
        outcome="success",
        actor="scribe-cli",
        resource_ids={"client_id": client_id},
    )
    await revocations.announce(session)
    await session.flush()
    return True


async def authenticate(session: AsyncSession, api_key: str) -> Principal | None:
    """The principal for an API key, or None when it is unknown or revoked."""
    row = (
        await session.execute(
            select(ApiCredential.client_id, Tenant.id, Tenant.name)
            .join(Tenant, Tenant.id == ApiCredential.tenant_id)
            .where(ApiCredential.key_hash == hash_key(api_key))
            .where(ApiCredential.revoked_at.is_(None))
        )
    ).first()
    if row is None:
        return None
    client_id, tenant_id, tenant_name = row
    return Principal(tenant_id=tenant_id, tenant_name=tenant_name, client_id=client_id)


class PrincipalCache:
    """Authenticated keys, remembered for a few seconds to spare a query per request.

    With a ``watch`` (the server's), an entry is used only under the credential generation it
    was checked in, so a key revoked or a tenant purged by any process (``scribe keys revoke``,
    another replica) stops working at once: see ``auth/revocations.py``. Without one, only a
    change in this process that calls ``invalidate(tenant_id)`` does; others wait for the TTL.
    """

    def __init__(
        self,
        *,
        ttl_seconds: float = 30.0,
        max_entries: int = 10_000,
        watch: RevocationWatch | None = None,
    ) -> None:
        self._ttl = ttl_seconds
        self._max = max_entries
        self._watch = watch
        self._entries: dict[str, tuple[float, Principal, Generation | None]] = {}

    async def authenticate(self, session: AsyncSession, api_key: str) -> Principal | None:
        digest = hash_key(api_key)
        now = time.monotonic()
        # Read before the query: a revocation landing during it makes the entry stale at once.
        generation = self._watch.generation() if self._watch is not None else None
        trusted = self._watch is None or generation is not None
        cached = self._entries.get(digest)
        if trusted and cached is not None and cached[0] > now and cached[2] == generation:
            return cached[1]
        principal = await authenticate(session, api_key)
        if principal is not None and trusted:
            if len(self._entries) >= self._max:
                self._entries.clear()
            self._entries[digest] = (now + self._ttl, principal, generation)
        return principal

    def invalidate(self, tenant_id: str | None = None) -> None:
        """Forget a tenant's keys (every key when ``tenant_id`` is None)."""
        if tenant_id is None:
            self._entries.clear()
            return
        stale = [k for k, entry in self._entries.items() if entry[1].tenant_id == tenant_id]
        for digest in stale:
            self._entries.pop(digest, None)


async def has_credentials(session: AsyncSession) -> bool:
    return (await session.scalar(select(ApiCredential.id).limit(1))) is not None


def request_audit_row(
    principal: Principal,
    *,
    action: str,
    outcome: str,
    resource_ids: dict[str, Any],
    request_id: str | None,
) -> dict[str, Any]:
    """A request's audit columns: who (tenant, client, actor, patient), what, the outcome."""
    return {
        "tenant_id": principal.tenant_id,
        "client_id": principal.client_id,
        "actor": principal.actor,
        "patient_ref": principal.patient_ref,
        "action": action,
        "outcome": outcome,
        "resource_ids": resource_ids,
        "request_id": request_id,
    }


def record_request_audit(
    session: AsyncSession,
    principal: Principal,
    *,
    action: str,
    outcome: str,
    resource_ids: dict[str, Any],
    request_id: str | None,
) -> None:
    """Audit an authenticated request inside its own transaction."""
    row = request_audit_row(
        principal, action=action, outcome=outcome, resource_ids=resource_ids, request_id=request_id
    )
    record_audit(session, **row)


def record_audit(
    session: AsyncSession,
    *,
    tenant_id: str,
    action: str,
    outcome: str,
    client_id: str | None = None,
    actor: str | None = None,
    patient_ref: str | None = None,
    resource_ids: dict[str, Any] | None = None,
    request_id: str | None = None,
) -> None:
    session.add(
        AuditRecord(
            tenant_id=tenant_id,
            client_id=client_id,
            actor=actor,
            patient_ref=patient_ref,
            action=action,
            outcome=outcome,
            resource_ids=resource_ids or {},
            request_id=request_id,
        )
    )
