"""Read the catalogue's data files (one JSON file per vendor family) into TemplateSpecs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, field_validator

from scribe.clinical.catalogue._kinds import expand, settle
from scribe.clinical.types import Category, SectionSpec, TemplateSpec

FAMILIES = ("omniloy", "nabla", "corti", "clinia")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RawSection(_Strict):
    """A section as the data file writes it; ``also`` kinds yield to a dedicated section."""

    title: dict[str, str]
    kinds: list[str] = []
    also: list[str] = []
    instructions: str = ""

    @field_validator("title")
    @classmethod
    def _has_english(cls, title: dict[str, str]) -> dict[str, str]:
        if not title.get("en"):
            raise ValueError("every section needs an English title")
        return title

    @field_validator("kinds", "also")
    @classmethod
    def _known_kinds(cls, names: list[str]) -> list[str]:
        expand(names)
        return names


class RawSectionRef(_Strict):
    """A template's use of a section: its key, and anything this template says differently."""

    key: str
    title: dict[str, str] | None = None
    kinds: list[str] | None = None
    also: list[str] | None = None
    instructions: str | None = None


class RawTemplate(_Strict):
    key: str
    name: str
    description: str = ""
    languages: list[str] | None = None
    aliases: list[str] = []
    sections: list[str | RawSectionRef] = Field(min_length=1)


class RawFamily(_Strict):
    family: str
    languages: list[str] = []
    sections: dict[str, RawSection] = {}
    templates: list[RawTemplate]
    fallback: RawTemplate | None = None


@dataclass(frozen=True, slots=True)
class Family:
    """One vendor's templates, the sections they draw on, and lookup by compact key or alias."""

    raw: RawFamily
    templates: tuple[TemplateSpec, ...]
    index: dict[str, TemplateSpec]
    fallback: TemplateSpec | None


def compact(key: str) -> str:
    """A lookup key that ignores case and punctuation: ``corti-h-and-p`` → ``CORTIHANDP``."""
    return re.sub(r"[^A-Z0-9]", "", key.upper())


@cache
def family(name: str) -> Family:
    """The parsed family, read from its data file once per process."""
    if name not in FAMILIES:
        raise ValueError(f"unknown template family {name!r}; known: {', '.join(FAMILIES)}")
    data = resources.files("scribe.clinical.catalogue").joinpath("data", f"{name}.json")
    raw = RawFamily.model_validate_json(data.read_text(encoding="utf-8"))
    templates = tuple(_template(raw, t) for t in raw.templates)
    fallback = _template(raw, raw.fallback) if raw.fallback else None
    return Family(raw, templates, _index(name, templates), fallback)


def resolve_section(raw: RawFamily, entry: str | RawSectionRef) -> tuple[str, RawSection]:
    """A template's section entry merged over the family's section of the same key."""
    ref = RawSectionRef(key=entry) if isinstance(entry, str) else entry
    base = raw.sections.get(ref.key)
    if base is None:
        if ref.title is None:
            raise LookupError(f"section {ref.key!r} is not in the {raw.family} catalogue")
        base = RawSection(title=ref.title)
    return ref.key, base.model_copy(update=ref.model_dump(exclude={"key"}, exclude_none=True))


def build_sections(entries: Sequence[tuple[str, RawSection]]) -> tuple[SectionSpec, ...]:
    """SectionSpecs whose kinds are settled across the whole template (see ``settle``)."""
    kinds = settle([(expand(s.kinds), expand(s.also)) for _, s in entries])
    return tuple(
        section_spec(key, raw, own) for (key, raw), own in zip(entries, kinds, strict=True)
    )


def section_spec(key: str, raw: RawSection, kinds: tuple[Category, ...]) -> SectionSpec:
    return SectionSpec(
        key=key,
        title=raw.title["en"],
        kinds=kinds,
        titles=tuple(raw.title.items()),
        instructions=raw.instructions,
    )


def _template(raw: RawFamily, template: RawTemplate) -> TemplateSpec:
    entries = [resolve_section(raw, entry) for entry in template.sections]
    languages = raw.languages if template.languages is None else template.languages
    return TemplateSpec(
        key=template.key,
        name=template.name,
        sections=build_sections(entries),
        family=raw.family,
        description=template.description,
        languages=tuple(languages),
        aliases=tuple(template.aliases),
    )


def _index(name: str, templates: Sequence[TemplateSpec]) -> dict[str, TemplateSpec]:
    index: dict[str, TemplateSpec] = {}
    for spec in templates:
        for key in dict.fromkeys(compact(k) for k in (spec.key, *spec.aliases)):
            if key in index:
                raise ValueError(f"{name} catalogue: {key!r} names two templates")
            index[key] = spec
    return index
