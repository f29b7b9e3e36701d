"""Corti real-time stream messages: the config the client sends, and what the server answers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from scribe.api.types import STORABLE, column
from scribe.clinical.facts import ExtractedFact
from scribe.facts.service import group_id
from scribe.providers.asr.base import AsrSegment
from scribe.transcripts.models import Transcript as TranscriptRow

# The stream's language is stored with its transcript.
Language = Annotated[str, Field(min_length=2), column(TranscriptRow.language), STORABLE]


class _Open(BaseModel):
    # The 2026 SDK adds keys (retentionPolicy, audioFormat, keyterms, ...) we accept and ignore.
    model_config = ConfigDict(extra="ignore")


class Participant(_Open):
    channel: int = 0
    role: str = "multiple"


class Transcription(_Open):
    primaryLanguage: Language
    participants: list[Participant] = Field(default_factory=list)


class Mode(_Open):
    type: Literal["facts", "transcription"]
    outputLocale: str | None = None


class StreamConfiguration(_Open):
    transcription: Transcription
    mode: Mode

    @property
    def role(self) -> str:
        participants = self.transcription.participants
        return participants[0].role if participants else "multiple"


def status(kind: str, reason: str | None = None) -> dict[str, Any]:
    return {"type": kind, "reason": reason} if reason else {"type": kind}


def error(title: str, detail: str) -> dict[str, Any]:
    return {"type": "error", "error": {"id": str(uuid.uuid4()), "title": title, "detail": detail}}


def transcript(segments: list[AsrSegment], *, final: bool, role: str) -> dict[str, Any]:
    """A transcript message: times in seconds, one participant on channel 0."""
    return {
        "type": "transcript",
        "data": [
            {
                "id": str(uuid.uuid4()),
                "transcript": segment.text,
                "final": final,
                "speakerId": -1,
                "participant": {"channel": segment.channel or 0, "role": role},
                "time": {"start": segment.start_ms / 1000, "end": segment.end_ms / 1000},
            }
            for segment in segments
        ],
    }


def facts(found: list[ExtractedFact]) -> dict[str, Any]:
    """A facts message; the SDK reads the list under ``fact``."""
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    return {
        "type": "facts",
        "fact": [
            {
                "id": str(uuid.uuid4()),
                "text": fact.text,
                "group": fact.group,
                "groupId": group_id(fact.group),
                "isDiscarded": False,
                "source": "core",
                "createdAt": now,
                "updatedAt": now,
            }
            for fact in found
        ],
    }
