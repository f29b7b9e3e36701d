"""The audit export's formats, written as the rows stream in."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from scribe.retention import commands


async def rows(*items: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
    for item in items:
        yield dict(item)


ROW = {
    "id": 7,
    "created_at": "2001-02-01T00:00:00+00:00",
    "tenant": "clinic",
    "client_id": None,
    "actor": "dr_house",
    "patient_ref": None,
    "action": "GET /x",
    "outcome": "success",
    "request_id": "r-1",
    "resource_ids": {"b": 1, "a": "x,y"},
}


class TestFormats:
    @pytest.mark.parametrize("count", [0, 1, 3])
    async def test_json_is_one_array(self, count: int) -> None:
        out = io.StringIO()
        await commands.write_export(rows(*[ROW] * count), "json", out)
        assert json.loads(out.getvalue()) == [ROW] * count

    async def test_csv_quotes_and_blanks(self) -> None:
        out = io.StringIO()
        await commands.write_export(rows(ROW), "csv", out)
        assert out.getvalue().splitlines()[1] == (
            "7,2001-02-01T00:00:00+00:00,clinic,,dr_house,,GET /x,success,r-1,"
            '"{""a"": ""x,y"", ""b"": 1}"'
        )

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("2001-02-03", "2001-02-03T00:00:00+00:00"),
            ("2001-02-03T04:05:06", "2001-02-03T04:05:06+00:00"),
            ("2001-02-03T04:05:06Z", "2001-02-03T04:05:06+00:00"),
            ("2001-02-03T04:05:06+02:00", "2001-02-03T02:05:06+00:00"),
        ],
    )
    def test_instants_are_utc(self, value: str, expected: str) -> None:
        assert commands.parse_instant(value, "--from").isoformat() == expected

    @pytest.mark.parametrize("value", ["2001-13-01", "yesterday", "", "2001-02-03T25:00"])
    def test_bad_instants_name_the_option(self, value: str) -> None:
        with pytest.raises(commands.UsageError, match=r"^--to: not an ISO 8601 date or datetime"):
            commands.parse_instant(value, "--to")
