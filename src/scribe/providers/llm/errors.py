"""How a text provider fails; services and the fallback see only these ``ProviderError``s.

Messages name the failure (a status, a reason), never prompt or answer text.
"""

from __future__ import annotations

from scribe.providers.base import ProviderError


class ProviderTimeoutError(ProviderError):
    """The provider did not answer within the configured timeout."""

    status_code = 504
    code = "provider_timeout"


class ProviderUnavailableError(ProviderError):
    """The provider could not be reached or kept failing (connect errors, 429, 5xx)."""

    code = "provider_unavailable"


class ProviderRejectedError(ProviderError):
    """The provider refused the request (4xx other than 429): configuration, auth or model."""

    code = "provider_rejected"


class InvalidOutputError(ProviderError):
    """The provider answered, but not with JSON matching the requested schema."""

    code = "provider_invalid_output"


class EmptyOutputError(InvalidOutputError):
    """The provider answered with nothing usable (an empty note or section)."""

    code = "provider_empty_output"


class StreamInterruptedError(ProviderError):
    """A stream failed after text was already sent, so it can't be answered again elsewhere."""

    code = "provider_stream_interrupted"
