"""Corti facts and fact groups, as the 2026 SDK reads and writes them."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import BaseModel, Field, StrictBool, StrictStr, model_validator

from scribe.api.corti.schemas_documents import Body, NonEmpty, Source, Timestamp
from scribe.facts.models import Fact as FactRow
from scribe.facts.service import FactChanges, NewFact, group_id

Text = Annotated[NonEmpty, Field(max_length=4000)]
GroupKey = Annotated[NonEmpty, Field(max_length=64)]


class FactCreate(Body):
    text: Text
    group: GroupKey
    source: Source | None = None

    def new(self) -> NewFact:
        return NewFact(self.text, self.group, self.source or "user")


class FactsCreate(Body):
    facts: Annotated[list[FactCreate], Field(min_length=1, max_length=1000)]


class FactUpdate(Body):
    text: Text | None = None
    group: GroupKey | None = None
    source: Source | None = None
    isDiscarded: StrictBool | None = None

    def changes(self) -> FactChanges:
        changes = FactChanges()
        if self.text is not None:
            changes["text"] = self.text
        if self.group is not None:
            changes["group"] = self.group
        if self.source is not None:
            changes["source"] = self.source
        if self.isDiscarded is not None:
            changes["is_discarded"] = self.isDiscarded
        return changes


class FactBatchItem(FactUpdate):
    factId: StrictStr


class FactsBatchUpdate(Body):
    facts: Annotated[list[FactBatchItem], Field(min_length=1, max_length=1000)]

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        ids = [fact.factId for fact in self.facts]
        if len(set(ids)) != len(ids):
            raise ValueError("each factId may appear once")
        return self


class Fact(BaseModel):
    id: str
    text: str
    group: str
    groupId: str
    isDiscarded: bool
    source: Literal["core", "system", "user"]
    createdAt: Timestamp
    updatedAt: Timestamp

    @classmethod
    def of(cls, row: FactRow) -> Fact:
        return cls(
            id=row.id,
            text=row.text,
            group=row.group,
            groupId=group_id(row.group),
            isDiscarded=row.is_discarded,
            source=row.source,
            createdAt=row.created_at,
            updatedAt=row.updated_at,
        )


class FactList(BaseModel):
    facts: list[Fact]

    @classmethod
    def of(cls, rows: list[FactRow]) -> FactList:
        return cls(facts=[Fact.of(row) for row in rows])


class FactGroupTranslation(BaseModel):
    languages_id: str
    name: str


class FactGroup(BaseModel):
    id: str
    key: str
    translations: list[FactGroupTranslation]


class FactGroupList(BaseModel):
    data: list[FactGroup]
