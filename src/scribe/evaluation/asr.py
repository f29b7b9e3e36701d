"""Speech-recognition evaluation: WER and speaker-role accuracy against reference turns.

References are the ``.json`` files beside the sample audio (EVAL.md): ``{"duration_ms", "segments":
[{"speaker", "text", "start_ms", "end_ms"}]}``. Every audio file whose name starts with the
reference's stem and a dot (``visit.json`` → ``visit.mono.ogg``, ``visit.stereo.ogg``) is scored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jiwer

from scribe.providers.asr.base import AsrSegment

AUDIO_SUFFIXES = frozenset({".wav", ".ogg", ".opus", ".mp3", ".m4a", ".webm", ".flac"})
NORMALISER = (
    "lower case; every run of characters other than a-z, 0-9 becomes one space; numbers as written"
)
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class ReferenceTurn:
    speaker: str
    text: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True, slots=True)
class AsrCase:
    audio: Path
    reference: tuple[ReferenceTurn, ...]
    duration_ms: int


@dataclass(frozen=True, slots=True)
class AsrScore:
    audio: str
    wer: float
    role_accuracy: float
    reference_words: int


def normalise(text: str) -> str:
    """The one fixed normaliser every WER figure uses (see ``NORMALISER``)."""
    return _NOT_WORD.sub(" ", text.lower()).strip()


def load_reference(path: Path) -> tuple[tuple[ReferenceTurn, ...], int]:
    """Read a reference ``.json``: its turns and the audio duration in ms."""
    data = json.loads(path.read_text(encoding="utf-8"))
    turns = tuple(
        ReferenceTurn(
            speaker=str(item["speaker"]),
            text=str(item["text"]),
            start_ms=int(item["start_ms"]),
            end_ms=int(item["end_ms"]),
        )
        for item in data["segments"]
    )
    return turns, int(data.get("duration_ms") or (turns[-1].end_ms if turns else 0))


def find_cases(folder: Path) -> list[AsrCase]:
    """Every (audio, reference) pair in a folder, in name order."""
    cases = []
    for reference_path in sorted(folder.glob("*.json")):
        turns, duration_ms = load_reference(reference_path)
        prefix = reference_path.stem + "."
        for audio in sorted(folder.iterdir()):
            if audio.name.startswith(prefix) and audio.suffix.lower() in AUDIO_SUFFIXES:
                cases.append(AsrCase(audio=audio, reference=turns, duration_ms=duration_ms))
    return cases


def word_error_rate(reference: Sequence[ReferenceTurn], segments: Sequence[AsrSegment]) -> float:
    """WER of the whole recording (reference turns and predicted segments concatenated)."""
    truth = normalise(" ".join(turn.text for turn in reference))
    guess = normalise(" ".join(segment.text for segment in segments))
    if not truth:
        return 0.0 if not guess else 1.0
    return float(jiwer.wer(truth, guess)) if guess else 1.0


def role_accuracy(reference: Sequence[ReferenceTurn], segments: Sequence[AsrSegment]) -> float:
    """Share of reference words whose predicted segment (at the word's time) has the right role.

    A reference word is placed at its proportional position inside its turn; the predicted
    segment covering that instant (or the nearest one) supplies the predicted role.
    """
    total = correct = 0
    for turn in reference:
        words = normalise(turn.text).split()
        span = max(turn.end_ms - turn.start_ms, 1)
        for index in range(len(words)):
            instant = turn.start_ms + span * (index + 0.5) / len(words)
            total += 1
            predicted = _segment_at(segments, instant)
            correct += predicted is not None and predicted.speaker == turn.speaker
    return correct / total if total else 0.0


def _segment_at(segments: Sequence[AsrSegment], instant: float) -> AsrSegment | None:
    if not segments:
        return None
    covering = [s for s in segments if s.start_ms <= instant <= s.end_ms]
    if covering:
        return min(covering, key=lambda s: s.end_ms - s.start_ms)
    return min(segments, key=lambda s: min(abs(s.start_ms - instant), abs(s.end_ms - instant)))


def score(case: AsrCase, segments: Sequence[AsrSegment]) -> AsrScore:
    """WER and role accuracy of one transcription."""
    words = sum(len(normalise(turn.text).split()) for turn in case.reference)
    return AsrScore(
        audio=case.audio.name,
        wer=word_error_rate(case.reference, segments),
        role_accuracy=role_accuracy(case.reference, segments),
        reference_words=words,
    )


def overall(scores: Sequence[AsrScore]) -> tuple[float, float]:
    """Word-weighted WER and role accuracy over several files."""
    words = sum(s.reference_words for s in scores) or 1
    wer = sum(s.wer * s.reference_words for s in scores) / words
    roles = sum(s.role_accuracy * s.reference_words for s in scores) / words
    return wer, roles
