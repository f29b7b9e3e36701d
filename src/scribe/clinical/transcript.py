"""Turn a plain-text transcript into utterances, whatever speaker-label style it uses."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scribe.clinical.roles import infer_roles
from scribe.clinical.sentences import split_sentences
from scribe.clinical.types import SpeakerRole, Utterance

_BRACKET_LABEL = re.compile(r"^\s*\[([^\]]{1,40})\]\s*:?\s*(.*)$")
_COLON_LABEL = re.compile(r"^\s*([A-Za-z][\w.'()\- ]{0,38}?)\s*:\s*(.*)$")
# A second speaker label run into the same line after a sentence end: "No. Doctor: Any pain?"
_INLINE_LABEL = re.compile(
    r"(?<=[.?!])\s+(?=(?:Doctor|Patient|Dr\.?|Pt|Nurse|Clinician|Provider|Physician)\s*:)"
)
_DOCTOR_WORDS = frozenset(
    "doctor dr provider clinician physician nurse np pa md rn therapist counselor counsellor"
    " psychologist psychiatrist surgeon".split()
)
_PATIENT_WORDS = frozenset({"patient", "pt", "client"})
# A generic "Name:" label: up to three capitalised words, or "Speaker 1" style ids.
_NAME_LABEL = re.compile(r"^(?:[A-Z][\w.'\-]*(?: [A-Z][\w.'\-]*){0,2}|(?i:speaker)[ _]?\w{1,3})$")


@dataclass(frozen=True, slots=True)
class _Line:
    role: SpeakerRole | None  # None: a continuation of the previous utterance
    text: str
    labelled: bool = False


def parse_transcript(text: str) -> list[Utterance]:
    """Parse a plain-text transcript into utterances with ids "s0", "s1", ... in order."""
    if not text.strip():
        return []
    raw_lines = [part for line in text.splitlines() for part in _INLINE_LABEL.split(line)]
    lines = [_classify_line(line) for line in raw_lines if line.strip()]
    if not _looks_labelled(lines):
        return _parse_prose(text)
    return _merge(lines)


def label_role(label: str) -> SpeakerRole | None:
    """Map a speaker label ("Dr. Smith", "PATIENT", "Nurse") to a role; None if not a label."""
    words = re.findall(r"[a-z]+", label.lower())
    if not words:
        return None
    if words[0] in _DOCTOR_WORDS or (words[0] == "guest" and "clinician" in words):
        return "doctor"
    if words[0] in _PATIENT_WORDS:
        return "patient"
    return "unspecified" if _NAME_LABEL.match(label.strip()) else None


def _classify_line(line: str) -> _Line:
    match = _BRACKET_LABEL.match(line) or _COLON_LABEL.match(line)
    if match is not None:
        role = label_role(match.group(1))
        if role is not None:
            return _Line(role, match.group(2).strip(), labelled=True)
    return _Line(None, line.strip())


def _looks_labelled(lines: list[_Line]) -> bool:
    known = sum(1 for line in lines if line.labelled and line.role != "unspecified")
    named = sum(1 for line in lines if line.labelled and line.role == "unspecified")
    return known > 0 or named >= 2


def _merge(lines: list[_Line]) -> list[Utterance]:
    turns: list[tuple[SpeakerRole, list[str]]] = []
    for line in lines:
        if line.role is None and turns:
            turns[-1][1].append(line.text)
        else:
            turns.append((line.role or "unspecified", [line.text]))
    texts = [(role, " ".join(part for part in parts if part)) for role, parts in turns]
    kept = [(role, body) for role, body in texts if body]
    return [Utterance(id=f"s{i}", text=body, speaker=role) for i, (role, body) in enumerate(kept)]


def _parse_prose(text: str) -> list[Utterance]:
    sentences = split_sentences(text)
    return infer_roles([Utterance(id=f"s{i}", text=body) for i, body in enumerate(sentences)])
