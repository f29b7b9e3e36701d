"""Input types every dialect shares: text both databases can store, sized like its column.

PostgreSQL refuses a NUL character in any text (and in JSON), neither database can encode a lone
UTF-16 surrogate, and PostgreSQL refuses a string longer than its ``VARCHAR(n)`` where SQLite
silently keeps it. So every text that reaches a column is checked at the edge, the same way on
both, with its bound read from the column itself::

    TemplateKey = Annotated[StrictStr, NON_BLANK, column(Note.template_key), STORABLE]

    class NoteCreate(BaseModel):
        template: TemplateKey   # "SO\\u0000AP" or 129 characters: a 400 in the dialect's shape

``STORABLE`` goes last: pydantic checks lengths and patterns on the string itself only when they
come before a validator (after one, a length error reads "at most 128 items").

JSON bodies get the same text rule for every string and key, plus finite numbers and a bounded
depth, in ``scribe.api.json_input``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StrictStr
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

# A NUL, or a UTF-16 surrogate half (a valid pair never survives decoding into a Python str).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (never quoting it), or None when it can."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "must not contain NUL characters"
    return "must not contain unpaired UTF-16 surrogates"


def _storable(value: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise PydanticCustomError("unstorable_text", problem)
    return value


def column_length(attribute: Any) -> int:
    """The ``n`` of a model attribute's ``String(n)`` column, e.g. ``Note.template_key``."""
    length = attribute.property.columns[0].type.length
    if not isinstance(length, int):
        raise TypeError(f"{attribute} is not a bounded String column")
    return length


def column(attribute: Any) -> FieldInfo:
    """``Field(max_length=n)`` for the ``String(n)`` column a value is stored in."""
    info: FieldInfo = Field(max_length=column_length(attribute))
    return info


# Annotated metadata: text that can be stored (last), and text with something in it.
STORABLE = AfterValidator(_storable)
NON_BLANK: FieldInfo = Field(min_length=1, pattern=r"\S")

# Any text that may be stored: no NUL, no lone surrogate (add a bound with ``column``).
Text = Annotated[str, STORABLE]
StrictText = Annotated[StrictStr, STORABLE]
NonEmptyText = Annotated[StrictStr, NON_BLANK, STORABLE]
