"""Log format: JSON for machines, one readable line for a person at a terminal."""

from __future__ import annotations

import json
import logging
import sys

from scribe.logs import JsonFormatter, ScrubbingFormatter, scrub_exception, wants_json


def test_auto_is_json_off_a_terminal_and_text_on_one() -> None:
    assert wants_json("auto", True, terminal=False)
    assert not wants_json("auto", True, terminal=True)
    assert not wants_json("auto", False, terminal=False)


def test_an_explicit_format_wins_over_the_terminal() -> None:
    assert wants_json("json", False, terminal=True)
    assert not wants_json("text", True, terminal=False)


class TestScrubbing:
    """Exception text loses the values it quotes; where and why it happened stay."""

    def test_value_dumps_are_dropped(self) -> None:
        text = (
            "sqlalchemy.exc.IntegrityError: (asyncpg.UniqueViolationError) duplicate key\n"
            "DETAIL:  Key (name)=(Ibuprofen 400) already exists.\n"
            "[SQL: INSERT INTO t (name) VALUES ($1)]\n"
            "[parameters: ('knee pain, take ibuprofen', 1)]\n"
            "  Input should be a valid integer [type=int_parsing, input_value='knee, pain', "
            "input_type=str]\n"
            'new row violates check constraint "ck" Failing row contains (1, knee pain).'
        )
        scrubbed = scrub_exception(text)
        assert "ibuprofen" not in scrubbed.lower()
        assert "knee" not in scrubbed
        assert "[SQL: INSERT INTO t (name) VALUES ($1)]" in scrubbed
        assert "IntegrityError" in scrubbed

    def test_a_traceback_keeps_its_frames_and_loses_quoted_values(self) -> None:
        said = "knee" + " pain"  # the source line is shown: it must not hold the words
        try:
            int(said)
        except ValueError:
            logged = ScrubbingFormatter().formatException(sys.exc_info())
        assert "knee" not in logged
        assert "ValueError: invalid literal for int() with base 10: '…'" in logged
        assert __file__ in logged

    def test_the_json_formatter_scrubs_the_exception_it_writes(self) -> None:
        said = "knee" + " pain"
        try:
            raise RuntimeError(f"bad input '{said}'")
        except RuntimeError:
            record = logging.getLogger("t").makeRecord(
                "t", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
            )
        entry = json.loads(JsonFormatter().format(record))
        assert "knee" not in entry["exc"]
        assert entry["exc"].endswith("RuntimeError: bad input '…'")
