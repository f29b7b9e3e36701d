"""GET /summary-templates (root and /ai/v1) and GET .../{id}: built-ins and the tenant's own."""

from __future__ import annotations

from scribe.auth.service import IssuedKey, authenticate
from scribe.runtime import Runtime
from scribe.templates import service as template_service
from scribe.templates.schemas import SectionDefinition, TemplateDefinition
from tests.api.clinia.conftest import Clinia, assert_error

BUILT_INS = {
    "clinia-hpi-medications",
    "clinia-longitudinal-summary",
    "clinia-discharge-summary",
    "clinia-soap-note",
    "clinia-pass-over-summary",
}


class TestTemplates:
    async def test_both_paths_list_the_built_ins(self, clinia: Clinia) -> None:
        root = (await clinia.client.get("/summary-templates")).json()
        prefixed = (await clinia.client.get("/ai/v1/summary-templates")).json()
        assert root == prefixed
        assert BUILT_INS <= {t["id"] for t in root["data"]}
        hpi = next(t for t in root["data"] if t["id"] == "clinia-hpi-medications")
        assert [(s["title"], s["index"]) for s in hpi["sections"]] == [
            ("History of Present Illness", 0),
            ("Medications", 1),
        ]
        assert set(hpi) == {"id", "name", "description", "sections"}

    async def test_one_template_by_id_at_both_paths(self, clinia: Clinia) -> None:
        for prefix in ("", "/ai/v1"):
            response = await clinia.client.get(f"{prefix}/summary-templates/clinia-soap-note")
            assert response.status_code == 200, response.text
            assert [s["title"] for s in response.json()["sections"]] == [
                "Subjective",
                "Objective",
                "Assessment",
                "Plan",
            ]
            assert_error(await clinia.client.get(f"{prefix}/summary-templates/nope"), 404)

    async def test_a_tenants_own_template_is_listed_and_usable(
        self, clinia: Clinia, other_clinia: Clinia, runtime: Runtime, tenant_key: IssuedKey
    ) -> None:
        definition = TemplateDefinition(
            key="ward-round",
            name="Ward round",
            sections=[SectionDefinition(key="meds", title="Medications")],
        )
        async with runtime.sessionmaker() as session:
            principal = await authenticate(session, tenant_key.api_key)
            assert principal is not None
            await template_service.define(session, principal.tenant_id, definition)
            await session.commit()
        listed = (await clinia.client.get("/summary-templates")).json()["data"]
        assert "ward-round" in {t["id"] for t in listed}
        others = (await other_clinia.client.get("/summary-templates")).json()["data"]
        assert "ward-round" not in {t["id"] for t in others}
        assert_error(await other_clinia.client.get("/summary-templates/ward-round"), 404)
        await clinia.ingested(patient := "ward-patient")
        events = await clinia.summarize(patient, "ward-round")
        assert '"status":"success"' in events[-1].data


class TestTemplateListTags:
    async def test_the_list_answers_304_to_its_tag_until_a_template_changes(
        self, clinia: Clinia, runtime: Runtime, tenant_key: IssuedKey
    ) -> None:
        first = await clinia.client.get("/ai/v1/summary-templates")
        etag = first.headers["etag"]
        again = await clinia.client.get("/ai/v1/summary-templates", headers={"If-None-Match": etag})
        assert again.status_code == 304

        async with runtime.sessionmaker() as session:
            principal = await authenticate(session, tenant_key.api_key)
            assert principal is not None
            definition = TemplateDefinition(
                key="clinic-tagged", name="Tagged", sections=[SectionDefinition(key="a", title="A")]
            )
            await template_service.define(session, principal.tenant_id, definition)
            await session.commit()

        changed = await clinia.client.get(
            "/ai/v1/summary-templates", headers={"If-None-Match": etag}
        )
        assert changed.status_code == 200
        assert "clinic-tagged" in {t["id"] for t in changed.json()["data"]}
