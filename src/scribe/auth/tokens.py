"""Short-lived access tokens for the dialects whose clients log in first (Corti, Invox).

A client trades its ``client_id`` and API key for a signed token (HS256 JWT) naming its tenant
and credential; every API replica verifies it with the same secret::

    token = issue(secret, principal, ttl_seconds=300, audience="corti")
    claims = verify(secret, token, audience="corti")  # TokenClaims(client_id=..., tenant_id=...)
    principal = await live_principal(session, claims)  # None once the key is revoked or purged

A signature only says the token was issued; ``live_principal`` says its credential still stands,
so revoking a key (or purging its tenant) ends every token issued for it at once, on every
replica, without a list of issued tokens.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import jwt
from sqlalchemy import Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from scribe.auth.models import ApiCredential, Tenant
from scribe.auth.service import Principal
from scribe.private import generated_secret

ALGORITHM = "HS256"
ISSUER = "scribe"


@dataclass(frozen=True, slots=True)
class TokenClaims:
    client_id: str
    tenant_id: str
    tenant_name: str
    expires_at: int
    issued_at: int = 0


class InvalidTokenError(Exception):
    """The token is malformed, forged, expired, or meant for another dialect."""


def looks_like_token(value: str) -> bool:
    """A JWT has three dot-separated parts; our API keys have none."""
    return value.count(".") == 2


def issue(secret: bytes, principal: Principal, *, ttl_seconds: int, audience: str) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": audience,
        "sub": principal.client_id,
        "tid": principal.tenant_id,
        "tenant": principal.tenant_name,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


class _Verified:
    """Tokens whose signature and claims were checked, by digest, until they expire.

    A client sends the same token on every call for its 300 s; checking the HMAC and the claims
    again each time is most of the cost of a token after the database. What can end a token
    before its expiry is its credential, which ``live_principal`` still reads every time.
    """

    def __init__(self, max_entries: int = 10_000) -> None:
        self._max = max_entries
        self._claims: dict[bytes, TokenClaims] = {}

    @staticmethod
    def key(secret: bytes, token: str, audience: str) -> bytes:
        return hashlib.sha256(b"\x1f".join((secret, audience.encode(), token.encode()))).digest()

    def get(self, key: bytes) -> TokenClaims | None:
        claims = self._claims.get(key)
        if claims is not None and claims.expires_at <= time.time():
            del self._claims[key]
            return None
        return claims

    def put(self, key: bytes, claims: TokenClaims) -> None:
        if len(self._claims) >= self._max:
            self._claims.clear()
        self._claims[key] = claims


_verified = _Verified()


def verify(secret: bytes, token: str, *, audience: str) -> TokenClaims:
    """The claims of a token issued with ``secret`` for ``audience`` and not expired."""
    key = _Verified.key(secret, token, audience)
    claims = _verified.get(key)
    if claims is None:
        claims = _decode(secret, token, audience=audience)
        _verified.put(key, claims)
    return claims


def _decode(secret: bytes, token: str, *, audience: str) -> TokenClaims:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=ISSUER,
            options={"require": ["exp", "sub", "aud", "iss"]},
        )
        return TokenClaims(
            client_id=str(claims["sub"]),
            tenant_id=str(claims["tid"]),
            tenant_name=str(claims["tenant"]),
            expires_at=int(claims["exp"]),
            issued_at=int(claims.get("iat", 0)),
        )
    except (jwt.PyJWTError, KeyError) as exc:
        raise InvalidTokenError(type(exc).__name__) from exc


_CREDENTIAL = cast(Table, ApiCredential.__table__)
_TENANT = cast(Table, Tenant.__table__)
# Built once, as Core: per request only the two ids are bound (no statement building, no ORM).
_LIVE_CREDENTIAL = (
    select(_CREDENTIAL.c.created_at, _TENANT.c.name)
    .join(_TENANT, _TENANT.c.id == _CREDENTIAL.c.tenant_id)
    .where(
        _CREDENTIAL.c.client_id == bindparam("client_id"),
        _CREDENTIAL.c.tenant_id == bindparam("tenant_id"),
        _CREDENTIAL.c.revoked_at.is_(None),
    )
)


async def live_principal(session: AsyncSession, claims: TokenClaims) -> Principal | None:
    """The token's principal while its credential stands: not revoked, not purged, not newer.

    A credential made after the token (a key re-created under the same client id after a purge)
    does not revive it. One indexed lookup per request, never cached: "at once" means at once.
    """
    connection = await session.connection()
    found = await connection.execute(
        _LIVE_CREDENTIAL, {"client_id": claims.client_id, "tenant_id": claims.tenant_id}
    )
    row = found.first()
    if row is None or int(row.created_at.timestamp()) > claims.issued_at:
        return None
    return Principal(tenant_id=claims.tenant_id, tenant_name=row.name, client_id=claims.client_id)


def load_secret(configured: str | None, data_dir: Path) -> bytes:
    """The signing secret: configured, or generated once into the data directory (mode 0600).

    Replicas sharing the data volume share the generated secret; otherwise set
    SCRIBE_TOKEN_SECRET on every replica.
    """
    if configured:
        # Hashed, so that a short configured value still makes a full-length HMAC key.
        return hashlib.sha256(configured.encode()).digest()
    return generated_secret(data_dir / "token-secret", lambda: secrets.token_urlsafe(48)).encode()
