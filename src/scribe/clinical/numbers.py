"""Write spoken numbers as digits, as notes do ("three weeks" -> "3 weeks", "forty five" -> 45)."""

from __future__ import annotations

import re

_UNITS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SMALL = {**_UNITS, "one": 1}
_NUMBER = re.compile(
    rf"\b(?:(?P<tens>{'|'.join(_TENS)})(?:[ -](?P<unit>{'|'.join(_SMALL)}))?"
    rf"|(?P<single>{'|'.join([*_TEENS, *_UNITS])}))\b",
    re.I,
)
# "one" is a number only before a unit or in a range ("one to 2 weeks"): "one of them" stays.
_ONE = re.compile(
    r"\bone(?= (?:day|week|month|year|hour|minute|time|tablet|pill|puff|mg|milligram|out of)s?\b"
    r"|(?: to| or|-) ?\d)",
    re.I,
)


def digits(text: str) -> str:
    """Replace spoken cardinal numbers in text with digits."""
    return _ONE.sub("1", _NUMBER.sub(_value, text))


def _value(match: re.Match[str]) -> str:
    if match.group("single"):
        word = match.group("single").lower()
        return str(_TEENS.get(word) or _UNITS[word])
    number = _TENS[match.group("tens").lower()]
    unit = match.group("unit")
    return str(number + (_SMALL[unit.lower()] if unit else 0))
