"""Access tokens: signed, scoped to one dialect, expiring; the signing secret shared by replicas."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from scribe.auth import tokens
from scribe.auth.service import Principal

PRINCIPAL = Principal(tenant_id="t1", tenant_name="clinic", client_id="c1")
SECRET = b"s" * 32


def test_a_token_round_trips_its_claims() -> None:
    token = tokens.issue(SECRET, PRINCIPAL, ttl_seconds=300, audience="corti")
    claims = tokens.verify(SECRET, token, audience="corti")
    assert (claims.client_id, claims.tenant_id, claims.tenant_name) == ("c1", "t1", "clinic")


@pytest.mark.parametrize(
    ("secret", "ttl", "audience"),
    [(b"x" * 32, 300, "corti"), (SECRET, -1, "corti"), (SECRET, 300, "invox")],
    ids=["other-secret", "expired", "other-dialect"],
)
def test_tokens_that_must_not_pass(secret: bytes, ttl: int, audience: str) -> None:
    token = tokens.issue(secret, PRINCIPAL, ttl_seconds=ttl, audience=audience)
    with pytest.raises(tokens.InvalidTokenError):
        tokens.verify(SECRET, token, audience="corti")


def test_garbage_is_an_invalid_token() -> None:
    with pytest.raises(tokens.InvalidTokenError):
        tokens.verify(SECRET, "a.b.c", audience="corti")


def test_api_keys_never_look_like_tokens() -> None:
    assert not tokens.looks_like_token("sk_abcdef0123456789")
    assert tokens.looks_like_token(tokens.issue(SECRET, PRINCIPAL, ttl_seconds=1, audience="a"))


class TestSecret:
    def test_generated_once_private_and_reused(self, tmp_path: Path) -> None:
        first = tokens.load_secret(None, tmp_path)
        assert len(first) >= 32
        assert tokens.load_secret(None, tmp_path) == first
        mode = stat.S_IMODE((tmp_path / "token-secret").stat().st_mode)
        assert mode == 0o600
        assert [p.name for p in tmp_path.iterdir()] == ["token-secret"]

    def test_a_configured_secret_wins_and_is_full_length(self, tmp_path: Path) -> None:
        secret = tokens.load_secret("short", tmp_path)
        assert len(secret) == 32
        assert secret == tokens.load_secret("short", tmp_path / "elsewhere")
        assert not (tmp_path / "token-secret").exists()


class TestVerifiedOnce:
    """A token's checks are remembered until it expires, for its secret and dialect only."""

    def test_a_remembered_token_still_expires(self) -> None:
        token = tokens.issue(SECRET, PRINCIPAL, ttl_seconds=1, audience="corti")
        assert tokens.verify(SECRET, token, audience="corti").client_id == "c1"
        # Semantics, not speed: the expiry is a whole second away (exp is in seconds).
        time.sleep(2.1)
        with pytest.raises(tokens.InvalidTokenError):
            tokens.verify(SECRET, token, audience="corti")

    def test_a_remembered_token_is_not_valid_for_another_secret_or_dialect(self) -> None:
        token = tokens.issue(SECRET, PRINCIPAL, ttl_seconds=300, audience="corti")
        tokens.verify(SECRET, token, audience="corti")
        with pytest.raises(tokens.InvalidTokenError):
            tokens.verify(b"x" * 32, token, audience="corti")
        with pytest.raises(tokens.InvalidTokenError):
            tokens.verify(SECRET, token, audience="invox")
