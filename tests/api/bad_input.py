"""Input neither database can store, for every dialect's regression tests (issue 14, items 4-5).

Each value is raw JSON text, so that what ``json.dumps`` would refuse to write (NaN, a 5,000-digit
integer) or escape differently (a lone surrogate) reaches the server byte for byte::

    text = with_value({"note": {"s": PLACE}}, BAD_JSON["nan"])   # '{"note": {"s": NaN}}'
    response = await send_json(client, "POST", "/v1/clinical-notes", text)
"""

from __future__ import annotations

import json
from typing import Any

import httpx

# Where a bad value goes in a body: ``with_value`` swaps it for the raw text.
PLACE = "\x1fbad value\x1f"

BAD_JSON: dict[str, str] = {
    "nul": '"knee\\u0000pain"',
    "lone-surrogate": '"knee\\ud800pain"',
    "nan": "NaN",
    "infinity": "Infinity",
    "minus-infinity": "-Infinity",
    "overflowing-float": "1e400",
    "5000-digit-integer": "9" * 5000,
    "nested-900-levels": '{"a": ' * 900 + "1" + "}" * 900,
    "nested-100000-levels": "[" * 100_000 + "]" * 100_000,
}
# Only the text problems (for fields that take text where a number would be a plain type error).
UNSTORABLE_TEXT = {name: BAD_JSON[name] for name in ("nul", "lone-surrogate")}


def with_value(body: Any, raw: str) -> str:
    """``body`` as JSON text, with ``raw`` where ``PLACE`` is (as a value or as a key)."""
    return json.dumps(body).replace(json.dumps(PLACE), raw)


async def send_json(
    client: httpx.AsyncClient, method: str, url: str, text: str, **headers: str
) -> httpx.Response:
    """Send JSON text as it is (UTF-8; lone surrogates are written as escapes in ``text``)."""
    return await client.request(
        method,
        url,
        content=text.encode(),
        headers={"Content-Type": "application/json", **headers},
    )
