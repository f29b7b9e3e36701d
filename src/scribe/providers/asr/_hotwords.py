"""Hotwords without their failure: a window Whisper decoded untimed, its words lost, is redone."""

from __future__ import annotations

from typing import Any

# Whisper times its segments at most a sentence or two long; one this long is a window decoded
# without timestamps, and with this few words a second (speech has 2 to 3) most of them lost.
COLLAPSED_SECONDS = 20.0
SPARSE_WORDS = 1.5


def transcribe_guarded(model: Any, samples: Any, options: dict[str, Any]) -> tuple[Any, Any]:
    """Whisper's segments of some audio (a window's channel, a live stream's tail) and its info.

    With hotwords, a small model sometimes stops timing its output: one segment per 30 s, and
    some of them keep only a few of its words (WER 0.18 to 0.54 on one visit in
    bench/asr_vocabulary.py). Such a window is decoded again without them.
    """
    pieces, info = model.transcribe(samples, **options)
    if not options.get("hotwords"):
        return pieces, info
    kept = list(pieces)
    if not any(lost_words(piece) for piece in kept):
        return kept, info
    pieces, info = model.transcribe(samples, **{**options, "hotwords": None})
    return list(pieces), info


def lost_words(piece: Any) -> bool:
    """Tell whether a recognised segment is a whole window with most of its words missing."""
    seconds = piece.end - piece.start
    return bool(seconds > COLLAPSED_SECONDS and len(piece.text.split()) < SPARSE_WORDS * seconds)
