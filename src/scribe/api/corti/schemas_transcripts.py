"""Corti transcript bodies, as the API reference and the ``@corti/sdk`` types spell them.

Segment times are integer milliseconds; ``transcripts`` is null while the transcript is still
processing.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from scribe.api.types import NON_BLANK, STORABLE, column
from scribe.transcripts.models import Transcript as TranscriptRow

ParticipantRole = Literal["doctor", "patient", "multiple"]
TranscriptStatus = Literal["processing", "completed", "failed"]
MAX_CHANNELS = 32
Language = Annotated[StrictStr, NON_BLANK, column(TranscriptRow.language), STORABLE]


class Participant(BaseModel):
    model_config = ConfigDict(extra="ignore")

    channel: Annotated[StrictInt, Field(ge=0, lt=MAX_CHANNELS)]
    role: ParticipantRole


class TranscriptCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    recordingId: StrictStr
    primaryLanguage: Language
    isDictation: StrictBool = False
    isMultichannel: StrictBool = False
    diarize: StrictBool = False
    participants: Annotated[list[Participant], Field(max_length=MAX_CHANNELS)] | None = None
    # 2026 API: answer 202 at once and let the client poll .../status.
    run_async: StrictBool = Field(default=False, alias="async")


class Segment(BaseModel):
    channel: int
    participant: int
    speakerId: int
    text: str
    start: int
    end: int


class Metadata(BaseModel):
    participantsRoles: list[Participant] | None


class UsageInfo(BaseModel):
    creditsConsumed: float


class Transcript(BaseModel):
    id: str
    recordingId: str | None
    status: TranscriptStatus
    metadata: Metadata
    transcripts: list[Segment] | None
    usageInfo: UsageInfo


class Status(BaseModel):
    status: TranscriptStatus
    # Not in Corti's API (clients ignore it): the fraction of the audio recognised so far.
    progress: float = Field(default=1.0, ge=0, le=1)


class TranscriptData(BaseModel):
    metadata: Metadata
    transcripts: list[Segment]


class TranscriptListItem(BaseModel):
    id: str
    transcriptSample: str
    # Only with ?full=true.
    transcript: TranscriptData | None = None


class TranscriptList(BaseModel):
    transcripts: list[TranscriptListItem]
