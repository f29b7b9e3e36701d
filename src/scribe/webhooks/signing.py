"""The callback signature of CONTRACT §5, and how a receiver checks it.

``X-Scribe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">``, keyed with
the tenant's webhook secret. A receiver recomputes the HMAC over the raw bytes it received (not
re-serialised JSON) and refuses old timestamps, so a captured request cannot be replayed::

    if not verify(secret, await request.body(), request.headers["X-Scribe-Signature"]):
        return Response(status_code=400)
"""

from __future__ import annotations

import hashlib
import hmac
import time

DELIVERY_ID_HEADER = "X-Scribe-Delivery-Id"
SIGNATURE_HEADER = "X-Scribe-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The X-Scribe-Signature value for ``body`` sent at ``timestamp`` (unix seconds)."""
    return f"t={timestamp},v1={_digest(secret, body, timestamp)}"


def verify(
    secret: str,
    body: bytes,
    header: str,
    *,
    tolerance: float = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` within ``tolerance`` seconds of now."""
    fields = _fields(header)
    timestamps = fields.get("t", [])
    if len(timestamps) != 1 or not timestamps[0].isdigit():
        return False
    timestamp = int(timestamps[0])
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        return False
    expected = _digest(secret, body, timestamp)
    return any(hmac.compare_digest(expected, given) for given in fields.get("v1", []))


def _digest(secret: str, body: bytes, timestamp: int) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _fields(header: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        fields.setdefault(key, []).append(value)
    return fields
