"""What a client sends to define a template of its own; dialects translate their shapes to it."""

from __future__ import annotations

import re
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from scribe.clinical.types import Category


class SectionDefinition(BaseModel):
    """A section: its key (derived from the title when empty), title and writing instructions.

    Without ``kinds`` the engine infers what feeds the section from its title or key.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    key: str = Field(default="", max_length=128)
    title: str = Field(min_length=1, max_length=256)
    instructions: str = Field(default="", max_length=4000)
    kinds: list[Category] | None = None

    @model_validator(mode="after")
    def _key_from_title(self) -> Self:
        if not self.key:
            self.key = re.sub(r"[^a-z0-9]+", "_", self.title.lower()).strip("_") or "section"
        return self


class TemplateDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    key: str = Field(min_length=1, max_length=128)
    name: str = Field(min_length=1, max_length=256)
    description: str = Field(default="", max_length=4000)
    language: str | None = Field(default=None, min_length=2, max_length=35)
    sections: list[SectionDefinition] = Field(min_length=1, max_length=64)

    @model_validator(mode="after")
    def _unique_section_keys(self) -> Self:
        keys = [section.key for section in self.sections]
        if len(set(keys)) != len(keys):
            raise ValueError("section keys must be unique within a template")
        return self
