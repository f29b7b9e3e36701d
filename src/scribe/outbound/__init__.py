"""Safe outbound HTTP: the public-addresses-only policy, a pinned transport, safe downloads."""

from scribe.outbound.client import OutboundClient
from scribe.outbound.download import DownloadedFile, download
from scribe.outbound.errors import (
    DownloadError,
    DownloadTimeoutError,
    FileTooLargeError,
    NotAudioError,
    TooManyRedirectsError,
    URLNotAllowedError,
)
from scribe.outbound.policy import address_problem, check_url, check_url_resolves
from scribe.outbound.resolver import IPAddress, Resolver, SystemResolver
from scribe.outbound.transport import PinnedBackend, PinnedTransport

__all__ = [
    "DownloadError",
    "DownloadTimeoutError",
    "DownloadedFile",
    "FileTooLargeError",
    "IPAddress",
    "NotAudioError",
    "OutboundClient",
    "PinnedBackend",
    "PinnedTransport",
    "Resolver",
    "SystemResolver",
    "TooManyRedirectsError",
    "URLNotAllowedError",
    "address_problem",
    "check_url",
    "check_url_resolves",
    "download",
]
