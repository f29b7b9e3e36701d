"""The webhook_delivery job: one signed try of a delivery, recorded, the next one scheduled."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx

from scribe.config import Settings
from scribe.db import utcnow
from scribe.jobs.runner import JobContext, handler
from scribe.outbound import OutboundClient, Resolver, URLNotAllowedError
from scribe.webhooks import service
from scribe.webhooks.models import PENDING, WebhookDelivery
from scribe.webhooks.signing import DELIVERY_ID_HEADER, SIGNATURE_HEADER, sign

logger = logging.getLogger(__name__)


@handler(service.DELIVER)
async def deliver(ctx: JobContext) -> dict[str, Any]:
    """Make try number ``attempt`` of a delivery, unless it already happened or is moot."""
    delivery = await ctx.session.get(WebhookDelivery, ctx.job.input["delivery_id"])
    number = int(ctx.job.input["attempt"])
    # A re-run of a try already recorded (the worker died after committing) sends nothing.
    if delivery is None or delivery.status != PENDING or delivery.attempts >= number:
        return {"delivery_id": ctx.job.input["delivery_id"], "skipped": True}
    secret = await service.get_or_create_secret(ctx.session, delivery.tenant_id)
    outcome = await send_once(ctx.settings, delivery, secret.secret)
    settings = ctx.settings.webhooks
    await service.record_attempt(ctx.session, delivery, outcome, settings, now=utcnow())
    logger.info(
        "webhook attempt",
        extra={
            "delivery_id": delivery.id,
            "attempt": number,
            "status_code": outcome.status_code,
            "delivery_status": delivery.status,
        },
    )
    return {"delivery_id": delivery.id, "status": delivery.status, "attempts": delivery.attempts}


async def send_once(
    settings: Settings,
    delivery: WebhookDelivery,
    secret: str,
    *,
    resolver: Resolver | None = None,
) -> service.AttemptOutcome:
    """POST the delivery's body, signed now, through the outbound policy; never raises."""
    body = delivery.body.encode()
    headers = {
        "content-type": "application/json",
        DELIVERY_ID_HEADER: delivery.id,
        SIGNATURE_HEADER: sign(secret, body, int(time.time())),
    }
    timeout = settings.webhooks.timeout_seconds
    started, clock = utcnow(), time.monotonic()

    def outcome(**fields: Any) -> service.AttemptOutcome:
        elapsed = round((time.monotonic() - clock) * 1000)
        return service.AttemptOutcome(started_at=started, duration_ms=elapsed, **fields)

    try:
        # One deadline for the whole try, so a receiver trickling bytes cannot stretch it.
        async with (
            asyncio.timeout(timeout),
            OutboundClient.from_settings(settings, resolver=resolver) as client,
        ):
            status = await client.post(delivery.url, content=body, headers=headers, timeout=timeout)
    except URLNotAllowedError as exc:
        return outcome(error=exc.message, retryable=False)
    except (TimeoutError, httpx.TimeoutException):
        return outcome(error=f"The receiver did not answer within {timeout:g} s")
    except httpx.HTTPError as exc:
        return outcome(error=f"The receiver could not be reached ({type(exc).__name__})")
    error = None if 200 <= status < 300 else f"The receiver answered {status}"
    return outcome(status_code=status, error=error)
