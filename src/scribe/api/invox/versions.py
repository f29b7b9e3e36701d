"""Invox's date-pinned API versions: ``X-Invox-Medical-Api-Version`` is optional and echoed."""

from __future__ import annotations

from fastapi import Request, Response

from scribe.errors import BadRequestError

HEADER = "X-Invox-Medical-Api-Version"
VERSIONS = ("2025-10-01", "2025-11-01", "2026-03-01")
LATEST = VERSIONS[-1]


class InvalidApiVersionError(BadRequestError):
    """A pinned API version that is not one of VERSIONS."""

    code = "invalidApiVersion"


def _requested(request: Request) -> str | None:
    value = request.headers.get(HEADER)
    return value.strip() if value is not None and value.strip() else None


def echoed(request: Request) -> str:
    """The version to name on any response: the requested one when known, else the latest."""
    requested = _requested(request)
    return requested if requested in VERSIONS else LATEST


async def api_version(request: Request, response: Response) -> str:
    """Resolve the pinned version (the latest when none) and echo it on the response."""
    requested = _requested(request)
    if requested is not None and requested not in VERSIONS:
        # Refused rather than served as the latest: a client pinning a version we do not know
        # expects behaviour we cannot promise.
        raise InvalidApiVersionError(f"Unknown {HEADER}; supported versions: {', '.join(VERSIONS)}")
    version = requested or LATEST
    response.headers[HEADER] = version
    return version
