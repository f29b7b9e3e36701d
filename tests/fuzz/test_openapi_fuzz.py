"""Schemathesis against each dialect's OpenAPI: no 5xx, and every answer is documented.

Cases are generated from the dialect's own document (``scribe.api.openapi.dialect_openapi``),
valid ones and invalid ones, then sent in-process with that dialect's real credentials, so they
reach the handlers rather than the 401 path. Each response must not be a 5xx, must carry a
documented status and content type, and its body must match the documented schema.

Cases are drawn first and sent afterwards: the app and its database live on the test's event
loop, which a Hypothesis-driven synchronous test could not share.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import hypothesis
import pytest
import requests
import schemathesis
from fastapi import FastAPI
from schemathesis import Case, GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi import checks as openapi_checks
from schemathesis.specs.openapi.schemas import OpenApiSchema

from scribe.api.openapi import DIALECTS, dialect_openapi
from scribe.auth.service import IssuedKey
from tests.conftest import client_for
from tests.fuzz.conftest import EXAMPLES, MIN_REQUESTS, SEED, dialect_headers

AnyCase = Case[Any]
CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]
# Invox documents its bodies as free JSON (it checks them in its own order, see
# api/invox/validation.py), so no case can break the schema and negative generation would search
# in vain; RAW_BODIES below still sends it broken bodies.
POSITIVE_ONLY = {"invox"}
# Bodies no schema describes, sent to every operation that takes a body.
RAW_BODIES = (b"", b"\x00\xff\xfe", b"{", b"[]", b"null", b'{"a": "' + b"x" * 70_000 + b'"}')
# Outbound URLs point at a closed local port (generated hosts would otherwise be looked up in
# real DNS and fetched): downloads and callbacks fail at once, without leaving the machine.
PRIVATE_URL = "http://127.0.0.1:9/fuzz"
URL_FIELDS = ("file_url", "callback_url")


def draw(schema: OpenApiSchema, mode: GenerationMode, count: int) -> list[AnyCase]:
    """Up to ``count`` cases spread over the schema's operations."""
    cases: list[AnyCase] = []

    @hypothesis.settings(
        max_examples=count,
        database=None,  # nothing written into the repository
        deadline=None,
        phases=[hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.seed(SEED)
    @hypothesis.given(schema.as_strategy(generation_mode=mode))
    def collect(case: AnyCase) -> None:
        cases.append(case)

    collect()
    return cases


def keep_local(case: AnyCase) -> None:
    if isinstance(case.body, dict):
        for name in URL_FIELDS:
            if isinstance(case.body.get(name), str):
                case.body[name] = PRIVATE_URL


async def send(client: httpx.AsyncClient, case: AnyCase, headers: dict[str, str]) -> httpx.Response:
    """Send ``case`` in-process; requests encodes the body exactly as schemathesis would."""
    kwargs = case.as_transport_kwargs(base_url=str(client.base_url), headers=headers)
    fields = ("method", "url", "headers", "files", "data", "json", "params")
    encoded = requests.Request(**{name: kwargs[name] for name in fields if name in kwargs})
    prepared = encoded.prepare()
    assert prepared.method is not None
    assert prepared.url is not None
    body = prepared.body
    assert body is None or isinstance(body, (bytes, str))
    headers = {name: str(value) for name, value in prepared.headers.items()}
    return await client.request(prepared.method, prepared.url, content=body, headers=headers)


class Report:
    """Failed checks grouped by operation, check and status, with one example each."""

    def __init__(self) -> None:
        self.sent = 0
        self.failures: Counter[str] = Counter()
        self.examples: dict[str, str] = {}

    def check(self, case: AnyCase, response: httpx.Response) -> None:
        self.sent += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            for failure in group.exceptions:
                key = f"{case.operation.label}: {failure.title} ({response.status_code})"
                self.failures[key] += 1
                self.examples.setdefault(key, response.text[:300])

    def summary(self) -> str:
        lines = sorted(f"{n}x {key}\n    {self.examples[key]}" for key, n in self.failures.items())
        failed = sum(self.failures.values())
        head = f"{failed} failed checks in {self.sent} requests (SCRIBE_FUZZ_SEED={SEED}):\n"
        return head + "\n".join(lines)


async def raw_bodies(
    client: httpx.AsyncClient, cases: list[AnyCase], headers: dict[str, str], report: Report
) -> None:
    """Broken bodies, one operation at a time, in the operation's first documented media type."""
    seen: set[str] = set()
    for case in cases:
        body = case.operation.definition.raw.get("requestBody")
        if not body or case.operation.label in seen:
            continue
        seen.add(case.operation.label)
        media_type = next(iter(body["content"]))
        for raw in RAW_BODIES:
            response = await client.request(
                case.method,
                case.formatted_path,
                content=raw,
                headers={**headers, "Content-Type": media_type},
            )
            report.check(case, response)


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
async def test_dialect_answers_as_documented(
    dialect: str, fuzz_backend: str, fuzz_app: FastAPI, fuzz_key: IssuedKey
) -> None:
    headers = await dialect_headers(fuzz_app, dialect, fuzz_key)
    schema = schemathesis.openapi.from_dict(dialect_openapi(fuzz_app.openapi(), dialect))
    modes = [GenerationMode.POSITIVE]
    if dialect not in POSITIVE_ONLY:
        modes.append(GenerationMode.NEGATIVE)
    count = max(EXAMPLES * len(list(schema.get_all_operations())), MIN_REQUESTS // len(modes))
    report = Report()
    async with client_for(fuzz_app, None) as client:
        positive: list[AnyCase] = []
        for mode in modes:
            cases = draw(schema, mode, count)
            positive = positive or cases
            for case in cases:
                keep_local(case)
                report.check(case, await send(client, case, headers))
        await raw_bodies(client, positive, headers, report)
    assert report.sent >= count
    assert not report.failures, f"{dialect} on {fuzz_backend}: {report.summary()}"
    # make fuzz shows it (-rP): the requests each dialect got on each database.
    print(f"{dialect} on {fuzz_backend}: {report.sent} requests, no failed check")  # noqa: T201


def test_every_route_belongs_to_exactly_one_dialect(fuzz_app: FastAPI) -> None:
    document = fuzz_app.openapi()
    cuts = {name: set(dialect_openapi(document, name)["paths"]) for name in DIALECTS}
    owned = [path for paths in cuts.values() for path in paths]
    assert len(owned) == len(set(owned))
    assert set(document["paths"]) - set(owned) <= {"/healthz", "/readyz", "/metrics"}
    assert "/v1/copilot-api/server/listen" in cuts["nabla"]
    assert "/v1/codify" in cuts["omniloy"]
    assert all(error in document["components"]["schemas"] for error in ("CortiError", "NablaError"))
