"""Failed-authentication throttling: a sliding window of 401s per client address and client id.

In-process by design: each API replica counts its own failures, so behind N replicas a guesser
gets up to N times the limit (still far from a useful rate against 256-bit keys)::

    throttle = FailureThrottle(limit=20, window_seconds=60)
    if (wait := throttle.retry_after(keys)) is not None: ...   # 429, Retry-After: wait
    throttle.failed(keys)                                      # after each 401
"""

from __future__ import annotations

import base64
import binascii
import math
import time
from collections import deque
from collections.abc import Iterable

from starlette.types import Scope

# Bounds memory under a spray from many addresses: the oldest keys are forgotten first.
MAX_KEYS = 50_000


class FailureThrottle:
    def __init__(self, *, limit: int, window_seconds: float) -> None:
        self._limit, self._window = limit, window_seconds
        self._failures: dict[str, deque[float]] = {}

    def retry_after(self, keys: Iterable[str]) -> int | None:
        """Seconds until one of ``keys`` may try again, or None when none is over the limit."""
        now = time.monotonic()
        waits = [self._wait(key, now) for key in keys]
        longest = max((wait for wait in waits if wait is not None), default=None)
        return None if longest is None else max(1, math.ceil(longest))

    def failed(self, keys: Iterable[str]) -> None:
        now = time.monotonic()
        for key in keys:
            window = self._failures.pop(key, None) or deque()
            window.append(now)
            self._failures[key] = window  # re-inserted: most recently failed last
        while len(self._failures) > MAX_KEYS:
            del self._failures[next(iter(self._failures))]

    def _wait(self, key: str, now: float) -> float | None:
        window = self._failures.get(key)
        if window is None:
            return None
        while window and window[0] <= now - self._window:
            window.popleft()
        if len(window) < self._limit:
            return None
        return window[-self._limit] + self._window - now


def keys_of(scope: Scope) -> list[str]:
    """What a request's failures count against: its address, and a Basic client id if sent."""
    client = scope.get("client")
    keys = [f"addr:{client[0] if client else '?'}"]
    if client_id := _basic_client_id(scope):
        keys.append(f"client:{client_id}")
    return keys


def _basic_client_id(scope: Scope) -> str | None:
    header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[0][:128] or None
