"""Log format: JSON for machines, one readable line for a person at a terminal."""

from __future__ import annotations

from scribe.logs import wants_json


def test_auto_is_json_off_a_terminal_and_text_on_one() -> None:
    assert wants_json("auto", True, terminal=False)
    assert not wants_json("auto", True, terminal=True)
    assert not wants_json("auto", False, terminal=False)


def test_an_explicit_format_wins_over_the_terminal() -> None:
    assert wants_json("json", False, terminal=True)
    assert not wants_json("text", True, terminal=False)
