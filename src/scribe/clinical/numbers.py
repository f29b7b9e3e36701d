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
_TENS_OR_UNIT = rf"(?P<tens>{'|'.join(_TENS)})(?:[ -](?P<unit>{'|'.join(_SMALL)}))?"
# Readings are said in hundreds without the word: "one twenty five over seventy" is 125/70,
# "she weighs two ten pounds" 210, "one oh five" 105. "one" then a number is always such a
# reading ("one 25" means nothing); "two thirty" alone may be a time, so 2-9 compose only before
# a reading's unit, stand as a time after "at", and otherwise stay in words.
_HUNDREDS_FORM = (
    rf"(?P<hundreds>one|{'|'.join(_UNITS)}) (?:{_TENS_OR_UNIT.replace('P<', 'P<h_')}"
    rf"|(?P<h_teen>{'|'.join(_TEENS)})|(?:oh|o) (?P<h_oh>{'|'.join(_SMALL)}))"
)
_NUMBER = re.compile(
    rf"\b(?:{_HUNDREDS_FORM}|{_TENS_OR_UNIT}|(?P<single>{'|'.join([*_TEENS, *_UNITS])}))\b", re.I
)
_READING_UNIT = re.compile(
    r"^(?: over\b| (?:pounds?|lbs?|milligrams?|mg|kilograms?|kg|beats|bpm|degrees)\b)", re.I
)
_CLOCK_BEFORE = re.compile(r"\bat $", re.I)
# "one twenty-year-old", "two thirty minute walks": counts of something, not a reading.
_COUNTED = re.compile(r"^[ -](?:years?|days?|weeks?|months?|hours?|minutes?|times?)\b", re.I)
# "one" is a number only before a unit or in a range ("one to 2 weeks"): "one of them" stays.
_ONE = re.compile(
    r"\bone(?= (?:day|week|month|year|hour|minute|time|tablet|pill|puff|mg|milligram|out of)s?\b"
    r"|(?: to| or|-) ?\d)",
    re.I,
)


# After the words are digits: "6 hundred and 50" -> 650, "2 thousand" -> 2000, "a hundred" -> 100.
_SCALED = re.compile(
    r"\b(?P<count>\d{1,3}|an?|one) (?P<scale>hundred|thousand)(?: and)?(?: (?P<rest>\d{1,3})\b)?",
    re.I,
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
    spoken = match.group("count").lower()
    count = 1 if spoken in ("a", "an", "one") else int(spoken)
    rest = int(match.group("rest")) if match.group("rest") else 0
    return str(count * _SCALES[match.group("scale").lower()] + rest)


def _value(match: re.Match[str]) -> str:
    if match.group("hundreds"):
        return _hundreds(match)
    if match.group("single"):
        word = match.group("single").lower()
        return str(_TEENS.get(word) or _UNITS[word])
    number = _TENS[match.group("tens").lower()]
    unit = match.group("unit")
    return str(number + (_SMALL[unit.lower()] if unit else 0))


def _hundreds(match: re.Match[str]) -> str:
    """ "one twenty five" -> 125; "two thirty" -> 230 before a unit, 2:30 after "at", else kept."""
    head = _SMALL[match.group("hundreds").lower()]
    if match.group("h_tens"):
        tens = _TENS[match.group("h_tens").lower()]
        unit = match.group("h_unit")
        rest = tens + (_SMALL[unit.lower()] if unit else 0)
    elif match.group("h_teen"):
        rest = _TEENS[match.group("h_teen").lower()]
    else:
        rest = _SMALL[match.group("h_oh").lower()]
    following = match.string[match.end() :]
    if _COUNTED.match(following):
        return match.group(0)
    if head == 1 or _READING_UNIT.match(following):
        return str(head * 100 + rest)
    if _CLOCK_BEFORE.search(match.string[: match.start()]) and rest < 60:
        return f"{head}:{rest:02d}"
    return match.group(0)
