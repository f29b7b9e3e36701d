"""Short-lived access tokens for the dialects whose clients log in first (Corti, Invox).

A client trades its ``client_id`` and API key for a signed token (HS256 JWT) naming its tenant
and credential; every API replica verifies it with the same secret::

    token = issue(secret, principal, ttl_seconds=300, audience="corti")
    claims = verify(secret, token, audience="corti")  # TokenClaims(client_id=..., tenant_id=...)
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import jwt

from scribe.auth.service import Principal

ALGORITHM = "HS256"
ISSUER = "scribe"


@dataclass(frozen=True, slots=True)
class TokenClaims:
    client_id: str
    tenant_id: str
    tenant_name: str
    expires_at: int


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


def verify(secret: bytes, token: str, *, audience: str) -> TokenClaims:
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
        )
    except (jwt.PyJWTError, KeyError) as exc:
        raise InvalidTokenError(type(exc).__name__) from exc


def load_secret(configured: str | None, data_dir: Path) -> bytes:
    """The signing secret: configured, or generated once into the data directory (mode 0600).

    Replicas sharing the data volume share the generated secret; otherwise set
    SCRIBE_TOKEN_SECRET on every replica.
    """
    if configured:
        # Hashed, so that a short configured value still makes a full-length HMAC key.
        return hashlib.sha256(configured.encode()).digest()
    path = data_dir / "token-secret"
    if not path.exists():
        # Unique per process: replicas in containers all run as pid 1 on the shared volume.
        draft = path.with_name(f".token-secret.{os.getpid()}.{secrets.token_hex(8)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)  # atomic: a process that lost the race uses the winner's
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip().encode()
