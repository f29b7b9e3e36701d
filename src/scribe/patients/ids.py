"""Sortable public ids in the ULID layout (``run_01JAB…``, ``sum_01JAB…``), as Clinia shows them.

48 bits of milliseconds then 80 random bits, in Crockford base32: ids made later sort later,
which is how a bundle ingestion knows whether a newer one has already been applied.
"""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_ulid(prefix: str) -> str:
    """A fresh id such as ``run_01JABZX3V4Q2P2M41ME6E3FQ7R``."""
    value = (time.time_ns() // 1_000_000) << 80 | secrets.randbits(80)
    chars = []
    for _ in range(26):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    return f"{prefix}_{''.join(reversed(chars))}"
