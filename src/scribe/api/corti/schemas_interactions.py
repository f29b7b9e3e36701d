"""Corti interaction bodies, as the API reference and the ``@corti/sdk`` types spell them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer, StrictStr

from scribe.api.types import STORABLE, column
from scribe.encounters.models import Encounter


def _as_utc(value: datetime) -> datetime:
    # A time without a zone is taken as UTC, the zone Corti's API speaks.
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+00:01 is before year 1 in UTC
        raise ValueError("is outside the years 1 to 9999 in UTC") from None


def iso(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, as Corti writes times."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


UTCDateTime = Annotated[datetime, AfterValidator(_as_utc)]
Timestamp = Annotated[datetime, PlainSerializer(iso, return_type=str)]
Text = Annotated[StrictStr, column(Encounter.title), STORABLE]
PatientName = Annotated[StrictStr, column(Encounter.patient_name), STORABLE]
Pronouns = Annotated[StrictStr, column(Encounter.patient_pronouns), STORABLE]
Reference = Annotated[StrictStr, Field(min_length=1), column(Encounter.identifier), STORABLE]
EncounterStatus = Literal["planned", "in-progress", "on-hold", "completed", "cancelled", "deleted"]
EncounterType = Literal[
    "first_consultation", "consultation", "emergency", "inpatient", "outpatient"
]
Gender = Literal["male", "female", "unknown", "other"]
SORTS = (
    "id",
    "assignedUserId",
    "patient",
    "createdAt",
    "startedAt",
    "endedAt",
    "updatedAt",
    "lastUpdated",
)


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Period(_Body):
    startedAt: UTCDateTime
    endedAt: UTCDateTime | None = None


class PeriodPatch(_Body):
    startedAt: UTCDateTime | None = None
    endedAt: UTCDateTime | None = None


class EncounterIn(_Body):
    identifier: Reference
    status: EncounterStatus
    type: EncounterType
    period: Period | None = None
    title: Text | None = None


class EncounterPatch(_Body):
    identifier: Reference | None = None
    status: EncounterStatus | None = None
    type: EncounterType | None = None
    period: PeriodPatch | None = None
    title: Text | None = None


class PatientIn(_Body):
    identifier: Reference
    name: PatientName | None = None
    gender: Gender | None = None
    # A date-time, as Corti documents it; a plain date ("1980-05-17") is read as its midnight UTC.
    birthDate: UTCDateTime | None = None
    pronouns: Pronouns | None = None


class PatientPatch(PatientIn):
    identifier: Reference | None = None  # type: ignore[assignment]


class InteractionCreate(_Body):
    assignedUserId: StrictStr | None = None
    encounter: EncounterIn
    patient: PatientIn | None = None


class InteractionPatch(_Body):
    assignedUserId: StrictStr | None = None
    encounter: EncounterPatch | None = None
    patient: PatientPatch | None = None


class InteractionCreated(BaseModel):
    interactionId: str
    websocketUrl: str
    # The seed document's names for the same two values.
    id: str
    wssUrl: str


class PeriodOut(BaseModel):
    startedAt: Timestamp
    endedAt: Timestamp | None


class EncounterOut(BaseModel):
    identifier: str
    status: EncounterStatus
    type: EncounterType
    period: PeriodOut
    title: str | None


class PatientOut(BaseModel):
    identifier: str
    name: str | None
    gender: Gender | None
    birthDate: str | None
    pronouns: str | None


class Interaction(BaseModel):
    id: str
    assignedUserId: str
    encounter: EncounterOut
    patient: PatientOut
    endedAt: Timestamp | None
    createdAt: Timestamp
    updatedAt: Timestamp
    websocketUrl: str
    lastUpdated: Timestamp


class InteractionList(BaseModel):
    interactions: list[Interaction]
