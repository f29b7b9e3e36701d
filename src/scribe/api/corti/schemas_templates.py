"""Corti templates and template sections, in the 2026 SDK's camelCase.

The catalogue's sections carry what Corti calls the section ``description`` (our writing
instructions); titles not translated in the catalogue are the English ones in every language.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from scribe.api.corti.schemas_documents import Timestamp
from scribe.clinical.types import SectionSpec, TemplateSpec
from scribe.errors import InvalidQueryError

STATUS = "published"
WRITING_STYLE = "paragraphs"
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3}$")


def languages(values: list[str] | None) -> list[str]:
    """The ``lang`` filter's BCP-47 tags (default English), or 400 (A0013) for a malformed one."""
    tags = [value.strip() for value in values or [] if value.strip()] or ["en"]
    if not all(_LANGUAGE.match(tag) for tag in tags):
        raise InvalidQueryError("lang must be a BCP-47 language tag")
    return tags


class WritingStyle(BaseModel):
    name: str = WRITING_STYLE


class Translation(BaseModel):
    languageId: str
    name: str | None = None
    description: str | None = None


class Section(BaseModel):
    updatedAt: Timestamp | None = None
    name: str
    key: str
    description: str
    defaultWritingStyle: WritingStyle = WritingStyle()
    type: str = "text"
    documentationMode: Literal["global_sequential", "routed_parallel"] = "global_sequential"
    translations: list[Translation]

    @classmethod
    def of(
        cls, spec: SectionSpec, language_ids: tuple[str, ...], updated: datetime | None = None
    ) -> Section:
        translations = [
            Translation(languageId=lang, name=spec.title_in(lang), description=spec.instructions)
            for lang in language_ids
        ]
        return cls(
            updatedAt=updated,
            name=spec.title,
            key=spec.key,
            description=spec.instructions,
            translations=translations,
        )


class SortedSection(BaseModel):
    sort: int
    section: Section


class Template(BaseModel):
    updatedAt: Timestamp | None = None
    name: str
    description: str
    additionalInstructions: str | None = None
    key: str
    status: str = STATUS
    documentationMode: Literal["global_sequential", "routed_parallel"] = "global_sequential"
    templateSections: list[SortedSection]
    translations: list[Translation]

    @classmethod
    def of(cls, spec: TemplateSpec, updated: datetime | None = None) -> Template:
        language_ids = spec.languages
        sections = [
            SortedSection(sort=i, section=Section.of(s, language_ids, updated))
            for i, s in enumerate(spec.sections)
        ]
        translations = [
            Translation(languageId=lang, name=spec.name, description=spec.description)
            for lang in language_ids
        ]
        return cls(
            updatedAt=updated,
            name=spec.name,
            description=spec.description,
            key=spec.key,
            templateSections=sections,
            translations=translations,
        )


class TemplateList(BaseModel):
    data: list[Template]


class SectionList(BaseModel):
    data: list[Section]
