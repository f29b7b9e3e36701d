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
# Of one key, when an error names where it is.
MAX_KEY_CHARS = 64
Path = tuple[str | int, ...]


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
    """Refuse a parsed JSON value holding unstorable text, a non-finite number or deep nesting.

    The error names where (``at bundle.entry[2].resource``), never what was there.
    """
    pending: list[tuple[Any, Path]] = [(value, ())]
    while pending:
        item, path = pending.pop()
        if isinstance(item, str):
            _check_text(item, path)
        elif isinstance(item, float) and not math.isfinite(item):
            raise InvalidJSONError(f"numbers must be finite (no NaN or Infinity){_at(path)}")
        elif isinstance(item, dict):
            _check_depth(path)
            for key, child in item.items():
                _check_text(key, path)
                pending.append((child, (*path, key)))
        elif isinstance(item, list):
            _check_depth(path)
            pending.extend((child, (*path, index)) for index, child in enumerate(item))


def _check_depth(path: Path) -> None:
    if len(path) >= MAX_DEPTH:
        raise InvalidJSONError(f"nested deeper than {MAX_DEPTH} levels")


def _check_text(text: str, path: Path) -> None:
    # The common case (plain ASCII without NUL) costs two C-level scans.
    if text.isascii() and "\x00" not in text:
        return
    problem = text_problem(text)
    if problem is not None:
        raise InvalidJSONError(f"strings {problem}{_at(path)}")


def _at(path: Path) -> str:
    """`` (at a.b[0])`` for the error message; keys are cut short and cleaned of bad text."""
    if not path:
        return ""
    parts = []
    for step in path[:MAX_DEPTH]:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        else:
            name = step[:MAX_KEY_CHARS] if text_problem(step) is None else "?"
            parts.append(f".{name}" if parts else name)
    return f" (at {''.join(parts)})"


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
