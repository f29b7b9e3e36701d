"""Tell whether a transcript is in English, the one language the engine writes notes from.

By the share of the commonest English words among its words: English speech runs at about
40-50% (the, and, I, you, it, to, ...); Spanish, French or German at under 5%, since their own
function words are different. No model: a word list and a count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_ENGLISH = frozenset(
    "the and i you it to a of that is in my for on was with have be this but so not what do we"
    " your me are he she they it's i'm just about can like if or at no yes okay yeah any how"
    " there all get out when been had did does up one some any well right go going know think"
    " them his her our from an will would could should".split()
)
# Below this share of common English words, with enough words to judge, it is not English.
MIN_ENGLISH_SHARE = 0.15
MIN_WORDS_TO_JUDGE = 30


def looks_english(texts: Iterable[str]) -> bool:
    """False only for a text long enough to judge that is clearly not English."""
    words = [w.lower() for text in texts for w in _WORD.findall(text)]
    if len(words) < MIN_WORDS_TO_JUDGE:
        return True
    return sum(w in _ENGLISH for w in words) / len(words) >= MIN_ENGLISH_SHARE
