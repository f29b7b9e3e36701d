"""Which URLs scribe may fetch or call back: http(s) to public addresses only (CONTRACT §5).

A client-given URL (Nabla ``file_url``, ``callback_url``) must not let a caller reach the
server's own network: loopback, private ranges, link-local (where cloud metadata services live),
CGNAT, multicast, reserved ranges, and names like ``metadata.google.internal`` are refused,
unless the host is listed in ``SCRIBE_OUTBOUND_ALLOWED_HOSTS``. ``check_url`` answers up front
without DNS; ``check_url_resolves`` also resolves the host; the transport checks again at connect
time against the address it actually connects to (see ``transport``).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import httpx

from scribe.outbound.errors import URLNotAllowedError
from scribe.outbound.resolver import IPAddress, Resolver, literal_address

_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# Checked in order, so the reason names the most specific range (127/8 is also "private").
_RANGES: tuple[tuple[str, Callable[[IPAddress], bool]], ...] = (
    ("loopback", lambda a: a.is_loopback),
    ("unspecified", lambda a: a.is_unspecified),
    ("link-local (cloud metadata)", lambda a: a.is_link_local),
    ("shared (CGNAT)", lambda a: isinstance(a, ipaddress.IPv4Address) and a in _CGNAT),
    ("private", lambda a: a.is_private),
    ("multicast", lambda a: a.is_multicast),
    ("reserved", lambda a: a.is_reserved),
    ("non-public", lambda a: not a.is_global),
)
# Names that reach the machine itself or a cloud provider's metadata service without DNS help.
_BLOCKED_NAMES = frozenset(
    {"localhost", "metadata", "metadata.google.internal", "instance-data", "kubernetes"}
)
_BLOCKED_SUFFIXES = (".localhost", ".internal", ".local", ".localdomain", ".home.arpa")
# 2130706433, 0x7f.1, 127.1: resolvers read these as IPv4 addresses; no real name looks so.
_NUMERIC_HOST = re.compile(r"(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+))*")


@dataclass(frozen=True, slots=True)
class Target:
    """The host and port a URL connects to, host lowercased without a trailing dot."""

    host: str
    port: int


def address_problem(address: IPAddress) -> str | None:
    """The kind of non-public range an address is in, or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or _nat64_embedded(address)
        if embedded is not None:
            # ::ffff:127.0.0.1 and friends reach the IPv4 address they carry.
            return address_problem(embedded)
    return next((label for label, inside in _RANGES if inside(address)), None)


def _nat64_embedded(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address not in _NAT64:
        return None
    return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)


def name_problem(host: str) -> str | None:
    """Why a host name is refused before any DNS lookup, or None."""
    if host in _BLOCKED_NAMES or host.endswith(_BLOCKED_SUFFIXES):
        return "an internal host name"
    if _NUMERIC_HOST.fullmatch(host):
        return "an address in a non-standard notation"
    return None


def is_allowed(target: Target, allowed: Collection[str]) -> bool:
    """Whether the operator listed this host (``name``, ``name:port``, ``[v6]:port``)."""
    shown = f"[{target.host}]" if ":" in target.host else target.host
    forms = {target.host, shown, f"{shown}:{target.port}"}
    return any(entry.strip().lower().rstrip(".") in forms for entry in allowed)


def target_of(url: str | httpx.URL) -> Target:
    """Parse a URL a client gave and refuse what is not http(s) with a host."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise URLNotAllowedError("The URL is not valid") from exc
    if parsed.scheme not in ("http", "https"):
        raise URLNotAllowedError("Only http and https URLs can be fetched")
    host = parsed.host.lower().rstrip(".")
    if not host:
        raise URLNotAllowedError("The URL has no host")
    return Target(host, parsed.port or (443 if parsed.scheme == "https" else 80))


def check_url(url: str | httpx.URL, allowed: Collection[str]) -> None:
    """Refuse a URL that can be told non-public without DNS (scheme, IP literal, host name)."""
    target = target_of(url)
    if is_allowed(target, allowed):
        return
    address = literal_address(target.host)
    if address is not None:
        check_addresses(target.host, [address])
    elif reason := name_problem(target.host):
        raise URLNotAllowedError(f"The URL's host {target.host} is {reason}")


async def check_url_resolves(
    url: str | httpx.URL, allowed: Collection[str], resolver: Resolver
) -> None:
    """``check_url``, then refuse the URL unless every address its host resolves to is public."""
    check_url(url, allowed)
    target = target_of(url)
    try:
        await addresses_to_connect(target, allowed, resolver)
    except OSError as exc:
        raise URLNotAllowedError(f"The URL's host {target.host} does not resolve") from exc


async def addresses_to_connect(
    target: Target, allowed: Collection[str], resolver: Resolver
) -> Sequence[IPAddress]:
    """Resolve once and vet every answer: the caller connects only to what this returns.

    Raises URLNotAllowedError for a refused host, OSError when the name does not resolve.
    """
    permitted = is_allowed(target, allowed)
    address = literal_address(target.host)
    if address is not None:
        addresses: Sequence[IPAddress] = [address]
    else:
        if not permitted and (reason := name_problem(target.host)):
            raise URLNotAllowedError(f"The URL's host {target.host} is {reason}")
        addresses = await resolver.resolve(target.host, target.port)
    if not permitted:
        check_addresses(target.host, addresses)
    return addresses


def check_addresses(host: str, addresses: Sequence[IPAddress]) -> None:
    """Refuse the host if any of its addresses is non-public (one bad answer is enough)."""
    for address in addresses:
        if reason := address_problem(address):
            verb = "is" if literal_address(host) is not None else "resolves to"
            raise URLNotAllowedError(
                f"The URL's host {host} {verb} a {reason} address", reason=reason
            )
