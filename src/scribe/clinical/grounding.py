"""Find the source passages a statement rests on when the writer did not say (by wording).

Summary sections and filled fields come back as text only; the passages behind them are the
ones that share their content words and numbers. Passages are picked greedily, each one adding
words the statement has and the passages picked so far lack::

    supporting("Lisinopril 20 mg daily.", [("m1", "lisinopril 20 mg daily"), ("c1", "asthma")])
    # ("m1",)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from scribe.clinical.fields import fold, stems
from scribe.clinical.sentences import split_sentences
from scribe.clinical.transcript import parse_transcript
from scribe.clinical.types import Utterance

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+")
# At most this many passages per statement: a sentence rarely rests on more, and a list past
# it points at everything.
_MAX_PASSAGES = 4


@lru_cache(maxsize=8192)  # the same passages are searched once per statement
def terms(text: str) -> frozenset[str]:
    """The content-word stems and the numbers ("38,5" as "38.5") of a text."""
    numbers = {"#" + n.replace(",", ".") for n in _NUMBER.findall(fold(text))}
    return stems(text) | numbers


def supporting(
    statement: str, passages: Sequence[tuple[str, str]], *, cue: str = ""
) -> tuple[str, ...]:
    """The ids of the (id, text) passages a statement rests on, best first; () if none.

    ``cue`` adds words the passage must be about without being in the statement (a field's
    name, for a value such as 38.5).
    """
    own = terms(statement)
    wanted = set(own | terms(cue))
    pool = [(pid, terms(text)) for pid, text in passages]
    picked: list[str] = []
    while wanted and len(picked) < _MAX_PASSAGES:
        best = max(pool, key=lambda item: len(item[1] & wanted), default=None)
        if best is None or not best[1] & wanted:
            break
        if not picked and not _enough(best[1], wanted, own):
            break
        picked.append(best[0])
        wanted -= best[1]
        pool.remove(best)
    return tuple(picked)


def _enough(found: frozenset[str], wanted: set[str], own: frozenset[str]) -> bool:
    """A first passage shares two terms (or all there are), or every term of the statement."""
    return len(found & wanted) >= min(2, len(wanted)) or (bool(own) and own <= found)


def source_segments(text: str) -> list[Utterance]:
    """A free text (summary or transcript) as sentence segments ``s0``, ``s1``… with speakers."""
    found: list[Utterance] = []
    for line in text.splitlines():
        for utterance in parse_transcript(_BULLET.sub("", line, count=1)):
            for sentence in split_sentences(utterance.text):
                found.append(Utterance(f"s{len(found)}", sentence, utterance.speaker))
    return found
