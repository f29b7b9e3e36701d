"""POST/GET/PATCH /v1/clinical-notes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from tests.api.omniloy.conftest import Omniloy

NOTES = "/v1/clinical-notes"
NOTE_FIELDS = {
    "id",
    "user_id",
    "group_id",
    "transcription_id",
    "template",
    "ai_generated_content",
    "feedback",
    "report_thread_id",
    "report_run_id",
    "created_at",
    "updated_at",
}
SOAP_CONTENT = {
    "subjective": "Right knee pain after twisting it on a ladder.",
    "objective": "BP 128/82. Medial joint line tenderness.",
    "assessment": "MCL sprain.",
    "plan": "Naproxen 500 mg twice a day; physical therapy.",
}
FREE_FORM = {
    "zeta": "first key on purpose",
    "alpha": {"nested": [1, 2.5, {"k": None}], "flag": False},
    "scores": [10, 20, 30],
    "count": 3,
    "ratio": 0.75,
    "ok": True,
    "nothing": None,
    "unicode": "ñandú — 膝 😀",
    "empty": {},
}


class TestCreateNote:
    async def test_defaults(self, api: Omniloy, tenant_key: Any) -> None:
        note = await api.create_note()
        assert set(note) == NOTE_FIELDS
        assert note["template"] == "SOAP"
        assert note["ai_generated_content"] == {}
        assert note["transcription_id"] is None
        assert note["feedback"] is None
        assert note["report_thread_id"] is None
        assert note["report_run_id"] == []
        assert note["user_id"] == "dr_house"
        assert note["group_id"] == tenant_key.tenant_name
        api.assert_timestamps(note)

    async def test_all_fields(self, api: Omniloy) -> None:
        transcription = await api.create_transcription()
        note = await api.create_note(
            transcription_id=transcription["id"],
            template="SOAP",
            ai_generated_content=SOAP_CONTENT,
            feedback="Well structured note",
            report_thread_id="thread-abc123",
            report_run_id=["run-1", "run-2"],
        )
        assert note["transcription_id"] == transcription["id"]
        assert note["ai_generated_content"] == SOAP_CONTENT
        assert list(note["ai_generated_content"]) == list(SOAP_CONTENT)
        assert note["feedback"] == "Well structured note"
        assert note["report_thread_id"] == "thread-abc123"
        assert note["report_run_id"] == ["run-1", "run-2"]
        assert await api.get_note(note["id"]) == note

    @pytest.mark.parametrize(
        ("sent", "stored"),
        [
            ("SOAP", "SOAP"),
            ("soap", "SOAP"),
            ("Birp", "BIRP"),
            ("dap", "DAP"),
            ("gIrP", "GIRP"),
            ("Ortho Follow-up", "Ortho Follow-up"),
            ("my_template", "my_template"),
        ],
    )
    async def test_template_names(self, api: Omniloy, sent: str, stored: str) -> None:
        note = await api.create_note(template=sent)
        assert note["template"] == stored
        assert (await api.get_note(note["id"]))["template"] == stored

    async def test_custom_free_form_content_round_trips(self, api: Omniloy) -> None:
        note = await api.create_note(template="Research Form", ai_generated_content=FREE_FORM)
        assert note["ai_generated_content"] == FREE_FORM
        fetched = await api.get_note(note["id"])
        assert fetched["ai_generated_content"] == FREE_FORM
        # Exactly: same JSON types too (1 stays int, 0.75 float, False bool, None null).
        assert json.dumps(fetched["ai_generated_content"], sort_keys=True) == json.dumps(
            FREE_FORM, sort_keys=True
        )

    async def test_flat_content_keeps_key_order(self, api: Omniloy) -> None:
        content = {"zeta": "z", "alpha": "a", "mid": "m"}
        note = await api.create_note(template="Custom", ai_generated_content=content)
        fetched = await api.get_note(note["id"])
        assert list(fetched["ai_generated_content"]) == ["zeta", "alpha", "mid"]

    async def test_free_form_content_keeps_key_order(self, api: Omniloy) -> None:
        note = await api.create_note(template="Research Form", ai_generated_content=FREE_FORM)
        fetched = await api.get_note(note["id"])
        assert list(fetched["ai_generated_content"]) == list(FREE_FORM)

    async def test_unknown_transcription_is_404(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(NOTES, json={"transcription_id": "nope"})
        api.assert_error(response, 404)
        assert (await client.get(NOTES)).json() == []

    @pytest.mark.parametrize(
        "payload",
        [
            pytest.param({"template": ""}, id="empty-template"),
            pytest.param({"template": "   "}, id="blank-template"),
            pytest.param({"template": None}, id="null-template"),
            pytest.param({"template": 3}, id="number-template"),
            pytest.param({"ai_generated_content": "text"}, id="string-content"),
            pytest.param({"ai_generated_content": ["a"]}, id="list-content"),
            pytest.param({"feedback": 5}, id="number-feedback"),
            pytest.param({"report_thread_id": ["t"]}, id="list-thread-id"),
            pytest.param({"report_run_id": "run-1"}, id="string-run-ids"),
            pytest.param({"report_run_id": [1, 2]}, id="int-run-ids"),
            pytest.param({"report_run_id": ["ok", None]}, id="null-in-run-ids"),
            pytest.param({"report_run_id": {"a": "b"}}, id="object-run-ids"),
            pytest.param({"transcription_id": ""}, id="empty-transcription-id"),
        ],
    )
    async def test_invalid_body_is_400(
        self, api: Omniloy, client: httpx.AsyncClient, payload: dict[str, Any]
    ) -> None:
        response = await client.post(NOTES, json=payload)
        api.assert_error(response, 400)
        assert (await client.get(NOTES)).json() == []

    async def test_report_run_id_error_names_the_field(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(NOTES, json={"report_run_id": [1]})
        assert "report_run_id" in api.assert_error(response, 400)


class TestListAndGetNotes:
    async def test_list_is_oldest_first(self, api: Omniloy, client: httpx.AsyncClient) -> None:
        assert (await client.get(NOTES)).json() == []
        first = await api.create_note(feedback="one")
        second = await api.create_note(feedback="two")
        response = await client.get(NOTES)
        assert response.status_code == 200
        assert response.json() == [first, second]

    async def test_filter_by_transcription(self, api: Omniloy, client: httpx.AsyncClient) -> None:
        t1 = await api.create_transcription()
        t2 = await api.create_transcription()
        a = await api.create_note(transcription_id=t1["id"])
        b = await api.create_note(transcription_id=t2["id"], template="DAP")
        c = await api.create_note(transcription_id=t1["id"], template="BIRP")
        await api.create_note()
        listed = (await client.get(NOTES, params={"transcription_id": t1["id"]})).json()
        assert [n["id"] for n in listed] == [a["id"], c["id"]]
        listed = (await client.get(NOTES, params={"transcription_id": t2["id"]})).json()
        assert listed == [b]
        assert (await client.get(NOTES, params={"transcription_id": "nope"})).json() == []

    async def test_paging(self, api: Omniloy, client: httpx.AsyncClient) -> None:
        notes = [await api.create_note(feedback=str(i)) for i in range(3)]
        page = (await client.get(NOTES, params={"limit": 2, "offset": 1})).json()
        assert [n["id"] for n in page] == [n["id"] for n in notes[1:]]
        api.assert_error(await client.get(NOTES, params={"limit": 0}), 400)
        api.assert_error(await client.get(NOTES, params={"offset": -1}), 400)
        # Past a 64-bit integer: a 400, not the database's overflow (found by make fuzz).
        api.assert_error(await client.get(NOTES, params={"offset": 10**20}), 400)

    async def test_get_unknown_is_404(self, api: Omniloy, client: httpx.AsyncClient) -> None:
        api.assert_error(await client.get(f"{NOTES}/nope"), 404)
        api.assert_error(await client.get(f"{NOTES}/00000000-0000-0000-0000-000000000000"), 404)


class TestPatchNote:
    async def full_note(self, api: Omniloy) -> dict[str, Any]:
        transcription = await api.create_transcription()
        return await api.create_note(
            transcription_id=transcription["id"],
            template="SOAP",
            ai_generated_content=SOAP_CONTENT,
            feedback="first draft",
            report_thread_id="thread-1",
            report_run_id=["run-1"],
        )

    @pytest.mark.parametrize(
        "changes",
        [
            pytest.param({"feedback": "Well structured note"}, id="feedback"),
            pytest.param({"template": "BIRP"}, id="template"),
            pytest.param({"report_thread_id": "thread-2"}, id="thread"),
            pytest.param({"report_run_id": ["run-1", "run-2"]}, id="run-ids"),
            pytest.param(
                {"ai_generated_content": {**SOAP_CONTENT, "plan": "Rest and ice."}},
                id="content",
            ),
            pytest.param({"feedback": "x", "report_run_id": []}, id="two-fields"),
        ],
    )
    async def test_only_sent_fields_change(
        self, api: Omniloy, client: httpx.AsyncClient, changes: dict[str, Any]
    ) -> None:
        before = await self.full_note(api)
        response = await client.patch(f"{NOTES}/{before['id']}", json=changes)
        assert response.status_code == 200
        after = response.json()
        assert set(after) == NOTE_FIELDS
        for key, value in after.items():
            if key == "updated_at":
                assert value >= before["updated_at"]
            elif key in changes:
                assert value == changes[key], key
            else:
                assert value == before[key], key
        assert await api.get_note(before["id"]) == after

    async def test_empty_patch_changes_nothing(self, api: Omniloy) -> None:
        before = await self.full_note(api)
        after = await api.patch_note(before["id"])
        assert {k: v for k, v in after.items() if k != "updated_at"} == {
            k: v for k, v in before.items() if k != "updated_at"
        }

    async def test_unknown_fields_are_ignored(self, api: Omniloy) -> None:
        before = await self.full_note(api)
        after = await api.patch_note(before["id"], id="other", user_id="mallory", feedback="ok")
        assert after["id"] == before["id"]
        assert after["user_id"] == "dr_house"
        assert after["feedback"] == "ok"

    async def test_template_is_canonicalised(self, api: Omniloy) -> None:
        note = await api.create_note()
        assert (await api.patch_note(note["id"], template="girp"))["template"] == "GIRP"
        assert (await api.patch_note(note["id"], template="Custom X"))["template"] == "Custom X"

    async def test_clearing_optional_fields_with_null(self, api: Omniloy) -> None:
        note = await self.full_note(api)
        after = await api.patch_note(note["id"], feedback=None, report_thread_id=None)
        assert after["feedback"] is None
        assert after["report_thread_id"] is None
        assert after["report_run_id"] == ["run-1"]
        assert after["ai_generated_content"] == SOAP_CONTENT

    async def test_patch_to_custom_template_with_free_form_content(self, api: Omniloy) -> None:
        note = await self.full_note(api)
        after = await api.patch_note(
            note["id"], template="Research Form", ai_generated_content=FREE_FORM
        )
        assert after["template"] == "Research Form"
        assert after["ai_generated_content"] == FREE_FORM
        fetched = await api.get_note(note["id"])
        assert fetched["ai_generated_content"] == FREE_FORM
        # And back to flat sections.
        again = await api.patch_note(note["id"], ai_generated_content=SOAP_CONTENT)
        assert again["ai_generated_content"] == SOAP_CONTENT
        assert again["template"] == "Research Form"

    async def test_patch_generated_note_with_reviewed_content(self, api: Omniloy) -> None:
        _, thread, joined = await api.extract()
        generated = joined["clinical_note"]
        reviewed = {**generated["ai_generated_content"], "plan": "Naproxen 500 mg bid; PT."}
        after = await api.patch_note(
            generated["id"],
            ai_generated_content=reviewed,
            feedback="Plan shortened",
            report_run_id=[*generated["report_run_id"], "run-review"],
        )
        assert after["ai_generated_content"] == reviewed
        assert list(after["ai_generated_content"]) == api.TEMPLATE_KEYS["SOAP"]
        assert after["report_thread_id"] == thread["thread_id"]
        assert after["report_run_id"] == [joined["run_id"], "run-review"]
        assert after["transcription_id"] == generated["transcription_id"]
        assert after["template"] == "SOAP"

    @pytest.mark.parametrize(
        "payload",
        [
            pytest.param({"template": ""}, id="empty-template"),
            pytest.param({"template": None}, id="null-template"),
            pytest.param({"report_run_id": "run-1"}, id="string-run-ids"),
            pytest.param({"report_run_id": [1]}, id="int-run-ids"),
            pytest.param({"report_run_id": [["nested"]]}, id="nested-run-ids"),
            pytest.param({"ai_generated_content": []}, id="list-content"),
            pytest.param({"ai_generated_content": "text"}, id="string-content"),
            pytest.param({"feedback": {"a": 1}}, id="object-feedback"),
        ],
    )
    async def test_invalid_patch_is_400_and_changes_nothing(
        self, api: Omniloy, client: httpx.AsyncClient, payload: dict[str, Any]
    ) -> None:
        before = await self.full_note(api)
        response = await client.patch(f"{NOTES}/{before['id']}", json=payload)
        api.assert_error(response, 400)
        assert await api.get_note(before["id"]) == before

    async def test_patch_unknown_is_404(self, api: Omniloy, client: httpx.AsyncClient) -> None:
        response = await client.patch(f"{NOTES}/nope", json={"feedback": "x"})
        api.assert_error(response, 404)
