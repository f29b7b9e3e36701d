"""JSON as the server accepts it: what both databases can store and the code can walk.

Python's ``json`` reads ``NaN``, ``Infinity`` and ``1e400`` (infinite) as numbers, ``"\\u0000"``
and ``"\\ud800"`` as strings, a 5,000-digit integer as a ValueError and 100,000 nested brackets
as a RecursionError; PostgreSQL refuses the first four, nothing can encode the lone surrogate,
and the last two are crashes. ``loads`` refuses them all with one ``InvalidJSONError``::

    loads(b'{"n": NaN}')          # InvalidJSONError: numbers must be finite (no NaN or Infinity)
    loads(b'[' * 100 + b']' * 100) # InvalidJSONError: nested deeper than 64 levels

Every dialect route is a ``CheckedRoute``, whose request body is read with ``loads``: a refused
body is FastAPI's ``json_invalid`` validation error, so it is answered like malformed JSON (401
first for an anonymous caller, then 400 in the dialect's shape).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from scribe.api.types import text_problem

# Deep enough for any FHIR bundle or note (they nest about ten levels), far from the depths
# where the JSON encoders and SQLite's JSON functions give up (about 500 and 1,000).
MAX_DEPTH = 64
# Characters of one number literal: past any real value, before int() gets slow (or refuses
# past 4,300 digits).
MAX_NUMBER_CHARS = 100


class InvalidJSONError(json.JSONDecodeError):
    """A body that is not JSON, or JSON the server does not take; ``msg`` says why (no value)."""

    def __init__(self, message: str, document: str = "", position: int = 0) -> None:
        super().__init__(message, document, position)


def loads(raw: bytes | str) -> Any:
    """Parse and check a JSON document; ``InvalidJSONError`` when it is bad or unacceptable."""
    try:
        value = json.loads(raw, parse_int=_integer, parse_float=_float, parse_constant=_constant)
    except RecursionError:
        raise InvalidJSONError(f"nested deeper than {MAX_DEPTH} levels") from None
    except InvalidJSONError:
        raise
    except json.JSONDecodeError as exc:
        raise InvalidJSONError(exc.msg, exc.doc, exc.pos) from None
    except (UnicodeDecodeError, ValueError):
        raise InvalidJSONError("not UTF-8 text") from None
    check(value)
    return value


def check(value: Any) -> None:
    """Refuse a parsed JSON value holding unstorable text, a non-finite number or deep nesting."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise InvalidJSONError("numbers must be finite (no NaN or Infinity)")
        elif isinstance(item, dict | list):
            if depth >= MAX_DEPTH:
                raise InvalidJSONError(f"nested deeper than {MAX_DEPTH} levels")
            if isinstance(item, dict):
                for key in item:
                    _check_text(key)
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)


def _check_text(text: str) -> None:
    # The common case (plain ASCII without control characters) costs one C-level scan.
    if text.isascii() and "\x00" not in text:
        return
    problem = text_problem(text)
    if problem is not None:
        raise InvalidJSONError(f"strings {problem}")


def _integer(literal: str) -> int:
    if len(literal) > MAX_NUMBER_CHARS:
        raise InvalidJSONError(f"a number is longer than {MAX_NUMBER_CHARS} characters")
    return int(literal)


def _float(literal: str) -> float:
    if len(literal) > MAX_NUMBER_CHARS:
        raise InvalidJSONError(f"a number is longer than {MAX_NUMBER_CHARS} characters")
    value = float(literal)
    if not math.isfinite(value):  # 1e400
        raise InvalidJSONError("numbers must be finite (no NaN or Infinity)")
    return value


def _constant(literal: str) -> float:
    raise InvalidJSONError("numbers must be finite (no NaN or Infinity)")


class CheckedRequest(Request):
    """A request whose JSON body is read with ``loads``."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads(await self.body())
        return self._json


class CheckedRoute(APIRoute):
    """A route that reads JSON bodies with ``loads`` (``APIRouter(route_class=CheckedRoute)``)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            return await handler(CheckedRequest(request.scope, request.receive))

        return checked
