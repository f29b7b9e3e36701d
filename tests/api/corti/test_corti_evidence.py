"""The evidence of Corti documents: the inline context each sentence rests on, kept with it."""

from __future__ import annotations

from typing import Any

import pytest

from scribe.clinical.transcript import parse_transcript
from tests.api.corti.conftest import VISIT, Corti
from tests.api.evidence_checks import check_evidence

LINES = [line.split("] ", 1) for line in VISIT.strip().splitlines()]
# The string context as the utterances evidence quotes: "u<n>" in context order.
UTTERANCES = {
    f"u{i}": {"text": u.text, "speaker": u.speaker, "start_ms": None, "end_ms": None}
    for i, u in enumerate(parse_transcript(VISIT))
}


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


def url(interaction: str, document: dict[str, Any]) -> str:
    return f"/v2/interactions/{interaction}/documents/{document['id']}"


class TestCreated:
    @pytest.mark.parametrize("template", ["corti-soap", "corti-h-and-p", "outpatient-visit-note"])
    async def test_sentences_quote_the_string_context(
        self, corti: Corti, interaction: str, template: str
    ) -> None:
        document = await created(corti, interaction, templateKey=template)
        check_evidence(document["evidence"], texts(document), UTTERANCES)
        assert set(document["evidence"]) == set(texts(document))

    async def test_transcript_objects_keep_their_times(
        self, corti: Corti, interaction: str
    ) -> None:
        context = []
        segments = {}
        for index, (role, text) in enumerate(LINES):
            speaker = "doctor" if role == "[doctor" else "patient"
            data = {"text": f"{speaker.title()}: {text}", "start": index * 1000}
            context.append({"type": "transcript", "data": {**data, "end": index * 1000 + 900}})
            segments[f"u{index}"] = {
                "text": text,
                "speaker": speaker,
                "start_ms": index * 1000,
                "end_ms": index * 1000 + 900,
            }
        document = await created(corti, interaction, context=context)
        check_evidence(document["evidence"], texts(document), segments)

    async def test_facts_are_quoted_as_given(self, corti: Corti, interaction: str) -> None:
        facts = [
            {"text": "Right knee pain for 2 days", "group": "symptoms", "source": "core"},
            {"text": "Blood pressure 128/82", "group": "vitals", "source": "core"},
            {"text": "MCL sprain", "group": "assessment", "source": "user"},
        ]
        document = await created(corti, interaction, context=[{"type": "facts", "data": facts}])
        quoted = {f"f{i}": {"text": fact["text"]} for i, fact in enumerate(facts)}
        assert check_evidence(document["evidence"], texts(document), quoted) == 1.0
        assert document["evidence"]["corti-plan"] == []


class TestReadBack:
    async def test_get_and_list_carry_what_create_answered(
        self, corti: Corti, interaction: str
    ) -> None:
        document = await created(corti, interaction)
        got = await corti.client.get(url(interaction, document))
        assert got.json()["evidence"] == document["evidence"]
        listed = await corti.client.get(f"/v2/interactions/{interaction}/documents/")
        assert [d["evidence"] for d in listed.json()["data"]] == [document["evidence"]]

    async def test_an_edit_drops_the_evidence_of_what_changed(
        self, corti: Corti, interaction: str
    ) -> None:
        document = await created(corti, interaction)
        plan = document["evidence"]["corti-plan"]
        kept = plan[0]["text"]
        sections = [
            {"key": "corti-plan", "text": f"{kept} Ice the knee."},
            {"key": "corti-assessment", "text": "Rewritten by the clinician."},
        ]
        response = await corti.client.patch(url(interaction, document), json={"sections": sections})
        assert response.status_code == 200, response.text
        evidence = response.json()["evidence"]
        assert evidence["corti-plan"] == [plan[0]]
        assert evidence["corti-assessment"] == []
        assert evidence["corti-subjective"] == document["evidence"]["corti-subjective"]
        got = await corti.client.get(url(interaction, document))
        assert got.json()["evidence"] == evidence
