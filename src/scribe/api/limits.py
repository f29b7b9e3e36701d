"""Every route's request-body limit, per content type, checked by the middleware before any auth.

One table for the whole server: upload routes get their file limit plus room for the multipart
framing and text fields, everything else the JSON limit, whatever the content type::

    limits = body_limits(settings)
    limits.for_request("/v2/interactions/<id>/recordings/", "multipart/form-data")  # 150 MB + slack
    limits.largest  # what the proxy in front must let through (deploy/nginx.conf)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scribe.config import Settings

# Multipart framing (boundaries, part headers) around a file; text fields are counted apart.
FRAMING_BYTES = 64 * 1024
# Text fields a form may carry beside its file: Corti's and Nabla's 1 MB, Clinia's 64 KB.
CORTI_FIELDS_BYTES = 1024 * 1024
NABLA_FIELDS_BYTES = 1024 * 1024
CLINIA_FIELDS_BYTES = 64 * 1024
ANY = "*"


@dataclass(frozen=True, slots=True)
class RouteLimit:
    pattern: re.Pattern[str]
    # Media type (no parameters) → bytes; ANY for the rest.
    by_type: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BodyLimits:
    default: int
    routes: tuple[RouteLimit, ...]

    def for_request(self, path: str, content_type: str) -> int:
        media_type = content_type.split(";")[0].strip().lower()
        for route in self.routes:
            if route.pattern.fullmatch(path):
                return route.by_type.get(media_type, route.by_type.get(ANY, self.default))
        return self.default

    @property
    def largest(self) -> int:
        sizes = [size for route in self.routes for size in route.by_type.values()]
        return max([self.default, *sizes])


def body_limits(settings: Settings) -> BodyLimits:
    limits, json_bytes = settings.limits, settings.limits.json_body_bytes
    recording = limits.recording_bytes + CORTI_FIELDS_BYTES + FRAMING_BYTES
    nabla = settings.nabla.file_bytes + NABLA_FIELDS_BYTES + FRAMING_BYTES
    clinia = settings.clinia.document_bytes + CLINIA_FIELDS_BYTES + FRAMING_BYTES
    return BodyLimits(
        default=json_bytes,
        routes=(
            # Corti's SDK sends raw audio under any content type, curl a form: all get the file's.
            _route(r"/v2/interactions/[^/]+/recordings?/?", {ANY: recording}),
            _route(r"/v1/copilot-api/server/listen/?", {"multipart/form-data": nabla}),
            _route(r"/ai/v1/ingest/?", {"multipart/form-data": clinia}),
            _route(r"/v1/codify/?", {ANY: limits.codify_body_bytes}),
        ),
    )


def _route(pattern: str, by_type: dict[str, int]) -> RouteLimit:
    return RouteLimit(re.compile(pattern), by_type)
