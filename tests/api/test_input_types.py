"""The shared input checks: JSON the databases can hold, text sized from its column (issue 14)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pytest
from fastapi.routing import APIRoute
from pydantic import StrictStr, TypeAdapter, ValidationError

from scribe.api.json_input import MAX_DEPTH, CheckedRoute, InvalidJSONError, loads
from scribe.api.types import NON_BLANK, STORABLE, column, column_length, text_problem
from scribe.main import create_app
from scribe.notes.models import Note
from tests.api.bad_input import BAD_JSON
from tests.conftest import make_settings


class TestLoads:
    @pytest.mark.parametrize("raw", BAD_JSON.values(), ids=list(BAD_JSON))
    def test_refuses_what_no_database_holds(self, raw: str) -> None:
        with pytest.raises(InvalidJSONError):
            loads(f'{{"a": [{raw}]}}')

    @pytest.mark.parametrize(
        ("raw", "reason"),
        [
            ('{"a": NaN}', "finite"),
            ("[1e400]", "finite"),
            ('{"note": {"s": "a\\u0000"}}', "NUL characters (at note.s)"),
            ('{"k": ["a\\udc00"]}', "surrogates (at k[0])"),
            ('{"\\u0000": 1}', "NUL"),
            ("1" * 101, "longer than 100"),
            ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), f"deeper than {MAX_DEPTH}"),
            ("{", "Expecting property name"),
        ],
    )
    def test_says_why_never_what(self, raw: str, reason: str) -> None:
        with pytest.raises(InvalidJSONError) as refused:
            loads(raw.encode())
        assert reason in refused.value.msg
        assert "\x00" not in refused.value.msg

    def test_raw_surrogate_bytes_and_bad_utf8(self) -> None:
        with pytest.raises(InvalidJSONError, match="surrogates"):
            loads(b'"\xed\xa0\x80"')  # json reads CESU-style bytes as a lone surrogate
        with pytest.raises(InvalidJSONError, match="UTF-8"):
            loads(b'"\xff"')

    def test_keeps_what_is_fine(self) -> None:
        deep: object = "bottom"
        for _ in range(MAX_DEPTH):
            deep = [deep]
        assert loads(b'{"emoji": "\\ud83d\\ude00", "n": -0.5e-3, "big": 12345678901234567890}') == {
            "emoji": "\N{GRINNING FACE}",
            "n": -0.0005,
            "big": 12345678901234567890,
        }
        assert loads(str(deep).replace("'", '"')) == deep
        assert loads('"\\\\u0000"') == "\\u0000"  # an escaped backslash, not a NUL


class TestText:
    Key = Annotated[StrictStr, NON_BLANK, column(Note.template_key), STORABLE]

    def test_the_bound_comes_from_the_column(self) -> None:
        assert column_length(Note.template_key) == 128
        adapter = TypeAdapter(self.Key)
        assert adapter.validate_python("k" * 128) == "k" * 128
        with pytest.raises(ValidationError, match="at most 128 characters"):
            adapter.validate_python("k" * 129)
        for bad in ("SO\x00AP", " ", ""):
            with pytest.raises(ValidationError):
                adapter.validate_python(bad)

    def test_problems_are_named_without_the_text(self) -> None:
        assert text_problem("knee pain") is None
        assert text_problem("knee\x00pain") == "must not contain NUL characters"
        assert text_problem("knee\ud800") == "must not contain unpaired UTF-16 surrogates"

    def test_only_bounded_columns(self) -> None:
        with pytest.raises(TypeError):
            column_length(Note.feedback)


def api_routes(routes: list[Any]) -> list[APIRoute]:
    """Every APIRoute, through included routers (FastAPI keeps those as branches)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif (included := getattr(route, "original_router", None)) is not None:
            found.extend(api_routes(included.routes))
    return found


def test_every_dialect_route_reads_json_with_the_checks(tmp_path: Path) -> None:
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'scribe.db'}", tmp_path))
    routes = api_routes(app.routes)
    assert len(routes) > 50
    # Corti's resource routers hold paths without their /v2 prefix: every route but the
    # operations ones belongs to a dialect.
    operations = {"/healthz", "/readyz", "/metrics", "/openapi/{dialect}.json"}
    unchecked = [r.path for r in routes if not isinstance(r, CheckedRoute)]
    # The console serves static files and reads no JSON body.
    assert {p for p in unchecked if not p.startswith("/console")} == operations
