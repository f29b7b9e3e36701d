"""The X-Scribe-Signature scheme and the retry schedule, as pure functions."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from scribe.config import WebhookSettings
from scribe.webhooks.service import retry_delay, serialise
from scribe.webhooks.signing import sign, verify

SECRET = "whsec_test"
BODY = serialise({"id": "98FCE1EF", "note": {"title": "Fièvre"}})
T = 1_790_000_000


class TestSignature:
    def test_the_header_is_t_and_the_hex_hmac_of_t_dot_body(self) -> None:
        expected = hmac.new(SECRET.encode(), f"{T}.".encode() + BODY.encode(), hashlib.sha256)
        assert sign(SECRET, BODY.encode(), T) == f"t={T},v1={expected.hexdigest()}"

    def test_a_signature_verifies_with_its_secret(self) -> None:
        header = sign(SECRET, BODY.encode(), T)
        assert verify(SECRET, BODY.encode(), header, now=T + 10)

    @pytest.mark.parametrize(
        ("secret", "body"),
        [("whsec_other", BODY.encode()), (SECRET, BODY.encode() + b" "), (SECRET, b"{}")],
    )
    def test_another_secret_or_a_changed_body_fails(self, secret: str, body: bytes) -> None:
        assert not verify(secret, body, sign(SECRET, BODY.encode(), T), now=T)

    @pytest.mark.parametrize("skew", [-301, 301, 10_000])
    def test_timestamps_outside_the_tolerance_fail(self, skew: int) -> None:
        header = sign(SECRET, BODY.encode(), T)
        assert not verify(SECRET, BODY.encode(), header, now=T + skew, tolerance=300)

    def test_a_replayed_signature_with_a_new_timestamp_fails(self) -> None:
        digest = sign(SECRET, BODY.encode(), T).split("v1=")[1]
        assert not verify(SECRET, BODY.encode(), f"t={T + 60},v1={digest}", now=T + 60)

    @pytest.mark.parametrize("header", ["", "t=abc,v1=00", "v1=00", f"t={T}", f"t={T},t={T},v1=0"])
    def test_malformed_headers_fail(self, header: str) -> None:
        assert not verify(SECRET, BODY.encode(), header, now=T)


class TestRetrySchedule:
    def test_the_default_schedule_spans_about_a_day_over_eight_tries(self) -> None:
        settings = WebhookSettings()
        delays = [retry_delay(n, settings) for n in range(1, 9)]
        assert delays == [30, 120, 480, 1920, 7680, 30720, 43200, None]
        total = sum(delay for delay in delays if delay is not None)
        assert 20 * 3600 < total < 26 * 3600

    def test_delays_are_capped_and_stop_at_max_attempts(self) -> None:
        settings = WebhookSettings(
            max_attempts=4, first_retry_seconds=10, backoff_factor=10, max_delay_seconds=500
        )
        assert [retry_delay(n, settings) for n in range(1, 6)] == [10, 100, 500, None, None]

    def test_a_single_try_never_retries(self) -> None:
        assert retry_delay(1, WebhookSettings(max_attempts=1)) is None
