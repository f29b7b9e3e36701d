"""Who said each segment: the channel's role when each channel holds one speaker, else a guess.

Recognizers set ``channel`` on every segment (0-based) only when they transcribed the channels
one by one; mixed-down audio leaves it None, and the roles are inferred from the dialogue::

    assign_roles(result, ("doctor", "patient"))  # channel 0 -> doctor, channel 1 -> patient
    assign_roles(result, None)                   # "How are you?" -> doctor, "My knee." -> patient
"""

from __future__ import annotations

from dataclasses import replace

from scribe.clinical import infer_roles
from scribe.clinical.types import SpeakerRole, Utterance
from scribe.providers.asr.base import AsrSegment, TranscriptionResult


def assign_roles(
    result: TranscriptionResult, channel_roles: tuple[SpeakerRole, ...] | None
) -> TranscriptionResult:
    """Return result with a speaker role on every segment it can tell."""
    segments = result.segments
    if channel_roles and segments and all(s.channel is not None for s in segments):
        segments = tuple(_by_channel(s, channel_roles) for s in segments)
    # Inference fills only what is still unspecified: a channel declared "unspecified", mixed
    # audio, or roles a diarizing server did not give.
    if any(s.speaker == "unspecified" for s in segments):
        segments = _turn_taking(_inferred(segments))
    return replace(result, segments=segments)


def _by_channel(segment: AsrSegment, roles: tuple[SpeakerRole, ...]) -> AsrSegment:
    channel = segment.channel or 0
    role = roles[channel] if channel < len(roles) else "unspecified"
    return replace(segment, speaker=role)


def _inferred(segments: tuple[AsrSegment, ...]) -> tuple[AsrSegment, ...]:
    utterances = [
        Utterance(str(i), s.text, speaker=s.speaker, start_ms=s.start_ms, end_ms=s.end_ms)
        for i, s in enumerate(segments)
    ]
    resolved = infer_roles(utterances)
    return tuple(replace(s, speaker=u.speaker) for s, u in zip(segments, resolved, strict=True))


def _turn_taking(segments: tuple[AsrSegment, ...]) -> tuple[AsrSegment, ...]:
    """Give segments without a cue a role from the turn before: a question gets an answer.

    A recognised segment is often part of a turn, so a segment with nothing to go on most
    likely continues the previous speaker, unless that speaker just asked something. The
    clinician usually opens the visit.
    """
    filled: list[AsrSegment] = []
    for segment in segments:
        if segment.speaker == "unspecified":
            segment = replace(segment, speaker=_after(filled[-1] if filled else None))
        filled.append(segment)
    return tuple(filled)


def _after(previous: AsrSegment | None) -> SpeakerRole:
    if previous is None:
        return "doctor"
    if previous.text.rstrip().endswith("?"):
        return "patient" if previous.speaker == "doctor" else "doctor"
    return previous.speaker
