"""Corti documents: generated from context with a template key or a dynamic template."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi import FastAPI

from scribe.notes import service as note_service
from scribe.runtime import Runtime
from tests.api.corti.conftest import VISIT, Corti
from tests.conftest import client_for

DOCUMENT_KEYS = {
    "id",
    "name",
    "templateRef",
    "isStream",
    "sections",
    "createdAt",
    "updatedAt",
    "outputLanguage",
    "usageInfo",
    "evidence",
}
SEGMENTS = [line.split("] ", 1) for line in VISIT.strip().splitlines()]


@pytest.fixture
async def interaction(corti: Corti) -> str:
    created = await corti.create_interaction()
    interaction_id: str = created["interactionId"]
    return interaction_id


async def created(corti: Corti, interaction: str, **body: Any) -> dict[str, Any]:
    response = await corti.document(interaction, **body)
    assert response.status_code == 201, response.text
    document: dict[str, Any] = response.json()
    return document


def texts(document: dict[str, Any]) -> dict[str, str]:
    return {section["key"]: section["text"] for section in document["sections"]}


class TestCreate:
    async def test_soap_from_a_string_context(self, corti: Corti, interaction: str) -> None:
        document = await created(corti, interaction, name="Visit note")
        assert set(document) == DOCUMENT_KEYS
        assert document["name"] == "Visit note"
        assert document["templateRef"] == "corti-soap"
        assert document["isStream"] is False
        assert document["outputLanguage"] == "en"
        assert document["usageInfo"] == {"creditsConsumed": 0.0}
        assert [s["key"] for s in document["sections"]] == [
            "corti-subjective",
            "corti-objective",
            "corti-assessment",
            "corti-plan",
        ]
        assert [s["sort"] for s in document["sections"]] == [0, 1, 2, 3]
        assert document["sections"][0]["name"] == "Subjective"
        assert "ibuprofen" in texts(document)["corti-subjective"].lower()
        assert "sprain" in texts(document)["corti-assessment"]
        assert document["createdAt"].endswith("Z")
        assert {"createdAt", "updatedAt"} <= set(document["sections"][0])

    async def test_from_transcript_objects_one_per_segment(
        self, corti: Corti, interaction: str
    ) -> None:
        context = [
            {
                "type": "transcript",
                "data": {
                    "channel": 0,
                    "participant": 0 if role == "[doctor" else 1,
                    "speakerId": -1,
                    "text": f"{'Doctor' if role == '[doctor' else 'Patient'}: {text}",
                    "start": index * 1000,
                    "end": index * 1000 + 900,
                },
            }
            for index, (role, text) in enumerate(SEGMENTS)
        ]
        document = await created(corti, interaction, context=context)
        assert "naproxen" in texts(document)["corti-plan"].lower()

    async def test_from_one_transcript_with_the_whole_text(
        self, corti: Corti, interaction: str
    ) -> None:
        context = [{"type": "transcript", "data": {"text": VISIT}}]
        document = await created(corti, interaction, context=context, templateKey="soap")
        assert document["templateRef"] == "corti-soap"

    async def test_from_facts(self, corti: Corti, interaction: str) -> None:
        facts = [
            {"text": "Right knee pain for 2 days", "group": "symptoms", "source": "core"},
            {"text": "Blood pressure 128/82", "group": "vitals", "source": "core"},
            {"text": "MCL sprain", "group": "assessment", "source": "user"},
            {"text": "Physical therapy", "group": "plan"},
        ]
        document = await created(corti, interaction, context=[{"type": "facts", "data": facts}])
        assert texts(document) == {
            "corti-subjective": "Right knee pain for 2 days.",
            "corti-objective": "Blood pressure 128/82.",
            "corti-assessment": "MCL sprain.",
            "corti-plan": "Physical therapy.",
        }

    @pytest.mark.parametrize(
        ("key", "canonical", "sections"),
        [
            ("corti-h-and-p", "corti-h-and-p", 12),
            ("brief-clinical-note", "corti-brief-clinical-note", 1),
            ("emergency-note", "corti-emergency-note", 13),
            ("corti-nursing-note", "corti-nursing-note", 3),
            ("patient-summary", "corti-patient-summary", 1),
            ("corti-epic-avr", "corti-epic-avr", 4),
            ("outpatient-visit-note", "corti-outpatient-visit-note", 8),
            ("corti-emergency-response-note", "corti-emergency-response-note", 1),
        ],
    )
    async def test_every_standard_template_and_alias(
        self, corti: Corti, interaction: str, key: str, canonical: str, sections: int
    ) -> None:
        document = await created(corti, interaction, templateKey=key)
        assert document["templateRef"] == canonical
        assert len(document["sections"]) == sections
        assert any(section["text"] for section in document["sections"])

    async def test_without_a_name_the_template_names_the_document(
        self, corti: Corti, interaction: str
    ) -> None:
        document = await created(corti, interaction, templateKey="corti-h-and-p")
        assert document["name"] == "History and Physical"

    @pytest.mark.parametrize("language", ["de-CH", "da", "fr", "en-GB", "en-US"])
    async def test_catalogue_languages_are_accepted(
        self, corti: Corti, interaction: str, language: str
    ) -> None:
        document = await created(corti, interaction, outputLanguage=language)
        assert document["outputLanguage"] == language

    async def test_several_documents_per_interaction(self, corti: Corti, interaction: str) -> None:
        first = await created(corti, interaction, templateKey="corti-soap")
        second = await created(corti, interaction, templateKey="corti-brief-clinical-note")
        response = await corti.client.get(f"/v2/interactions/{interaction}/documents/")
        assert response.status_code == 200
        listed = response.json()["data"]
        assert [d["id"] for d in listed] == [first["id"], second["id"]]
        assert all(set(d) == DOCUMENT_KEYS for d in listed)

    async def test_without_trailing_slash(self, corti: Corti, interaction: str) -> None:
        response = await corti.client.post(
            f"/v2/interactions/{interaction}/documents",
            json={
                "templateKey": "soap",
                "outputLanguage": "en",
                "context": [{"type": "string", "data": VISIT}],
            },
        )
        assert response.status_code == 201, response.text


class TestDynamicTemplate:
    async def test_section_keys_in_the_given_order(self, corti: Corti, interaction: str) -> None:
        template = {
            "sectionKeys": ["corti-medications", "corti-allergies", "corti-plan"],
            "documentName": "Medication review",
            "additionalInstructions": "Be brief.",
        }
        response = await corti.document(interaction, templateKey=None, template=template)
        assert response.status_code == 201, response.text
        document = response.json()
        assert document["name"] == "Medication review"
        assert [s["key"] for s in document["sections"]] == template["sectionKeys"]
        assert "penicillin" in texts(document)["corti-allergies"]

    async def test_sections_with_name_overrides(self, corti: Corti, interaction: str) -> None:
        template = {
            "sections": [
                {"key": "corti-hpi", "nameOverride": "Story"},
                {"key": "corti-assessment-and-plan"},
            ]
        }
        response = await corti.document(interaction, templateKey=None, template=template)
        assert response.status_code == 201, response.text
        names = [s["name"] for s in response.json()["sections"]]
        assert names == ["Story", "Assessment and plan"]

    async def test_unknown_section_key_is_404(self, corti: Corti, interaction: str) -> None:
        template = {"sectionKeys": ["corti-hpi", "corti-horoscope"]}
        response = await corti.document(interaction, templateKey=None, template=template)
        body = corti.assert_error(response, 404, "A0014")
        assert "corti-horoscope" in body["detail"]

    @pytest.mark.parametrize(
        "template",
        [{}, {"sectionKeys": []}, {"sectionKeys": "corti-hpi"}, {"sectionKeys": [1]}],
    )
    async def test_malformed_template_is_400(
        self, corti: Corti, interaction: str, template: dict[str, Any]
    ) -> None:
        response = await corti.document(interaction, templateKey=None, template=template)
        corti.assert_error(response, 400, "A0003")

    async def test_template_key_and_template_together_is_400(
        self, corti: Corti, interaction: str
    ) -> None:
        response = await corti.document(interaction, template={"sectionKeys": ["corti-plan"]})
        corti.assert_error(response, 400, "A0003")


class TestBadInput:
    async def test_unknown_template_key_is_404(self, corti: Corti, interaction: str) -> None:
        response = await corti.document(interaction, templateKey="corti-horoscope")
        corti.assert_error(response, 404, "A0014")

    @pytest.mark.parametrize("language", ["ja", "it", "xx-YY"])
    async def test_a_language_the_template_lacks_is_a0018(
        self, corti: Corti, interaction: str, language: str
    ) -> None:
        response = await corti.document(interaction, outputLanguage=language)
        corti.assert_error(response, 400, "A0018")

    @pytest.mark.parametrize(
        "body",
        [
            {"outputLanguage": None},
            {"outputLanguage": 5},
            {"outputLanguage": ""},
            {"templateKey": None},
            {"templateKey": 7},
            {"name": 3},
        ],
    )
    async def test_missing_or_wrong_fields_are_400(
        self, corti: Corti, interaction: str, body: dict[str, Any]
    ) -> None:
        response = await corti.document(interaction, **body)
        corti.assert_error(response, 400, "A0003")

    async def test_missing_context_is_400(self, corti: Corti, interaction: str) -> None:
        response = await corti.client.post(
            f"/v2/interactions/{interaction}/documents/",
            json={"templateKey": "corti-soap", "outputLanguage": "en"},
        )
        corti.assert_error(response, 400, "A0003")

    @pytest.mark.parametrize(
        "context",
        [
            None,
            "text",
            [],
            [{"type": "video", "data": "x"}],
            [{"type": "string"}],
            [{"type": "string", "data": ""}],
            [{"type": "string", "data": ["a"]}],
            [{"type": "transcript", "data": {"start": 0}}],
            [{"type": "transcript", "data": "plain"}],
            [{"type": "facts", "data": []}],
            [{"type": "facts", "data": [{"group": "plan"}]}],
            [{"type": "facts", "data": [{"text": "x", "source": "robot"}]}],
            [{"type": "string", "data": "a"}, {"type": "string", "data": "b"}],
            ["not an object"],
        ],
    )
    async def test_malformed_context_is_a0015(
        self, corti: Corti, interaction: str, context: Any
    ) -> None:
        response = await corti.document(interaction, context=context)
        corti.assert_error(response, 400, "A0015")

    async def test_context_content_never_appears_in_errors(
        self, corti: Corti, interaction: str
    ) -> None:
        secret = "Patient Jane Roe has HIV"
        response = await corti.document(
            interaction, context=[{"type": "transcript", "data": {"text": 5, "secret": secret}}]
        )
        assert "Jane" not in response.text

    async def test_too_short_a_transcript_is_400_saying_so(
        self, corti: Corti, interaction: str
    ) -> None:
        response = await corti.document(
            interaction, context=[{"type": "string", "data": "Doctor: Hello there."}]
        )
        body = corti.assert_error(response, 400, "A0003")
        assert "too short" in body["detail"]

    async def test_malformed_json_is_400(self, corti: Corti, interaction: str) -> None:
        response = await corti.client.post(
            f"/v2/interactions/{interaction}/documents/",
            content=b"{not json",
            headers={"Content-Type": "application/json"},
        )
        corti.assert_error(response, 400, "A0003")

    async def test_invalid_interaction_uuid(self, corti: Corti) -> None:
        response = await corti.document("not-a-uuid")
        corti.assert_error(response, 400, "A0008")

    async def test_unknown_interaction(self, corti: Corti) -> None:
        response = await corti.document(str(uuid.uuid4()))
        corti.assert_error(response, 404, "A0007")

    async def test_without_credentials_is_401(self, app: FastAPI, interaction: str) -> None:
        async with client_for(app, None) as anonymous:
            response = await anonymous.post(
                f"/v2/interactions/{interaction}/documents/", json={"context": 5}
            )
        assert response.status_code == 401


class TestReadUpdateDelete:
    async def test_get_one(self, corti: Corti, interaction: str) -> None:
        document = await created(corti, interaction)
        response = await corti.client.get(
            f"/v2/interactions/{interaction}/documents/{document['id']}"
        )
        assert response.status_code == 200
        assert response.json() == document

    async def test_unknown_and_invalid_document_ids(self, corti: Corti, interaction: str) -> None:
        base = f"/v2/interactions/{interaction}/documents"
        corti.assert_error(await corti.client.get(f"{base}/{uuid.uuid4()}"), 404, "A0009")
        corti.assert_error(await corti.client.get(f"{base}/nope"), 400, "A0008")
        corti.assert_error(await corti.client.delete(f"{base}/{uuid.uuid4()}"), 404, "A0009")

    async def test_a_document_of_another_interaction_is_not_found(
        self, corti: Corti, interaction: str
    ) -> None:
        document = await created(corti, interaction)
        other = (await corti.create_interaction())["interactionId"]
        response = await corti.client.get(f"/v2/interactions/{other}/documents/{document['id']}")
        corti.assert_error(response, 404, "A0009")

    async def test_foreign_tenant_sees_404(
        self, corti: Corti, other_corti: Corti, interaction: str
    ) -> None:
        document = await created(corti, interaction)
        path = f"/v2/interactions/{interaction}/documents/{document['id']}"
        corti.assert_error(await other_corti.client.get(path), 404, "A0007")
        corti.assert_error(await other_corti.client.delete(path), 404, "A0007")
        response = await other_corti.client.patch(path, json={"name": "mine"})
        corti.assert_error(response, 404, "A0007")
        listed = await other_corti.client.get(f"/v2/interactions/{interaction}/documents/")
        corti.assert_error(listed, 404, "A0007")
        assert (await corti.client.get(path)).status_code == 200

    async def test_patch_renames_and_edits_only_the_given_sections(
        self, corti: Corti, interaction: str
    ) -> None:
        document = await created(corti, interaction)
        path = f"/v2/interactions/{interaction}/documents/{document['id']}"
        response = await corti.client.patch(
            path,
            json={"name": "Signed note", "sections": [{"key": "corti-plan", "text": "Rest."}]},
        )
        assert response.status_code == 200, response.text
        updated = response.json()
        assert updated["name"] == "Signed note"
        assert texts(updated)["corti-plan"] == "Rest."
        before, after = document["sections"], updated["sections"]
        assert [s["text"] for s in after[:3]] == [s["text"] for s in before[:3]]
        assert after[0]["updatedAt"] == before[0]["updatedAt"]
        assert after[3]["updatedAt"] >= before[3]["updatedAt"]
        assert (await corti.client.get(path)).json() == updated

    async def test_patch_renames_reorders_and_adds_sections(
        self, corti: Corti, interaction: str
    ) -> None:
        document = await created(corti, interaction)
        path = f"/v2/interactions/{interaction}/documents/{document['id']}"
        sections = [
            {"key": "corti-plan", "sort": 0, "name": "Plan of care"},
            {"key": "corti-subjective", "sort": 5},
            {"key": "corti-medications", "text": "Naproxen 500 mg twice a day."},
            {"key": "clinician-comment", "name": "Comment", "text": "Seen with student."},
        ]
        response = await corti.client.patch(path, json={"sections": sections})
        assert response.status_code == 200, response.text
        after = response.json()["sections"]
        assert [s["key"] for s in after] == [
            "corti-plan",
            "corti-objective",
            "corti-assessment",
            "corti-subjective",
            "corti-medications",
            "clinician-comment",
        ]
        assert [s["sort"] for s in after] == [0, 1, 2, 5, 6, 7]
        assert after[0]["name"] == "Plan of care"
        assert after[4]["name"] == "Medications"
        assert after[5]["name"] == "Comment"

    @pytest.mark.parametrize(
        "body",
        [
            {"sections": [{"text": "no key"}]},
            {"sections": [{"key": "corti-plan", "text": 5}]},
            {"sections": [{"key": "corti-plan"}, {"key": "corti-plan"}]},
            {"sections": "corti-plan"},
            {"name": ["x"]},
        ],
    )
    async def test_bad_patch_is_400(
        self, corti: Corti, interaction: str, body: dict[str, Any]
    ) -> None:
        document = await created(corti, interaction)
        path = f"/v2/interactions/{interaction}/documents/{document['id']}"
        corti.assert_error(await corti.client.patch(path, json=body), 400, "A0003")

    async def test_delete(self, corti: Corti, interaction: str) -> None:
        document = await created(corti, interaction)
        path = f"/v2/interactions/{interaction}/documents/{document['id']}"
        response = await corti.client.delete(path)
        assert response.status_code == 204
        assert response.content == b""
        corti.assert_error(await corti.client.get(path), 404, "A0009")
        listed = await corti.client.get(f"/v2/interactions/{interaction}/documents/")
        assert listed.json() == {"data": []}


class TestCoreNote:
    async def test_a_document_is_a_core_note_of_the_encounter(
        self, corti: Corti, interaction: str, runtime: Runtime
    ) -> None:
        document = await created(corti, interaction, name="Visit", outputLanguage="de")
        async with runtime.sessionmaker() as session:
            principal = await runtime.principals.authenticate(session, corti.key.api_key)
            assert principal is not None
            note = await note_service.get(session, principal.tenant_id, document["id"])
        assert note.encounter_id == interaction
        assert note.template_key == "corti-soap"
        assert note.title == "Visit"
        assert note.language == "de"
        assert note_service.content_of(note) == texts(document)

    async def test_an_edit_shows_in_the_core_note(
        self, corti: Corti, interaction: str, runtime: Runtime
    ) -> None:
        document = await created(corti, interaction)
        path = f"/v2/interactions/{interaction}/documents/{document['id']}"
        await corti.client.patch(path, json={"sections": [{"key": "corti-plan", "text": "Ice."}]})
        async with runtime.sessionmaker() as session:
            principal = await runtime.principals.authenticate(session, corti.key.api_key)
            assert principal is not None
            note = await note_service.get(session, principal.tenant_id, document["id"])
        assert note_service.content_of(note)["corti-plan"] == "Ice."
