"""Corti facts: extracted from the interaction's transcripts, added, edited, used for documents."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from scribe import clinical
from scribe.runtime import Runtime
from scribe.transcripts.models import Transcript, TranscriptSegment
from tests.api.corti.conftest import VISIT, Corti

FACT_KEYS = {"id", "text", "group", "groupId", "isDiscarded", "source", "createdAt", "updatedAt"}


@pytest.fixture
async def interaction(corti: Corti) -> str:
    interaction_id: str = (await corti.create_interaction())["interactionId"]
    return interaction_id


async def store_transcript(
    runtime: Runtime, corti: Corti, interaction: str, text: str = VISIT, status: str = "completed"
) -> str:
    """A finished transcript of the interaction, stored through the core (no audio needed)."""
    async with runtime.sessionmaker() as session:
        principal = await runtime.principals.authenticate(session, corti.key.api_key)
        assert principal is not None
        transcript = Transcript(
            tenant_id=principal.tenant_id, encounter_id=interaction, status=status, text=text
        )
        transcript.segments = [
            TranscriptSegment(position=i, text=u.text, speaker_role=u.speaker)
            for i, u in enumerate(clinical.parse_transcript(text))
        ]
        session.add(transcript)
        await session.commit()
        return transcript.id


async def facts_of(corti: Corti, interaction: str) -> list[dict[str, Any]]:
    response = await corti.client.get(f"/v2/interactions/{interaction}/facts/")
    assert response.status_code == 200, response.text
    facts: list[dict[str, Any]] = response.json()["facts"]
    return facts


async def add(corti: Corti, interaction: str, *facts: dict[str, Any]) -> list[dict[str, Any]]:
    response = await corti.client.post(
        f"/v2/interactions/{interaction}/facts/", json={"facts": list(facts)}
    )
    assert response.status_code == 201, response.text
    added: list[dict[str, Any]] = response.json()["facts"]
    return added


class TestExtraction:
    async def test_no_transcript_no_facts(self, corti: Corti, interaction: str) -> None:
        assert await facts_of(corti, interaction) == []

    async def test_facts_of_a_completed_transcript_appear_once(
        self, corti: Corti, interaction: str, runtime: Runtime
    ) -> None:
        await store_transcript(runtime, corti, interaction)
        facts = await facts_of(corti, interaction)
        assert all(set(fact) == FACT_KEYS for fact in facts)
        assert all(fact["source"] == "core" and not fact["isDiscarded"] for fact in facts)
        by_group = {(fact["group"], fact["text"]) for fact in facts}
        assert ("medications", "Ibuprofen 400 mg twice a day") in by_group
        assert ("allergies", "Allergic to penicillin") in by_group
        assert ("symptoms", "Denies fever and chills.") in by_group
        assert ("vitals", "Blood pressure 128/82") in by_group
        assert await facts_of(corti, interaction) == facts

    async def test_a_transcript_still_processing_gives_none_yet(
        self, corti: Corti, interaction: str, runtime: Runtime
    ) -> None:
        await store_transcript(runtime, corti, interaction, status="processing")
        assert await facts_of(corti, interaction) == []

    async def test_a_later_transcript_adds_its_facts_after_the_others(
        self, corti: Corti, interaction: str, runtime: Runtime
    ) -> None:
        await store_transcript(runtime, corti, interaction)
        first = await facts_of(corti, interaction)
        await store_transcript(
            runtime, corti, interaction, "Doctor: Do you smoke?\nPatient: No, I never smoked."
        )
        facts = await facts_of(corti, interaction)
        assert facts[: len(first)] == first
        assert facts[-1]["group"] == "social-history"

    async def test_group_ids_are_those_of_the_fact_groups(
        self, corti: Corti, interaction: str, runtime: Runtime
    ) -> None:
        await store_transcript(runtime, corti, interaction)
        response = await corti.client.get("/v2/factgroups/")
        assert response.status_code == 200
        groups = {group["key"]: group["id"] for group in response.json()["data"]}
        assert {"medications", "allergies", "symptoms", "plan", "other"} <= set(groups)
        assert all(groups[f["group"]] == f["groupId"] for f in await facts_of(corti, interaction))


class TestAddAndUpdate:
    async def test_add_one_or_many(self, corti: Corti, interaction: str) -> None:
        added = await add(
            corti,
            interaction,
            {"text": "Lives alone", "group": "social-history"},
            {"text": "Metformin 500 mg", "group": "Medications", "source": "system"},
        )
        assert [(f["text"], f["group"], f["source"]) for f in added] == [
            ("Lives alone", "social-history", "user"),
            ("Metformin 500 mg", "medications", "system"),
        ]
        assert await facts_of(corti, interaction) == added

    async def test_unknown_group_is_a0019(self, corti: Corti, interaction: str) -> None:
        response = await corti.client.post(
            f"/v2/interactions/{interaction}/facts/",
            json={"facts": [{"text": "x", "group": "horoscope"}]},
        )
        corti.assert_error(response, 404, "A0019")
        assert await facts_of(corti, interaction) == []

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"facts": []},
            {"facts": [{"text": "x"}]},
            {"facts": [{"group": "plan"}]},
            {"facts": [{"text": "", "group": "plan"}]},
            {"facts": [{"text": 3, "group": "plan"}]},
            {"facts": [{"text": "x", "group": "plan", "source": "robot"}]},
            {"facts": "x"},
        ],
    )
    async def test_bad_bodies_are_400(
        self, corti: Corti, interaction: str, body: dict[str, Any]
    ) -> None:
        response = await corti.client.post(f"/v2/interactions/{interaction}/facts/", json=body)
        corti.assert_error(response, 400, "A0003")

    async def test_update_text_group_and_discard(self, corti: Corti, interaction: str) -> None:
        (fact,) = await add(corti, interaction, {"text": "Knee pain", "group": "other"})
        path = f"/v2/interactions/{interaction}/facts/{fact['id']}"
        response = await corti.client.patch(
            path, json={"text": "Right knee pain", "group": "symptoms", "isDiscarded": True}
        )
        assert response.status_code == 200, response.text
        updated = response.json()
        assert set(updated) == FACT_KEYS
        assert (updated["text"], updated["group"], updated["isDiscarded"]) == (
            "Right knee pain",
            "symptoms",
            True,
        )
        assert updated["createdAt"] == fact["createdAt"]
        assert await facts_of(corti, interaction) == [updated]

    async def test_a_discarded_core_fact_stays_discarded(
        self, corti: Corti, interaction: str, runtime: Runtime
    ) -> None:
        await store_transcript(runtime, corti, interaction)
        first = (await facts_of(corti, interaction))[0]
        path = f"/v2/interactions/{interaction}/facts/{first['id']}"
        await corti.client.patch(path, json={"isDiscarded": True, "source": "user"})
        again = await facts_of(corti, interaction)
        assert again[0]["isDiscarded"] is True
        assert again[0]["source"] == "user"
        assert len(again) == len([f for f in again if f["text"]])

    async def test_batch_update_is_all_or_nothing(self, corti: Corti, interaction: str) -> None:
        one, two = await add(
            corti, interaction, {"text": "a b", "group": "plan"}, {"text": "c d", "group": "plan"}
        )
        path = f"/v2/interactions/{interaction}/facts/"
        response = await corti.client.patch(
            path,
            json={
                "facts": [
                    {"factId": one["id"], "isDiscarded": True},
                    {"factId": str(uuid.uuid4()), "text": "lost"},
                ]
            },
        )
        corti.assert_error(response, 404, "A0020")
        assert await facts_of(corti, interaction) == [one, two]
        response = await corti.client.patch(
            path,
            json={
                "facts": [
                    {"factId": one["id"], "isDiscarded": True},
                    {"factId": two["id"], "text": "e f"},
                ]
            },
        )
        assert response.status_code == 200, response.text
        assert [(f["isDiscarded"], f["text"]) for f in response.json()["facts"]] == [
            (True, "a b"),
            (False, "e f"),
        ]

    async def test_unknown_invalid_and_foreign_fact_ids(
        self, corti: Corti, other_corti: Corti, interaction: str
    ) -> None:
        (fact,) = await add(corti, interaction, {"text": "x y", "group": "plan"})
        base = f"/v2/interactions/{interaction}/facts"
        unknown = await corti.client.patch(f"{base}/{uuid.uuid4()}", json={"text": "z"})
        corti.assert_error(unknown, 404, "A0020")
        invalid = await corti.client.patch(f"{base}/not-a-uuid", json={"text": "z"})
        corti.assert_error(invalid, 400, "A0008")
        bad_group = await corti.client.patch(f"{base}/{fact['id']}", json={"group": "nope"})
        corti.assert_error(bad_group, 404, "A0019")
        wrong_type = await corti.client.patch(f"{base}/{fact['id']}", json={"isDiscarded": "y"})
        corti.assert_error(wrong_type, 400, "A0003")
        foreign = await other_corti.client.patch(f"{base}/{fact['id']}", json={"text": "z"})
        corti.assert_error(foreign, 404, "A0007")
        corti.assert_error(await other_corti.client.get(f"{base}/"), 404, "A0007")
        other = (await corti.create_interaction())["interactionId"]
        elsewhere = await corti.client.patch(
            f"/v2/interactions/{other}/facts/{fact['id']}", json={"text": "z"}
        )
        corti.assert_error(elsewhere, 404, "A0020")

    async def test_invalid_and_unknown_interaction(self, corti: Corti) -> None:
        corti.assert_error(await corti.client.get("/v2/interactions/x/facts/"), 400, "A0008")
        response = await corti.client.get(f"/v2/interactions/{uuid.uuid4()}/facts")
        corti.assert_error(response, 404, "A0007")


class TestFactsAsDocumentContext:
    async def test_kept_facts_write_a_document(
        self, corti: Corti, interaction: str, runtime: Runtime
    ) -> None:
        await store_transcript(runtime, corti, interaction)
        facts = await facts_of(corti, interaction)
        context = [
            {"text": f["text"], "group": f["group"], "source": f["source"]}
            for f in facts
            if not f["isDiscarded"]
        ]
        response = await corti.document(
            interaction, templateKey="corti-h-and-p", context=[{"type": "facts", "data": context}]
        )
        assert response.status_code == 201, response.text
        sections = {s["key"]: s["text"] for s in response.json()["sections"]}
        assert sections["corti-medications"] == "Ibuprofen 400 mg twice a day."
        assert sections["corti-allergies"] == "Allergic to penicillin."
        assert "Denies fever and chills." in sections["corti-review-of-systems"]
