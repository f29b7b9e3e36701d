"""Templates: the engine's built-in catalogue by vendor family, and each tenant's own.

A tenant's template (defined with sections, or only a custom name it used) is seen by that tenant
alone. Writing a note resolves a key to a tenant template, else the family's built-in, else the
generic template named after the key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from scribe import clinical
from scribe.clinical import catalogue
from scribe.clinical.types import Category, TemplateSpec
from scribe.errors import TemplateNotFoundError
from scribe.templates.models import TemplateRef
from scribe.templates.schemas import TemplateDefinition

DEFAULT_FAMILY = "omniloy"


def builtin(key: str, family: str = DEFAULT_FAMILY) -> TemplateSpec | None:
    return clinical.get_template(key, family)


def canonical_key(key: str, family: str = DEFAULT_FAMILY) -> str:
    """Built-in keys in their catalogue spelling (``soap`` → ``SOAP``); custom keys as given."""
    spec = builtin(key, family)
    return spec.key if spec else key


def resolve_builtin(key: str, family: str = DEFAULT_FAMILY) -> TemplateSpec:
    """The spec for a key without looking at tenant templates: built-in, else generic."""
    return builtin(key, family) or clinical.generic_template(key)


async def find(
    session: AsyncSession, tenant_id: str, key: str, *, family: str = DEFAULT_FAMILY
) -> TemplateSpec | None:
    """The tenant's own template with sections, else the family's built-in, else None."""
    for candidate in dict.fromkeys((key, canonical_key(key, family))):
        ref = await _get_ref(session, tenant_id, candidate)
        if ref is not None and ref.sections:
            return spec_of(ref)
    return builtin(key, family)


async def resolve(
    session: AsyncSession,
    tenant_id: str,
    key: str,
    *,
    family: str = DEFAULT_FAMILY,
    language: str | None = None,
) -> TemplateSpec:
    """The spec to write a note with: tenant template, built-in, or generic for a custom name."""
    spec = await find(session, tenant_id, key, family=family) or clinical.generic_template(key)
    return spec.localized(language)


async def define(
    session: AsyncSession, tenant_id: str, definition: TemplateDefinition
) -> TemplateRef:
    """Create the tenant's template, or replace the one with the same key."""
    ref = await _get_ref(session, tenant_id, definition.key)
    if ref is None:
        ref = TemplateRef(tenant_id=tenant_id, key=definition.key, source="custom")
        session.add(ref)
    ref.name = definition.name
    ref.description = definition.description
    ref.language = definition.language
    ref.sections = [s.model_dump(exclude_none=True) for s in definition.sections]
    await session.flush()
    return ref


async def get(session: AsyncSession, tenant_id: str, key: str) -> TemplateRef:
    ref = await _get_ref(session, tenant_id, key)
    if ref is None:
        raise TemplateNotFoundError("Template not found")
    return ref


async def list_custom(session: AsyncSession, tenant_id: str) -> Sequence[TemplateRef]:
    """The tenant's own templates and remembered names, by key."""
    query = select(TemplateRef).where(TemplateRef.tenant_id == tenant_id)
    return (await session.scalars(query.order_by(TemplateRef.key))).all()


async def list_templates(
    session: AsyncSession,
    tenant_id: str,
    *,
    family: str = DEFAULT_FAMILY,
    language: str | None = None,
) -> list[TemplateSpec]:
    """The family's built-ins then the tenant's own; a tenant template shadows a same-key one."""
    own = [spec_of(ref) for ref in await list_custom(session, tenant_id)]
    own = [spec.localized(language) for spec in own if not language or spec.supports(language)]
    taken = {spec.key for spec in own}
    builtins = catalogue.list_templates(family, language)
    return [*(spec for spec in builtins if spec.key not in taken), *own]


_REFS = cast(Table, TemplateRef.__table__)
# Built once, as Core: it runs on every template list request (its ETag).
_STAMPS = select(_REFS.c.id, _REFS.c.updated_at).where(_REFS.c.tenant_id == bindparam("tenant_id"))


async def fingerprint(session: AsyncSession, tenant_id: str) -> str:
    """A digest of the tenant's templates that changes when one is added, changed or removed.

    Built from each row's id and update time (a tenant has a handful), not their content: one
    narrow indexed query, valid across processes whatever their clocks.
    """
    found = await (await session.connection()).execute(_STAMPS, {"tenant_id": tenant_id})
    rows = sorted((ref_id, str(updated)) for ref_id, updated in found)
    return hashlib.sha256(repr(rows).encode()).hexdigest()


async def delete(session: AsyncSession, tenant_id: str, key: str) -> None:
    await session.delete(await get(session, tenant_id, key))
    await session.flush()


async def remember_custom(session: AsyncSession, tenant_id: str, key: str) -> None:
    """Record a custom template name the tenant used, so it can be listed later."""
    if builtin(key) is not None or await _get_ref(session, tenant_id, key) is not None:
        return
    session.add(TemplateRef(tenant_id=tenant_id, key=key, name=key, source="custom"))
    await session.flush()


def spec_of(ref: TemplateRef) -> TemplateSpec:
    """The spec a stored template writes with; a remembered name gets the generic sections."""
    if not ref.sections:
        generic = clinical.generic_template(ref.key)
        return replace(generic, name=ref.name, family="custom", description=ref.description)
    sections = [_custom_section(section) for section in ref.sections]
    return catalogue.custom_template(
        ref.key, ref.name, sections, description=ref.description, language=ref.language
    )


def _custom_section(stored: dict[str, Any]) -> catalogue.CustomSection:
    return catalogue.CustomSection(
        key=str(stored["key"]),
        title=str(stored["title"]),
        instructions=str(stored.get("instructions", "")),
        kinds=_stored_kinds(stored.get("kinds")),
    )


def _stored_kinds(value: Any) -> tuple[Category, ...] | None:
    # Kinds are stored only when the client chose them; a category since retired is skipped.
    if not isinstance(value, list):
        return None
    return tuple(k for k in value if isinstance(k, str) and catalogue.is_category(k))


async def _get_ref(session: AsyncSession, tenant_id: str, key: str) -> TemplateRef | None:
    return await session.scalar(
        select(TemplateRef).where(TemplateRef.tenant_id == tenant_id, TemplateRef.key == key)
    )
