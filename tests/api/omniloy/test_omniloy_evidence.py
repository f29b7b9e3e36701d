"""The evidence of Omniloy clinical notes: each sentence with the transcript segments behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest

from scribe.runtime import Runtime
from tests.api.evidence_checks import check_evidence, stored_segments

if TYPE_CHECKING:
    from tests.api.omniloy.conftest import Omniloy


async def _checked(api: Omniloy, runtime: Runtime, note: dict[str, Any]) -> float:
    segments = await stored_segments(runtime, note["transcription_id"])
    return check_evidence(note["evidence"], note["ai_generated_content"], segments)


class TestGeneratedNotes:
    @pytest.mark.parametrize("template", ["SOAP", "BIRP", "DAP", "GIRP"])
    async def test_the_join_answer_quotes_the_transcript(
        self, api: Omniloy, runtime: Runtime, template: str
    ) -> None:
        _, _, joined = await api.extract(template=template)
        note = joined["clinical_note"]
        await _checked(api, runtime, note)
        assert set(note["evidence"]) == set(api.TEMPLATE_KEYS[template])

    async def test_read_and_listed_notes_carry_the_same_evidence(
        self, api: Omniloy, runtime: Runtime, client: httpx.AsyncClient
    ) -> None:
        transcription, _, joined = await api.extract()
        note = joined["clinical_note"]
        assert await api.get_note(note["id"]) == note
        listed = await client.get(
            "/v1/clinical-notes", params={"transcription_id": transcription["id"]}
        )
        assert listed.json() == [note]

    async def test_sentences_quote_who_said_what(self, api: Omniloy, runtime: Runtime) -> None:
        _, _, joined = await api.extract()
        plan = joined["clinical_note"]["evidence"]["plan"]
        quoted = [s for sentence in plan for s in sentence["segments"]]
        assert any("naproxen" in s["text"].lower() for s in quoted)
        assert {s["speaker"] for s in quoted} <= {"doctor", "patient", "unspecified"}
        # A text transcript has no audio: no times.
        assert all(s["start_ms"] is None and s["end_ms"] is None for s in quoted)


class TestEditedNotes:
    async def test_an_edit_keeps_the_evidence_of_the_sentences_left_as_they_were(
        self, api: Omniloy, runtime: Runtime
    ) -> None:
        _, _, joined = await api.extract()
        note = joined["clinical_note"]
        plan = note["evidence"]["plan"]
        assert len(plan) >= 2
        kept, changed = plan[0], plan[1]
        content = dict(note["ai_generated_content"])
        content["plan"] = content["plan"].replace(changed["text"], "Ice the knee.")
        edited = await api.patch_note(note["id"], ai_generated_content=content)
        texts = [s["text"] for s in edited["evidence"]["plan"]]
        assert kept["text"] in texts
        assert changed["text"] not in texts
        assert "Ice the knee." not in texts
        for key in ("subjective", "objective", "assessment"):
            assert edited["evidence"][key] == note["evidence"][key]
        await _checked(api, runtime, edited)
        assert await api.get_note(note["id"]) == edited

    async def test_a_rewritten_section_has_no_evidence(self, api: Omniloy) -> None:
        _, _, joined = await api.extract()
        note = joined["clinical_note"]
        content = {**note["ai_generated_content"], "assessment": "Written by the clinician."}
        edited = await api.patch_note(note["id"], ai_generated_content=content)
        assert edited["evidence"]["assessment"] == []

    async def test_a_client_note_has_sections_without_evidence(self, api: Omniloy) -> None:
        transcription = await api.create_transcription()
        content = {"subjective": "Knee pain.", "plan": "Rest."}
        note = await api.create_note(
            transcription_id=transcription["id"], ai_generated_content=content
        )
        assert note["evidence"] == {"subjective": [], "plan": []}
        free_form = await api.create_note(ai_generated_content={"nested": {"a": 1}})
        assert free_form["evidence"] == {}
