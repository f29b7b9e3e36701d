"""Signed callbacks: tenant secrets, deliveries, and the record and retry of every try.

A delivery is enqueued in the caller's transaction (a job per try, handed to the queue after
commit); each try is recorded; a failed try schedules the next one after ``retry_delay``, up to
``max_attempts``. Delivery is at least once: a receiver deduplicates on X-Scribe-Delivery-Id,
which stays the same across tries.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scribe.auth import service as auth_service
from scribe.config import WebhookSettings
from scribe.db import new_id, utcnow
from scribe.errors import NotFoundError
from scribe.jobs import service as job_service
from scribe.tenancy import get_owned
from scribe.webhooks.models import (
    DELIVERED,
    FAILED,
    PENDING,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSecret,
)

DELIVER = "webhook_delivery"
SECRET_PREFIX = "whsec_"


@dataclass(frozen=True, slots=True)
class AttemptOutcome:
    """What one try came to; ``retryable`` is False when trying again cannot help."""

    started_at: datetime
    duration_ms: int
    status_code: int | None = None
    error: str | None = None
    retryable: bool = True

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def retry_delay(attempts_made: int, settings: WebhookSettings) -> float | None:
    """Seconds to wait before the next try after ``attempts_made`` failed ones; None: give up.

    ``first_retry_seconds * backoff_factor ** (n - 1)``, capped at ``max_delay_seconds``: with
    the defaults 30 s, 2 min, 8 min, 32 min, 2 h 8 min, 8 h 32 min, 12 h (about 23.4 h in all).
    """
    if attempts_made >= settings.max_attempts:
        return None
    delay = settings.first_retry_seconds * settings.backoff_factor ** (attempts_made - 1)
    return float(min(delay, settings.max_delay_seconds))


def serialise(payload: Any) -> str:
    """The JSON text a payload is sent as: compact, UTF-8, keys in the order given."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


async def active_secret(session: AsyncSession, tenant_id: str) -> WebhookSecret | None:
    return await session.scalar(
        select(WebhookSecret)
        .where(WebhookSecret.tenant_id == tenant_id, WebhookSecret.revoked_at.is_(None))
        .order_by(WebhookSecret.created_at.desc())
        .limit(1)
    )


async def get_or_create_secret(session: AsyncSession, tenant_id: str) -> WebhookSecret:
    """The tenant's current signing secret, made on first use."""
    current = await active_secret(session, tenant_id)
    if current is None:
        current = WebhookSecret(tenant_id=tenant_id, secret=_generate_secret())
        session.add(current)
        await session.flush()
    return current


async def rotate_secret(session: AsyncSession, tenant_id: str) -> WebhookSecret:
    """Replace the tenant's secret; the old one stops signing at once (no grace period)."""
    await session.execute(
        update(WebhookSecret)
        .where(WebhookSecret.tenant_id == tenant_id, WebhookSecret.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    fresh = WebhookSecret(tenant_id=tenant_id, secret=_generate_secret())
    session.add(fresh)
    await session.flush()
    return fresh


async def tenant_secret(session: AsyncSession, tenant_name: str, *, rotate: bool = False) -> str:
    """A tenant's secret by tenant name (made, with the tenant, if new), rotated on request."""
    tenant = await auth_service.get_or_create_tenant(session, tenant_name)
    if rotate:
        return (await rotate_secret(session, tenant.id)).secret
    return (await get_or_create_secret(session, tenant.id)).secret


def _generate_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


async def enqueue_delivery(
    session: AsyncSession, tenant_id: str, url: str, payload: Any, kind: str
) -> WebhookDelivery:
    """Add a pending delivery of ``payload`` to ``url``; its first try runs after commit."""
    # Made now, so the tenant can read the secret before the first callback arrives.
    await get_or_create_secret(session, tenant_id)
    delivery = WebhookDelivery(
        id=new_id(),
        tenant_id=tenant_id,
        url=url,
        kind=kind,
        body=serialise(payload),
        status=PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(delivery)
    _schedule(session, delivery, number=1, at=None)
    await session.flush()
    return delivery


def _schedule(
    session: AsyncSession, delivery: WebhookDelivery, *, number: int, at: datetime | None
) -> None:
    job_service.create_job(
        session,
        tenant_id=delivery.tenant_id,
        kind=DELIVER,
        payload={
            "delivery_id": delivery.id,
            "attempt": number,
            "resource_ids": {"delivery_id": delivery.id},
        },
        run_after=at,
    )


async def record_attempt(
    session: AsyncSession,
    delivery: WebhookDelivery,
    outcome: AttemptOutcome,
    settings: WebhookSettings,
    *,
    now: datetime,
) -> None:
    """Record a try and move the delivery on: delivered, retried after a backoff, or failed."""
    delivery.attempts += 1
    session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            number=delivery.attempts,
            started_at=outcome.started_at,
            duration_ms=outcome.duration_ms,
            status_code=outcome.status_code,
            error=outcome.error,
        )
    )
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error
    delivery.next_attempt_at = None
    delay = retry_delay(delivery.attempts, settings) if outcome.retryable else None
    if outcome.succeeded:
        delivery.status, delivery.delivered_at = DELIVERED, now
    elif delay is None:
        delivery.status = FAILED
    else:
        delivery.next_attempt_at = now + timedelta(seconds=delay)
        _schedule(session, delivery, number=delivery.attempts + 1, at=delivery.next_attempt_at)
    await session.flush()


async def get_delivery(session: AsyncSession, tenant_id: str, delivery_id: str) -> WebhookDelivery:
    """A tenant's delivery; another tenant's id is not found, like an unknown one."""
    missing = NotFoundError("Delivery not found")
    return await get_owned(session, WebhookDelivery, tenant_id, delivery_id, missing)


async def attempts_of(session: AsyncSession, delivery_id: str) -> list[WebhookAttempt]:
    """Every recorded try of a delivery, first first."""
    rows = await session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id == delivery_id)
        .order_by(WebhookAttempt.number)
    )
    return list(rows)
