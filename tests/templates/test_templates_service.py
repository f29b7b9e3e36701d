"""Tenant templates: define, read, list, delete, and which template a note is written with."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from scribe.auth import service as auth_service
from scribe.auth.service import IssuedKey
from scribe.errors import NotFoundError
from scribe.runtime import Runtime
from scribe.templates import service
from scribe.templates.schemas import SectionDefinition, TemplateDefinition
from tests.clinical.test_clinical_catalogue import VISIT

ORTHO_SECTIONS = [
    {"key": "story", "title": "History of present illness"},
    {"key": "meds", "title": "Medications", "instructions": "Dose and frequency."},
    {"key": "findings", "title": "Physical exam with vitals"},
    {"key": "next", "title": "Plan"},
]


def definition(key: str = "ortho", **fields: Any) -> TemplateDefinition:
    body: dict[str, Any] = {"key": key, "name": "Ortho visit", "sections": ORTHO_SECTIONS}
    return TemplateDefinition.model_validate({**body, **fields})


async def new_tenant(session: AsyncSession) -> str:
    tenant = await auth_service.get_or_create_tenant(session, f"t-{uuid.uuid4().hex[:12]}")
    return tenant.id


@pytest.fixture
async def session(runtime: Runtime) -> AsyncIterator[AsyncSession]:
    # Services only flush: closing without a commit throws each test's rows away.
    async with runtime.sessionmaker() as session:
        yield session


class TestDefine:
    async def test_define_then_get(self, session: AsyncSession) -> None:
        tenant = await new_tenant(session)
        await service.define(session, tenant, definition(description="Knee and hip"))
        ref = await service.get(session, tenant, "ortho")
        assert (ref.name, ref.description, ref.source) == ("Ortho visit", "Knee and hip", "custom")
        spec = service.spec_of(ref)
        assert [s.key for s in spec.sections] == ["story", "meds", "findings", "next"]
        assert spec.sections[1].instructions == "Dose and frequency."
        kinds = {s.key: s.kinds for s in spec.sections}
        assert "hpi" in kinds["story"]
        assert "medications" in kinds["meds"]
        assert {"exam", "vitals"} <= set(kinds["findings"])
        assert "plan" in kinds["next"]

    async def test_define_replaces(self, session: AsyncSession) -> None:
        tenant = await new_tenant(session)
        first = await service.define(session, tenant, definition())
        sections = [{"title": "Assessment"}, {"title": "Plan", "kinds": ["follow_up"]}]
        second = await service.define(session, tenant, definition(sections=sections, name="B"))
        assert second.id == first.id
        spec = service.spec_of(await service.get(session, tenant, "ortho"))
        assert spec.name == "B"
        assert [(s.key, s.kinds) for s in spec.sections] == [
            ("assessment", ("assessment", "medical_decision")),
            ("plan", ("follow_up",)),
        ]

    async def test_defining_a_remembered_name_gives_it_sections(
        self, session: AsyncSession
    ) -> None:
        tenant = await new_tenant(session)
        await service.remember_custom(session, tenant, "ortho")
        remembered = await service.resolve(session, tenant, "ortho")
        assert remembered.sections[0].key == "chief_complaint"
        await service.define(session, tenant, definition())
        resolved = await service.resolve(session, tenant, "ortho")
        assert resolved.sections[0].key == "story"


class TestIsolation:
    async def test_tenants_never_see_each_others_templates(self, session: AsyncSession) -> None:
        owner, other = await new_tenant(session), await new_tenant(session)
        await service.define(session, owner, definition())
        with pytest.raises(NotFoundError):
            await service.get(session, other, "ortho")
        with pytest.raises(NotFoundError):
            await service.delete(session, other, "ortho")
        assert await service.list_custom(session, other) == []
        resolved = await service.resolve(session, other, "ortho")
        assert resolved.sections[0].key == "chief_complaint"
        assert (await service.get(session, owner, "ortho")).key == "ortho"

    async def test_same_key_in_two_tenants(self, session: AsyncSession) -> None:
        first, second = await new_tenant(session), await new_tenant(session)
        await service.define(session, first, definition(name="First"))
        await service.define(session, second, definition(name="Second"))
        assert (await service.resolve(session, first, "ortho")).name == "First"
        assert (await service.resolve(session, second, "ortho")).name == "Second"


class TestResolve:
    async def test_tenant_template_then_builtin_then_generic(self, session: AsyncSession) -> None:
        tenant, other = await new_tenant(session), await new_tenant(session)
        await service.define(session, tenant, definition("SOAP", name="Our SOAP"))
        assert (await service.resolve(session, tenant, "soap")).name == "Our SOAP"
        builtin = await service.resolve(session, other, "soap")
        assert builtin is service.builtin("SOAP")
        generic = await service.resolve(session, tenant, "Research Form")
        assert generic.key == "Research Form"
        assert generic.sections[0].key == "chief_complaint"

    async def test_families_and_languages(self, session: AsyncSession) -> None:
        tenant = await new_tenant(session)
        nabla = await service.resolve(session, tenant, "SOAP", family="nabla", language="fr-FR")
        assert nabla.sections[0].key == "SOAP_SUBJECTIVE"
        assert nabla.sections[0].title == "Subjectif"
        corti = await service.resolve(session, tenant, "brief-clinical-note", family="corti")
        assert corti.key == "corti-brief-clinical-note"

    async def test_find_ignores_remembered_names(self, session: AsyncSession) -> None:
        tenant = await new_tenant(session)
        await service.remember_custom(session, tenant, "Research Form")
        assert await service.find(session, tenant, "Research Form") is None

    def test_sync_fast_path(self) -> None:
        assert service.resolve_builtin("girp").key == "GIRP"
        assert service.resolve_builtin("Custom X").key == "Custom X"
        assert service.canonical_key("dap") == "DAP"
        assert service.canonical_key("corti-soap", "corti") == "corti-soap"


class TestList:
    async def test_builtins_then_own(self, session: AsyncSession) -> None:
        tenant = await new_tenant(session)
        await service.define(session, tenant, definition())
        await service.define(session, tenant, definition("soap-es", language="es"))
        listed = await service.list_templates(session, tenant, family="corti")
        assert [t.key for t in listed][-2:] == ["ortho", "soap-es"]
        assert len(listed) == 11
        french = await service.list_templates(session, tenant, family="corti", language="fr")
        assert "soap-es" not in [t.key for t in french]
        assert "ortho" in [t.key for t in french]

    async def test_own_template_shadows_a_builtin(self, session: AsyncSession) -> None:
        tenant = await new_tenant(session)
        await service.define(session, tenant, definition("SOAP", name="Our SOAP"))
        listed = await service.list_templates(session, tenant)
        assert [t.name for t in listed if t.key == "SOAP"] == ["Our SOAP"]

    async def test_remembered_names_are_listed(self, session: AsyncSession) -> None:
        tenant = await new_tenant(session)
        await service.remember_custom(session, tenant, "Research Form")
        listed = await service.list_templates(session, tenant)
        assert listed[-1].key == "Research Form"
        assert listed[-1].family == "custom"


class TestDelete:
    async def test_delete(self, session: AsyncSession) -> None:
        tenant = await new_tenant(session)
        await service.define(session, tenant, definition())
        await service.delete(session, tenant, "ortho")
        with pytest.raises(NotFoundError):
            await service.get(session, tenant, "ortho")
        with pytest.raises(NotFoundError):
            await service.delete(session, tenant, "ortho")


class TestDefinitionSchema:
    def test_section_keys_default_to_the_title(self) -> None:
        section = SectionDefinition(title=" History of Present Illness ")
        assert (section.key, section.title) == (
            "history_of_present_illness",
            "History of Present Illness",
        )

    @pytest.mark.parametrize(
        "fields",
        [
            pytest.param({"sections": []}, id="no-sections"),
            pytest.param({"key": ""}, id="empty-key"),
            pytest.param({"sections": [{"title": "Plan"}, {"title": "plan"}]}, id="duplicate"),
            pytest.param({"sections": [{"title": "Plan", "kinds": ["nope"]}]}, id="bad-kind"),
            pytest.param({"colour": "red"}, id="unknown-field"),
        ],
    )
    def test_invalid(self, fields: dict[str, Any]) -> None:
        with pytest.raises(ValidationError):
            definition(**fields)


class TestOmniloyExtraction:
    async def test_run_writes_with_the_tenant_template(
        self, runtime: Runtime, tenant_key: IssuedKey, client: httpx.AsyncClient
    ) -> None:
        async with runtime.sessionmaker() as session:
            tenant = await auth_service.get_or_create_tenant(session, tenant_key.tenant_name)
            await service.define(session, tenant.id, definition())
            await session.commit()
        transcription = await client.post(
            "/v1/transcriptions/create",
            json={"duration_seconds": 60, "original_transcript": VISIT},
        )
        thread = (await client.post("/v1/lang-graph/threads", json={})).json()["thread_id"]
        configurable = {
            "thread_id": thread,
            "transcription_id": transcription.json()["transcription"]["id"],
            "template": "ortho",
        }
        run = await client.post(
            f"/v1/lang-graph/threads/{thread}/runs",
            json={
                "input": {"messages": [{"role": "user", "content": "Generate a note"}]},
                "config": {"configurable": configurable},
            },
            headers={"x-is-chat": "false"},
        )
        joined = await client.get(
            f"/v1/lang-graph/threads/{thread}/runs/{run.json()['run_id']}/join",
            params={"timeout": 30},
        )
        note = joined.json()["clinical_note"]
        assert note["template"] == "ortho"
        content = note["ai_generated_content"]
        assert list(content) == ["story", "meds", "findings", "next"]
        assert "ibuprofen" in content["meds"]
        assert "128/82" in content["findings"]
