"""A guard against Whisper's hallucination loops, applied to each stream of segments.

On silence, noise or a lost context Whisper can emit the same sentence again and again, or one
phrase repeated inside a segment until the token limit. Decoding settings make this rare; this
filter drops what still gets through. It is conservative: real dialogue repeats short answers
("No.", "Okay.") and the odd phrase, so a segment is dropped only when the repetition is long
or keeps going.
"""

from __future__ import annotations

import re
import zlib
from collections import deque

# A segment equal to one of this many recent kept segments, said within this many seconds of
# it, is a repeat (a loop runs back to back; a sentence said again minutes later is speech) ...
_RECENT = 3
_REPEAT_WITHIN_SECONDS = 30.0
# ... dropped at once when it has this many words, or when it repeats for the third time in a row.
_LONG_REPEAT_WORDS = 4
_MAX_IN_A_ROW = 2
# An n-gram (n up to _MAX_NGRAM) repeated back to back at least max(3, ceil(10 / n)) times.
_MAX_NGRAM = 8
_LOOP_WORDS = 10
_MIN_LOOP_REPEATS = 3
# Whisper's own test for degenerate text (gzip ratio), set above its decoding threshold of 2.4:
# decoding has already retried at higher temperatures by the time a segment gets here.
_COMPRESSION_RATIO = 3.0
_MIN_COMPRESSIBLE_CHARS = 40
_WORD = re.compile(r"[\w']+")


class RepetitionGuard:
    """Decides, segment by segment in time order, which text to keep."""

    def __init__(self) -> None:
        self._recent: deque[tuple[str, float]] = deque(maxlen=_RECENT)
        self._last = ""
        self._in_a_row = 0
        self.dropped = 0

    def accept(self, text: str, start: float = 0.0, end: float | None = None) -> bool:
        """Return whether to keep a segment of this text (said from ``start`` to ``end`` s)."""
        words = words_of(text)
        if not words:
            return False
        normalized = " ".join(words)
        recent = any(
            earlier == normalized and start - ended <= _REPEAT_WITHIN_SECONDS
            for earlier, ended in self._recent
        )
        self._in_a_row = self._in_a_row + 1 if normalized == self._last and recent else 1
        self._last = normalized
        repeated = recent and (len(words) >= _LONG_REPEAT_WORDS or self._in_a_row > _MAX_IN_A_ROW)
        if repeated or has_loop(words) or is_degenerate(text):
            self.dropped += 1
            return False
        self._recent.append((normalized, start if end is None else end))
        return True


def words_of(text: str) -> list[str]:
    """Return the lower-case words of text, punctuation dropped."""
    return _WORD.findall(text.lower())


def has_loop(words: list[str]) -> bool:
    """Return whether some phrase repeats back to back long enough to be a decoding loop."""
    for n in range(1, _MAX_NGRAM + 1):
        needed = max(_MIN_LOOP_REPEATS, -(-_LOOP_WORDS // n))
        if len(words) >= n * needed and _longest_run(words, n) >= needed:
            return True
    return False


def is_degenerate(text: str) -> bool:
    """Return whether text compresses like a loop of characters ("hahaha...", "!!!!...")."""
    data = text.strip().encode()
    if len(data) < _MIN_COMPRESSIBLE_CHARS:
        return False
    return len(data) / len(zlib.compress(data)) > _COMPRESSION_RATIO


def _longest_run(words: list[str], n: int) -> int:
    # Back-to-back repeats of an n-gram: words[i] == words[i + n] for a stretch of k * n - n
    # positions means the n-gram starting there occurs k times in a row.
    longest = stretch = 0
    for i in range(len(words) - n):
        stretch = stretch + 1 if words[i] == words[i + n] else 0
        longest = max(longest, stretch)
    return longest // n + 1
