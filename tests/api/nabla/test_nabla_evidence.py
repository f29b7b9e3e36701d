"""The evidence of Nabla notes: digest, listen (sync), listen_async and digest_async callbacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scribe.clinical.transcript import parse_transcript
from tests.api.evidence_checks import check_evidence
from tests.api.nabla.conftest import BASE, FILES, Nabla

VISIT = (Path(__file__).parents[2] / "data" / "visit_knee.txt").read_text()
ITEMS = [{"text": u.text, "speaker": u.speaker} for u in parse_transcript(VISIT)]
BOTH = {"output_objects": ["transcript_item", "note"], "language": "en-US"}


def sections_of(note: dict[str, Any]) -> dict[str, str]:
    return {section["key"]: section["text"] for section in note["sections"]}


def by_position(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Transcript items as the segments evidence quotes (ids are positions), times included."""
    renamed = {"start_time_ms": "start_ms", "end_time_ms": "end_ms"}
    return {str(i): {renamed.get(k, k): v for k, v in item.items()} for i, item in enumerate(items)}


def check_note(note: dict[str, Any], segments: dict[str, dict[str, Any]]) -> float:
    fraction = check_evidence(note["evidence"], sections_of(note), segments)
    # Only the sections the note shows, and each of them.
    assert list(note["evidence"]) == [section["key"] for section in note["sections"]]
    return fraction


async def digest(nabla: Nabla, **body: Any) -> dict[str, Any]:
    payload = {"language": "en-US", "transcript_items": ITEMS, **body}
    response = await nabla.client.post(f"{BASE}/digest", json=payload)
    assert response.status_code == 200, response.text
    note: dict[str, Any] = response.json()["note"]
    return note


class TestDigest:
    @pytest.mark.parametrize("template", ["GENERAL_MEDICINE", "SOAP", "CARDIOLOGY"])
    async def test_each_sentence_quotes_the_transcript_items(
        self, nabla: Nabla, template: str
    ) -> None:
        note = await digest(nabla, note_template=template)
        check_note(note, by_position(ITEMS))

    @pytest.mark.parametrize(
        "options", [{"section_style": "bullet_points"}, {"split_by_problem": True}]
    )
    async def test_styles_keep_the_evidence(self, nabla: Nabla, options: dict[str, Any]) -> None:
        check_note(await digest(nabla, **options), by_position(ITEMS))

    async def test_the_callback_carries_it_too(self, nabla: Nabla) -> None:
        hook, url = nabla.hook()
        body = {"language": "en-US", "transcript_items": ITEMS, "callback_url": url}
        response = await nabla.client.post(f"{BASE}/digest_async", json=body)
        assert response.status_code == 200, response.text
        callback = await nabla.callback(hook)
        check_note(callback["note"], by_position(ITEMS))
        assert callback["note"] == await digest(nabla)


class TestListen:
    async def test_the_sync_answer_quotes_its_own_transcript(self, nabla: Nabla) -> None:
        content, declared = FILES["visit.ogg"]
        response = await nabla.client.post(
            f"{BASE}/listen",
            data={"request_parameters": json.dumps(BOTH)},
            files={"file": ("visit.ogg", content, declared)},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        # Recognised audio: the quotes are timed as the transcript items are.
        check_note(body["note"], by_position(body["transcript"]))
        quoted = [q for s in body["note"]["evidence"].values() for e in s for q in e["segments"]]
        assert all(isinstance(q["start_ms"], int) for q in quoted)

    async def test_callback_and_poll_carry_it(self, nabla: Nabla) -> None:
        hook, url = nabla.hook()
        accepted = await nabla.listen_async(**nabla.body("visit.ogg", url))
        callback = await nabla.callback(hook)
        check_note(callback["note"], by_position(callback["transcript"]))
        state = await nabla.client.get(f"{BASE}/listen_async/{accepted['request_id']}")
        assert state.json()["payload"]["note"]["evidence"] == callback["note"]["evidence"]
