"""Who said each segment: the channel's role when each channel holds one speaker, else a guess.

Recognizers set ``channel`` on every segment (0-based) only when they transcribed the channels
one by one; mixed-down audio leaves it None, and the roles are inferred from the dialogue::

    assign_roles(result, ("doctor", "patient"))  # channel 0 -> doctor, channel 1 -> patient
    assign_roles(result, None)                   # "How are you?" -> doctor, "My knee." -> patient
    assign_roles(result, None, voices=[0, 1, 0])  # voice clusters (``voices.voice_labels``),
                                                  # named doctor / patient by what each one says

With voices, the wording of all of a voice's segments names it, so one clear question or
complaint names every segment of that voice; a third voice (a relative) stays unspecified.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace

from scribe.clinical import infer_roles
from scribe.clinical.roles import role_scores
from scribe.clinical.types import SpeakerRole, Utterance
from scribe.providers.asr.base import AsrSegment, TranscriptionResult


def assign_roles(
    result: TranscriptionResult,
    channel_roles: tuple[SpeakerRole, ...] | None,
    *,
    voices: Sequence[int | None] | None = None,
) -> TranscriptionResult:
    """Return result with a speaker role on every segment it can tell.

    ``voices`` (one voice label or None per segment) is used for segments without a channel role.
    """
    segments = result.segments
    if channel_roles and segments and all(s.channel is not None for s in segments):
        segments = tuple(_by_channel(s, channel_roles) for s in segments)
    elif voices is not None and len(voices) == len(segments) and _two_voices(voices):
        return replace(result, segments=_by_voice(segments, voices))
    # Inference fills only what is still unspecified: a channel declared "unspecified", mixed
    # audio, or roles a diarizing server did not give.
    if any(s.speaker == "unspecified" for s in segments):
        segments = _turn_taking(_inferred(segments))
    return replace(result, segments=segments)


def _two_voices(voices: Sequence[int | None]) -> bool:
    # One voice says nothing about who is who: the wording alone decides then, as without voices.
    return {0, 1} <= set(voices)


def _by_voice(
    segments: tuple[AsrSegment, ...], voices: Sequence[int | None]
) -> tuple[AsrSegment, ...]:
    roles = _voice_roles(segments, voices)
    # A role the recogniser gave (a diarizing server) is kept; the voices fill in the rest.
    given = [s.speaker != "unspecified" for s in segments]
    named = tuple(
        replace(s, speaker=roles[v]) if v in roles and not known else s
        for s, v, known in zip(segments, voices, given, strict=True)
    )
    # Segments too short to tell the voice: from their wording and the turn before.
    filled = _turn_taking(_inferred(named))
    return tuple(
        replace(s, speaker="unspecified") if v is not None and v not in roles and not known else s
        for s, v, known in zip(filled, voices, given, strict=True)
    )


def _voice_roles(
    segments: tuple[AsrSegment, ...], voices: Sequence[int | None]
) -> dict[int, SpeakerRole]:
    """Doctor and patient voices; a third voice (a relative) gets no role.

    The doctor's voice is the one whose wording sounds most like a clinician's; the patient's, of
    the others, the one whose wording sounds most like a patient's, counting each answer to the
    doctor's questions as a cue (a relative mostly speaks of the patient, unasked).
    """
    heard = list(dict.fromkeys(v for v in voices if v is not None))
    lean = _leans(segments, voices, heard)
    doctor = next(v for v in heard if lean[v] == max(lean.values()))
    turns = list(zip(segments, voices, strict=True))
    for (asked, asker), (_, voice) in itertools.pairwise(turns):
        if asker == doctor and voice is not None and voice != doctor:
            lean[voice] -= 1 if asked.text.rstrip().endswith("?") else 0
    others = [v for v in heard if v != doctor]
    patient = next(v for v in others if lean[v] == min(lean[o] for o in others))
    return {doctor: "doctor", patient: "patient"}


def _leans(
    segments: tuple[AsrSegment, ...], voices: Sequence[int | None], heard: list[int]
) -> dict[int, int]:
    """Per voice, the doctor evidence in its wording minus the patient evidence.

    On even evidence the voice heard first wins (``heard`` is in speaking order): the clinician
    usually opens the visit.
    """
    lean = dict.fromkeys(heard, 0)
    for segment, voice in zip(segments, voices, strict=True):
        if voice is not None:
            doctor, patient = role_scores(segment.text)
            asks = 1 if segment.text.rstrip().endswith("?") else 0
            lean[voice] += doctor + asks - patient
    return lean


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
