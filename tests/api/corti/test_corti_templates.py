"""Corti templates: the nine standard templates, their aliases, the 26 sections, filters."""

from __future__ import annotations

from typing import Any

import pytest

from scribe.runtime import Runtime
from scribe.templates import service as template_service
from scribe.templates.schemas import SectionDefinition, TemplateDefinition
from tests.api.corti.conftest import Corti

STANDARD = {
    "corti-soap",
    "corti-brief-clinical-note",
    "corti-h-and-p",
    "corti-emergency-note",
    "corti-nursing-note",
    "corti-patient-summary",
    "corti-epic-avr",
    "corti-outpatient-visit-note",
    "corti-emergency-response-note",
}
LANGUAGES = {"da", "de", "de-CH", "en", "en-GB", "es", "fr", "sv"}


async def define_own(runtime: Runtime, corti: Corti, key: str = "clinic-follow-up") -> None:
    """A template of the caller's organisation, defined through the core."""
    async with runtime.sessionmaker() as session:
        principal = await runtime.principals.authenticate(session, corti.key.api_key)
        assert principal is not None
        definition = TemplateDefinition(
            key=key,
            name="Follow-up",
            sections=[SectionDefinition(key="progress", title="Progress")],
        )
        await template_service.define(session, principal.tenant_id, definition)
        await session.commit()


async def templates(corti: Corti, **params: Any) -> list[dict[str, Any]]:
    response = await corti.client.get("/v2/templates/", params=params)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


class TestListTemplates:
    async def test_lists_the_nine_standard_templates_in_english_by_default(
        self, corti: Corti
    ) -> None:
        data = await templates(corti)
        assert {t["key"] for t in data} == STANDARD

    async def test_a_template_has_the_sdk_fields(self, corti: Corti) -> None:
        soap = next(t for t in await templates(corti) if t["key"] == "corti-soap")
        assert soap["name"] == "SOAP Note"
        assert soap["status"] == "published"
        assert isinstance(soap["description"], str)
        assert [s["sort"] for s in soap["templateSections"]] == [0, 1, 2, 3]
        section = soap["templateSections"][0]["section"]
        assert section["key"] == "corti-subjective"
        assert section["name"] == "Subjective"
        assert {"description", "defaultWritingStyle", "type", "translations"} <= set(section)
        assert {t["languageId"] for t in soap["translations"]} == LANGUAGES

    @pytest.mark.parametrize("lang", ["da", "de-CH", "sv"])
    async def test_every_standard_template_is_available_in_the_catalogue_languages(
        self, corti: Corti, lang: str
    ) -> None:
        assert {t["key"] for t in await templates(corti, lang=lang)} == STANDARD

    async def test_a_language_no_template_supports_lists_nothing(self, corti: Corti) -> None:
        assert await templates(corti, lang="ja") == []

    async def test_a_malformed_language_is_a_bad_query(self, corti: Corti) -> None:
        response = await corti.client.get("/v2/templates/", params={"lang": "not a language"})
        corti.assert_error(response, 400, "A0013")

    async def test_status_filter(self, corti: Corti) -> None:
        assert len(await templates(corti, status="published")) == len(STANDARD)
        assert await templates(corti, status="draft") == []
        assert await templates(corti, templateStatus="draft") == []

    async def test_org_lists_the_tenants_own_templates_only(
        self, corti: Corti, other_corti: Corti, runtime: Runtime
    ) -> None:
        await define_own(runtime, corti)
        own = await templates(corti, org=corti.key.tenant_name)
        assert [t["key"] for t in own] == ["clinic-follow-up"]
        assert own[0]["updatedAt"] is not None
        assert "clinic-follow-up" in {t["key"] for t in await templates(corti)}
        assert await templates(other_corti, org=other_corti.key.tenant_name) == []
        assert "clinic-follow-up" not in {t["key"] for t in await templates(other_corti)}

    async def test_without_trailing_slash(self, corti: Corti) -> None:
        response = await corti.client.get("/v2/templates")
        assert response.status_code == 200

    async def test_requires_credentials(self, corti: Corti) -> None:
        response = await corti.client.get("/v2/templates/", headers={"Authorization": ""})
        corti.assert_error(response, 401, "A0004")


class TestGetTemplate:
    @pytest.mark.parametrize("key", ["corti-h-and-p", "h-and-p"])
    async def test_by_key_or_alias(self, corti: Corti, key: str) -> None:
        response = await corti.client.get(f"/v2/templates/{key}")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["key"] == "corti-h-and-p"
        assert len(body["templateSections"]) == 12

    async def test_unknown_key_is_404(self, corti: Corti) -> None:
        response = await corti.client.get("/v2/templates/corti-nothing")
        corti.assert_error(response, 404, "A0014")

    async def test_another_tenants_template_is_unknown(
        self, corti: Corti, other_corti: Corti, runtime: Runtime
    ) -> None:
        await define_own(runtime, corti, "private-template")
        assert (await corti.client.get("/v2/templates/private-template")).status_code == 200
        response = await other_corti.client.get("/v2/templates/private-template")
        corti.assert_error(response, 404, "A0014")


class TestTemplateSections:
    async def test_lists_every_standard_section(self, corti: Corti) -> None:
        response = await corti.client.get("/v2/templateSections/")
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        assert len(data) == 26
        keys = {s["key"] for s in data}
        assert {
            "corti-hpi",
            "corti-vital-signs",
            "corti-social-history-w-o-smoking-and-alcohol",
        } <= keys
        assert all(s["name"] and s["defaultWritingStyle"]["name"] for s in data)

    async def test_lang_filter(self, corti: Corti) -> None:
        french = await corti.client.get("/v2/templateSections", params={"lang": "fr"})
        assert len(french.json()["data"]) == 26
        japanese = await corti.client.get("/v2/templateSections/", params={"lang": "ja"})
        assert japanese.json()["data"] == []

    async def test_org_lists_the_sections_of_own_templates(
        self, corti: Corti, runtime: Runtime
    ) -> None:
        await define_own(runtime, corti)
        response = await corti.client.get("/v2/templateSections/", params={"org": "mine"})
        assert [s["key"] for s in response.json()["data"]] == ["progress"]
