"""Template lookup: the engine's built-in catalogue, and the custom names tenants use."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scribe import clinical
from scribe.clinical.types import TemplateSpec
from scribe.templates.models import TemplateRef


def builtin(key: str) -> TemplateSpec | None:
    return clinical.get_template(key)


def canonical_key(key: str) -> str:
    """Built-in keys in their catalogue spelling (``soap`` → ``SOAP``); custom keys as given."""
    spec = builtin(key)
    return spec.key if spec else key


def resolve(key: str) -> TemplateSpec:
    """The spec to write a note with: built-in, or a generic one for a custom name."""
    return builtin(key) or clinical.generic_template(key)


async def remember_custom(session: AsyncSession, tenant_id: str, key: str) -> None:
    """Record a custom template name the tenant used, so it can be listed later."""
    if builtin(key) is not None or await _get_ref(session, tenant_id, key) is not None:
        return
    session.add(TemplateRef(tenant_id=tenant_id, key=key, name=key, source="custom"))
    await session.flush()


async def _get_ref(session: AsyncSession, tenant_id: str, key: str) -> TemplateRef | None:
    return await session.scalar(
        select(TemplateRef).where(TemplateRef.tenant_id == tenant_id, TemplateRef.key == key)
    )
