"""What every provider adapter raises instead of its vendor's exceptions."""

from __future__ import annotations

from scribe.errors import ScribeError


class ProviderError(ScribeError):
    """A provider failed (timeout, bad answer, unreachable); services see only this."""

    status_code = 502
    code = "provider_error"
