"""Look templates up by family, key and language; build dynamic and tenant-defined ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from scribe.clinical.catalogue import _load
from scribe.clinical.catalogue._kinds import expand, settle
from scribe.clinical.catalogue.mapping import title_kinds
from scribe.clinical.types import Category, SectionSpec, TemplateSpec


class UnknownSectionError(LookupError):
    """A dynamic template named sections its family's catalogue does not have."""

    def __init__(self, keys: Sequence[str]) -> None:
        super().__init__(f"unknown section keys: {', '.join(keys)}")
        self.keys = tuple(keys)


@dataclass(frozen=True, slots=True)
class CustomSection:
    """A section a tenant defines; without ``kinds``, they are derived from its title or key."""

    key: str
    title: str
    instructions: str = ""
    kinds: tuple[Category, ...] | None = None


def find(family: str, key: str, language: str | None = None) -> TemplateSpec | None:
    """A family's built-in template by key or alias, ignoring case and punctuation.

    With a language, section titles come in it, and a template that cannot be written in that
    language is None (e.g. Nabla's GENERAL_MEDICINE_AP_MERGED in French).
    """
    spec = _load.family(family).index.get(_load.compact(key))
    if spec is None or language is None:
        return spec
    return spec.localized(language) if spec.supports(language) else None


def find_any(key: str, language: str | None = None) -> TemplateSpec | None:
    """A built-in template of whichever family knows the key, Omniloy first (for the CLI)."""
    for name in _load.FAMILIES:
        spec = find(name, key, language)
        if spec is not None:
            return spec
    return None


def list_templates(family: str, language: str | None = None) -> tuple[TemplateSpec, ...]:
    """A family's built-in templates in catalogue order, only those available in a language."""
    templates = _load.family(family).templates
    if language is None:
        return templates
    return tuple(t.localized(language) for t in templates if t.supports(language))


def section_catalogue(
    family: str = "corti", language: str | None = None
) -> tuple[SectionSpec, ...]:
    """Every shared section of a family: Corti's ``templateSections``, Nabla's section keys.

    Omniloy and Clinia templates define their sections inline, so theirs is empty.
    """
    raw = _load.family(family).raw
    sections = (
        _load.section_spec(key, section, expand([*section.kinds, *section.also]))
        for key, section in raw.sections.items()
    )
    return tuple(replace(s, title=s.title_in(language)) for s in sections)


def compose(
    family: str,
    key: str,
    name: str,
    section_keys: Sequence[str],
    *,
    description: str = "",
) -> TemplateSpec:
    """A template made of a family's sections in the given order (Corti's ``sectionKeys``)."""
    if not section_keys:
        raise ValueError("a template needs at least one section")
    raw = _load.family(family).raw
    unknown = [k for k in section_keys if k not in raw.sections]
    if unknown:
        raise UnknownSectionError(unknown)
    entries = [_load.resolve_section(raw, k) for k in dict.fromkeys(section_keys)]
    return TemplateSpec(
        key=key,
        name=name,
        sections=_load.build_sections(entries),
        family=family,
        description=description,
        languages=tuple(raw.languages),
    )


def custom_template(
    key: str,
    name: str,
    sections: Sequence[CustomSection],
    *,
    description: str = "",
    language: str | None = None,
) -> TemplateSpec:
    """A tenant's own template, each section fed by the categories its title names."""
    kinds = settle([_wanted(section) for section in sections])
    specs = tuple(
        SectionSpec(
            key=s.key,
            title=s.title,
            kinds=own,
            titles=((language, s.title),) if language else (),
            instructions=s.instructions,
        )
        for s, own in zip(sections, kinds, strict=True)
    )
    return TemplateSpec(
        key=key,
        name=name,
        sections=specs,
        family="custom",
        description=description,
        languages=(language,) if language else (),
    )


def fallback_template(key: str, name: str) -> TemplateSpec:
    """The general clinical template Omniloy uses for custom and unknown template names."""
    fallback = _load.family("omniloy").fallback
    if fallback is None:
        raise LookupError("omniloy.json must define the fallback template")
    return replace(fallback, key=key, name=name)


def _wanted(section: CustomSection) -> tuple[tuple[Category, ...], tuple[Category, ...]]:
    if section.kinds is not None:
        return section.kinds, ()
    own, also = title_kinds(section.title)
    return (own, also) if own or also else title_kinds(section.key)
