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


# After the words are digits: "6 hundred and 50" -> 650, "2 thousand" -> 2000, "a hundred" -> 100.
_SCALED = re.compile(
    r"\b(?P<count>\d{1,3}|a) (?P<scale>hundred|thousand)(?: and)?(?: (?P<rest>\d{1,3})\b)?", re.I
)
_SCALES = {"hundred": 100, "thousand": 1000}
# Units after a number, as a chart writes them ("600 milligrams" -> "600 mg").
_UNIT_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=\d) milligrams? per deciliter\b", re.I), " mg/dL"),
    (re.compile(r"(?<=\d) milligrams?\b", re.I), " mg"),
    (re.compile(r"(?<=\d) micrograms?\b", re.I), " mcg"),
    (re.compile(r"(?<=\d) milliliters?\b|(?<=\d) millilitres?\b", re.I), " mL"),
    (re.compile(r"(?<=\d) kilograms?\b", re.I), " kg"),
    (re.compile(r"(?<=\d) percent\b", re.I), "%"),
)


def digits(text: str) -> str:
    """Replace spoken cardinal numbers in text with digits, and units after them with symbols."""
    text = _SCALED.sub(_scaled, _ONE.sub("1", _NUMBER.sub(_value, text)))
    for pattern, replacement in _UNIT_WORDS:
        text = pattern.sub(replacement, text)
    return text


def _scaled(match: re.Match[str]) -> str:
    count = 1 if match.group("count").lower() == "a" else int(match.group("count"))
    rest = int(match.group("rest")) if match.group("rest") else 0
    return str(count * _SCALES[match.group("scale").lower()] + rest)


def _value(match: re.Match[str]) -> str:
    if match.group("single"):
        word = match.group("single").lower()
        return str(_TEENS.get(word) or _UNITS[word])
    number = _TENS[match.group("tens").lower()]
    unit = match.group("unit")
    return str(number + (_SMALL[unit.lower()] if unit else 0))
