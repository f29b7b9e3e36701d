"""Threads, runs and join: chat and clinical extraction (/v1/lang-graph/...)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from tests.api.omniloy.conftest import ClientFactory, Omniloy

THREADS = "/v1/lang-graph/threads"
RUN_FIELDS = {
    "run_id",
    "thread_id",
    "status",
    "kind",
    "created_at",
    "updated_at",
    "clinical_note_id",
    "error",
    "progress",
}


def runs_url(thread_id: str) -> str:
    return f"{THREADS}/{thread_id}/runs"


class TestCreateThread:
    async def test_empty_post_creates_active_thread(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(THREADS)
        assert response.status_code == 201
        thread = response.json()
        assert thread["status"] == "active"
        assert isinstance(thread["thread_id"], str)
        assert thread["thread_id"]
        assert thread["metadata"] == {"doctor": "dr_house", "patient": None}
        assert thread["values"] == {"messages": []}
        api.assert_timestamps(thread)

    async def test_empty_object_body(self, client: httpx.AsyncClient) -> None:
        response = await client.post(THREADS, json={})
        assert response.status_code == 201
        assert response.json()["status"] == "active"

    async def test_records_x_patient(self, api: Omniloy) -> None:
        thread = await api.create_thread(**{"x-patient": "pt_456"})
        assert thread["metadata"] == {"doctor": "dr_house", "patient": "pt_456"}

    async def test_each_thread_is_new(self, api: Omniloy) -> None:
        first, second = await api.create_thread(), await api.create_thread()
        assert first["thread_id"] != second["thread_id"]

    async def test_get_thread(self, api: Omniloy, client: httpx.AsyncClient) -> None:
        thread = await api.create_thread()
        response = await client.get(f"{THREADS}/{thread['thread_id']}")
        assert response.status_code == 200
        assert response.json() == thread

    async def test_get_unknown_thread_is_404(self, api: Omniloy, client: httpx.AsyncClient) -> None:
        api.assert_error(await client.get(f"{THREADS}/no-such-thread"), 404)


class TestCreateRun:
    async def test_extraction_run_is_pending(self, api: Omniloy) -> None:
        thread = await api.create_thread()
        response = await api.post_run(thread["thread_id"], api.KNEE)
        assert response.status_code == 201
        run = response.json()
        assert set(run) == RUN_FIELDS
        assert run["thread_id"] == thread["thread_id"]
        assert run["status"] == "pending"
        assert run["kind"] == "extraction"
        assert run["clinical_note_id"] is None
        assert run["error"] is None
        assert 0 <= run["progress"] < 1
        api.assert_timestamps(run)

    @pytest.mark.parametrize(
        ("header", "kind"),
        [
            (None, "extraction"),
            ("false", "extraction"),
            ("FALSE", "extraction"),
            ("0", "extraction"),
            ("", "extraction"),
            ("true", "chat"),
            ("True", "chat"),
            ("1", "chat"),
        ],
    )
    async def test_x_is_chat_selects_the_kind(
        self, api: Omniloy, client: httpx.AsyncClient, header: str | None, kind: str
    ) -> None:
        thread = await api.create_thread()
        headers = {} if header is None else {"x-is-chat": header}
        response = await client.post(
            runs_url(thread["thread_id"]),
            json=api.run_body(thread["thread_id"], "What is the blood pressure?"),
            headers=headers,
        )
        assert response.status_code == 201, response.text
        assert response.json()["kind"] == kind

    @pytest.mark.parametrize("header", ["yes", "maybe", "2"])
    async def test_bad_x_is_chat_is_400(
        self, api: Omniloy, client: httpx.AsyncClient, header: str
    ) -> None:
        thread = await api.create_thread()
        response = await client.post(
            runs_url(thread["thread_id"]),
            json=api.run_body(thread["thread_id"], "hi"),
            headers={"x-is-chat": header},
        )
        assert "x-is-chat" in api.assert_error(response, 400)

    async def test_messages_are_appended_to_the_thread(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        thread = await api.create_thread()
        tid = thread["thread_id"]
        messages = [
            {"role": "system", "content": "You are a scribe."},
            {"role": "user", "content": "What is the blood pressure?"},
        ]
        await api.start_run(tid, *messages, chat=True)
        stored = (await client.get(f"{THREADS}/{tid}")).json()["values"]["messages"]
        assert stored[:2] == messages

    async def test_mismatched_thread_id_is_400_and_stores_nothing(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        thread, other = await api.create_thread(), await api.create_thread()
        response = await client.post(
            runs_url(thread["thread_id"]), json=api.run_body(other["thread_id"], api.KNEE)
        )
        assert "thread_id" in api.assert_error(response, 400)
        for tid in (thread["thread_id"], other["thread_id"]):
            assert (await client.get(runs_url(tid))).json() == []
            assert (await client.get(f"{THREADS}/{tid}")).json()["values"]["messages"] == []

    async def test_unknown_thread_is_404(self, api: Omniloy, client: httpx.AsyncClient) -> None:
        response = await client.post(runs_url("missing"), json=api.run_body("missing", "hi"))
        api.assert_error(response, 404)

    @pytest.mark.parametrize(
        "mutate",
        [
            pytest.param(lambda b: b.pop("input"), id="no-input"),
            pytest.param(lambda b: b.pop("config"), id="no-config"),
            pytest.param(lambda b: b["input"].pop("messages"), id="no-messages"),
            pytest.param(lambda b: b["input"].update(messages=[]), id="empty-messages"),
            pytest.param(lambda b: b["input"].update(messages="hi"), id="messages-string"),
            pytest.param(lambda b: b["config"].pop("configurable"), id="no-configurable"),
            pytest.param(lambda b: b["config"]["configurable"].pop("thread_id"), id="no-thread-id"),
            pytest.param(
                lambda b: b["config"]["configurable"].update(thread_id=""), id="empty-thread-id"
            ),
            pytest.param(
                lambda b: b["config"]["configurable"].update(thread_id=5), id="number-thread-id"
            ),
            pytest.param(
                lambda b: b["input"]["messages"][0].update(role="doctor"), id="role-doctor"
            ),
            pytest.param(lambda b: b["input"]["messages"][0].update(role="tool"), id="role-tool"),
            pytest.param(lambda b: b["input"]["messages"][0].pop("role"), id="no-role"),
            pytest.param(lambda b: b["input"]["messages"][0].pop("content"), id="no-content"),
            pytest.param(
                lambda b: b["input"]["messages"][0].update(content=["x"]), id="content-list"
            ),
            pytest.param(
                lambda b: b["config"]["configurable"].update(template=""), id="empty-template"
            ),
        ],
    )
    async def test_invalid_body_is_400(
        self, api: Omniloy, client: httpx.AsyncClient, mutate: Any
    ) -> None:
        thread = await api.create_thread()
        payload = api.run_body(thread["thread_id"], "Generate a SOAP note")
        mutate(payload)
        response = await client.post(runs_url(thread["thread_id"]), json=payload)
        api.assert_error(response, 400)
        assert (await client.get(runs_url(thread["thread_id"]))).json() == []

    async def test_unknown_transcription_is_404(self, api: Omniloy) -> None:
        thread = await api.create_thread()
        response = await api.post_run(thread["thread_id"], "Generate", transcription_id="nope")
        assert "Transcription" in api.assert_error(response, 404)

    async def test_unknown_clinical_note_is_404(self, api: Omniloy) -> None:
        thread = await api.create_thread()
        response = await api.post_run(thread["thread_id"], api.KNEE, clinical_note_id="nope")
        api.assert_error(response, 404)


class TestRunStatusAndListing:
    async def test_get_run_after_completion(self, api: Omniloy, client: httpx.AsyncClient) -> None:
        _, thread, joined = await api.extract()
        response = await client.get(f"{runs_url(thread['thread_id'])}/{joined['run_id']}")
        assert response.status_code == 200
        run = response.json()
        assert set(run) == RUN_FIELDS
        assert run["status"] == "completed"
        assert run["clinical_note_id"] == joined["clinical_note"]["id"]
        assert run["progress"] == 1.0
        assert {k: joined[k] for k in RUN_FIELDS} == run

    async def test_unknown_run_is_404(self, api: Omniloy, client: httpx.AsyncClient) -> None:
        thread = await api.create_thread()
        tid = thread["thread_id"]
        api.assert_error(await client.get(f"{runs_url(tid)}/missing"), 404)
        api.assert_error(await client.get(f"{runs_url(tid)}/missing/join"), 404)

    async def test_run_of_another_thread_is_404(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        first, second = await api.create_thread(), await api.create_thread()
        run = await api.start_run(first["thread_id"], "What is the pulse?", chat=True)
        api.assert_error(await client.get(f"{runs_url(second['thread_id'])}/{run['run_id']}"), 404)
        api.assert_error(
            await client.get(f"{runs_url(second['thread_id'])}/{run['run_id']}/join"), 404
        )

    async def test_list_runs_oldest_first_with_paging(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        thread = await api.create_thread()
        tid = thread["thread_id"]
        assert (await client.get(runs_url(tid))).json() == []
        ids = []
        for question in ("What is the pulse?", "Any allergies?", "What was prescribed?"):
            run = await api.start_run(tid, question, chat=True)
            await api.join(tid, run["run_id"])
            ids.append(run["run_id"])
        listed = (await client.get(runs_url(tid))).json()
        assert [r["run_id"] for r in listed] == ids
        assert all(set(r) == RUN_FIELDS and r["kind"] == "chat" for r in listed)
        assert all(r["status"] == "completed" for r in listed)
        page = (await client.get(runs_url(tid), params={"limit": 1, "offset": 1})).json()
        assert [r["run_id"] for r in page] == ids[1:2]
        tail = (await client.get(runs_url(tid), params={"offset": 2})).json()
        assert [r["run_id"] for r in tail] == ids[2:]
        assert (await client.get(runs_url(tid), params={"offset": 3})).json() == []

    @pytest.mark.parametrize(
        "params",
        [{"limit": 0}, {"limit": "abc"}, {"offset": -1}, {"limit": 1001}, {"offset": 10**20}],
    )
    async def test_bad_paging_is_400(
        self, api: Omniloy, client: httpx.AsyncClient, params: dict[str, Any]
    ) -> None:
        thread = await api.create_thread()
        api.assert_error(await client.get(runs_url(thread["thread_id"]), params=params), 400)

    async def test_list_runs_of_unknown_thread_is_404(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        api.assert_error(await client.get(runs_url("missing")), 404)


class TestJoin:
    async def test_join_returns_final_state(self, api: Omniloy) -> None:
        thread = await api.create_thread()
        tid = thread["thread_id"]
        run = await api.start_run(tid, "What is the blood pressure?", chat=True)
        joined = await api.join(tid, run["run_id"])
        assert joined["run_id"] == run["run_id"]
        assert joined["status"] == "completed"
        assert joined["error"] is None
        assert joined["created_at"] == run["created_at"]
        assert joined["messages"][-1]["role"] == "assistant"

    async def test_join_twice_is_stable(self, api: Omniloy) -> None:
        _, thread, joined = await api.extract()
        again = await api.join(thread["thread_id"], joined["run_id"])
        assert again == joined

    @pytest.mark.parametrize("timeout", ["0", "-1", "soon"])
    async def test_bad_timeout_is_400(
        self, api: Omniloy, client: httpx.AsyncClient, timeout: str
    ) -> None:
        thread = await api.create_thread()
        run = await api.start_run(thread["thread_id"], "Any allergies?", chat=True)
        response = await client.get(
            f"{runs_url(thread['thread_id'])}/{run['run_id']}/join", params={"timeout": timeout}
        )
        api.assert_error(response, 400)


class TestExtraction:
    async def test_soap_note_from_transcription(self, api: Omniloy) -> None:
        transcription, _, joined = await api.extract()
        assert joined["status"] == "completed"
        assert joined["kind"] == "extraction"
        assert joined["error"] is None
        note = joined["clinical_note"]
        assert note is not None
        assert joined["clinical_note_id"] == note["id"]
        assert note["template"] == "SOAP"
        assert note["transcription_id"] == transcription["id"]
        assert note["user_id"] == "dr_house"
        content = note["ai_generated_content"]
        assert list(content) == api.TEMPLATE_KEYS["SOAP"]
        assert all(isinstance(v, str) for v in content.values())
        subjective, objective = content["subjective"].lower(), content["objective"].lower()
        assert "ibuprofen" in subjective or "knee" in subjective
        assert "tenderness" in objective or "128/82" in objective
        assert "sprain" in content["assessment"].lower()
        plan = content["plan"].lower()
        assert "naproxen" in plan or "physical therapy" in plan
        assert "naproxen" not in subjective  # planned, not already taken
        assert "thompson" not in plan  # the greeting is small talk, not a plan
        api.assert_grounded(note, transcription["original_transcript"])

    async def test_note_is_linked_to_thread_run_and_transcription(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        transcription, thread, joined = await api.extract()
        note = joined["clinical_note"]
        assert note["report_thread_id"] == thread["thread_id"]
        assert note["report_run_id"] == [joined["run_id"]]
        assert await api.get_note(note["id"]) == note
        listed = await client.get(
            "/v1/clinical-notes", params={"transcription_id": transcription["id"]}
        )
        assert [n["id"] for n in listed.json()] == [note["id"]]

    async def test_assistant_message_carries_the_note(self, api: Omniloy) -> None:
        _, _, joined = await api.extract()
        user_msg, reply = joined["messages"]
        assert user_msg == api.user("Generate a clinical note for this visit")
        assert reply["role"] == "assistant"
        assert json.loads(reply["content"]) == joined["clinical_note"]["ai_generated_content"]

    async def test_transcript_in_messages_without_transcription_id(self, api: Omniloy) -> None:
        thread = await api.create_thread()
        joined = await api.run_and_join(thread["thread_id"], "Generate a SOAP note\n" + api.KNEE)
        assert joined["status"] == "completed"
        note = joined["clinical_note"]
        assert note["template"] == "SOAP"
        assert note["transcription_id"] is None
        content = note["ai_generated_content"]
        assert list(content) == api.TEMPLATE_KEYS["SOAP"]
        assert "sprain" in content["assessment"].lower()
        # The instruction line is not part of the note.
        assert all("generate" not in v.lower() for v in content.values())
        api.assert_grounded(note, api.KNEE)

    async def test_transcript_split_over_several_user_messages(self, api: Omniloy) -> None:
        thread = await api.create_thread()
        lines = api.KNEE.splitlines()
        half = len(lines) // 2
        joined = await api.run_and_join(
            thread["thread_id"],
            {"role": "system", "content": "You are a clinical scribe."},
            "\n".join(lines[:half]),
            "\n".join(lines[half:]),
        )
        content = joined["clinical_note"]["ai_generated_content"]
        assert "sprain" in content["assessment"].lower()
        assert "naproxen" in content["plan"].lower() or "physical therapy" in content["plan"]

    @pytest.mark.parametrize("template", ["SOAP", "BIRP", "DAP", "GIRP"])
    async def test_template_from_config(self, api: Omniloy, template: str) -> None:
        transcription, _, joined = await api.extract(template=template.lower())
        note = joined["clinical_note"]
        assert note["template"] == template
        content = note["ai_generated_content"]
        assert list(content) == api.TEMPLATE_KEYS[template]
        text = " ".join(content.values()).lower()
        for fact in ("sprain", "naproxen", "128/82", "penicillin"):
            assert fact in text, fact
        assert content["plan"].strip()
        api.assert_grounded(note, transcription["original_transcript"])

    async def test_birp_sections(self, api: Omniloy) -> None:
        _, _, joined = await api.extract(template="BIRP")
        content = joined["clinical_note"]["ai_generated_content"]
        assert "naproxen" in content["intervention"].lower()
        assert "tenderness" in content["behavior"].lower() or "knee" in content["behavior"]

    async def test_dap_sections(self, api: Omniloy) -> None:
        _, _, joined = await api.extract(template="DAP")
        content = joined["clinical_note"]["ai_generated_content"]
        data = content["data"].lower()
        assert "128/82" in data or "tenderness" in data
        assert "sprain" in content["assessment"].lower()
        assert "naproxen" in content["plan"].lower()

    @pytest.mark.parametrize(
        ("instruction", "template"),
        [
            ("Generate a BIRP note", "BIRP"),
            ("Please write a GIRP note for this visit", "GIRP"),
            ("Create a note using the DAP template", "DAP"),
            ("Generate a SOAP note", "SOAP"),
            ("Generate a note", "SOAP"),
        ],
    )
    async def test_template_named_in_the_instruction(
        self, api: Omniloy, instruction: str, template: str
    ) -> None:
        thread = await api.create_thread()
        joined = await api.run_and_join(thread["thread_id"], f"{instruction}\n{api.KNEE}")
        note = joined["clinical_note"]
        assert note["template"] == template
        assert list(note["ai_generated_content"]) == api.TEMPLATE_KEYS[template]

    async def test_template_named_in_a_system_message(self, api: Omniloy) -> None:
        thread = await api.create_thread()
        joined = await api.run_and_join(
            thread["thread_id"], {"role": "system", "content": "Use the DAP format."}, api.KNEE
        )
        assert joined["clinical_note"]["template"] == "DAP"

    async def test_config_template_wins_over_instruction(self, api: Omniloy) -> None:
        thread = await api.create_thread()
        joined = await api.run_and_join(
            thread["thread_id"], f"Generate a SOAP note\n{api.KNEE}", template="GIRP"
        )
        assert joined["clinical_note"]["template"] == "GIRP"

    async def test_lowercase_template_in_instruction(self, api: Omniloy) -> None:
        thread = await api.create_thread()
        joined = await api.run_and_join(thread["thread_id"], f"Generate a birp note\n{api.KNEE}")
        assert joined["clinical_note"]["template"] == "BIRP"

    async def test_custom_template_name(self, api: Omniloy) -> None:
        transcription, _, joined = await api.extract(template="Ortho Follow-up")
        note = joined["clinical_note"]
        assert note["template"] == "Ortho Follow-up"
        content = note["ai_generated_content"]
        assert content
        assert all(isinstance(v, str) for v in content.values())
        text = " ".join(content.values()).lower()
        assert "sprain" in text
        assert "naproxen" in text
        api.assert_grounded(note, transcription["original_transcript"])

    async def test_clinical_note_id_fills_an_existing_note(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        transcription = await api.create_transcription()
        existing = await api.create_note(
            transcription_id=transcription["id"],
            feedback="keep this",
            report_run_id=["run-earlier"],
        )
        thread = await api.create_thread()
        joined = await api.run_and_join(
            thread["thread_id"],
            "Generate a SOAP note",
            transcription_id=transcription["id"],
            clinical_note_id=existing["id"],
        )
        assert joined["status"] == "completed"
        assert joined["clinical_note_id"] == existing["id"]
        note = joined["clinical_note"]
        assert note["id"] == existing["id"]
        assert note["created_at"] == existing["created_at"]
        assert note["feedback"] == "keep this"
        assert note["report_thread_id"] == thread["thread_id"]
        assert note["report_run_id"] == ["run-earlier", joined["run_id"]]
        assert note["transcription_id"] == transcription["id"]
        assert list(note["ai_generated_content"]) == api.TEMPLATE_KEYS["SOAP"]
        assert "sprain" in note["ai_generated_content"]["assessment"].lower()
        # No second note was made.
        listed = (await client.get("/v1/clinical-notes")).json()
        assert [n["id"] for n in listed] == [existing["id"]]
        assert await api.get_note(existing["id"]) == note

    async def test_filling_a_note_keeps_its_template(self, api: Omniloy) -> None:
        transcription = await api.create_transcription()
        existing = await api.create_note(transcription_id=transcription["id"], template="GIRP")
        thread = await api.create_thread()
        joined = await api.run_and_join(
            thread["thread_id"],
            "Fill in the note",
            transcription_id=transcription["id"],
            clinical_note_id=existing["id"],
        )
        assert joined["clinical_note"]["template"] == "GIRP"

    async def test_filled_note_is_found_by_transcription(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        transcription = await api.create_transcription()
        existing = await api.create_note()
        thread = await api.create_thread()
        joined = await api.run_and_join(
            thread["thread_id"],
            "Generate a SOAP note",
            transcription_id=transcription["id"],
            clinical_note_id=existing["id"],
        )
        assert joined["clinical_note"]["transcription_id"] == transcription["id"]
        listed = await client.get(
            "/v1/clinical-notes", params={"transcription_id": transcription["id"]}
        )
        assert [n["id"] for n in listed.json()] == [existing["id"]]

    async def test_too_short_transcript_fails_the_run(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        thread = await api.create_thread()
        tid = thread["thread_id"]
        joined = await api.run_and_join(tid, "Generate a SOAP note\nhello there")
        assert joined["status"] == "failed"
        assert joined["clinical_note"] is None
        assert joined["clinical_note_id"] is None
        assert joined["error"]["code"] == "transcript_too_short"
        assert joined["error"]["message"]
        assert "hello there" not in joined["error"]["message"]
        # No assistant reply and no note.
        assert [m["role"] for m in joined["messages"]] == ["user"]
        assert (await client.get("/v1/clinical-notes")).json() == []
        run = (await client.get(f"{runs_url(tid)}/{joined['run_id']}")).json()
        assert run["status"] == "failed"
        assert run["error"] == joined["error"]

    async def test_too_short_stored_transcription_fails_the_run(self, api: Omniloy) -> None:
        transcription = await api.create_transcription("[patient] Hi.")
        thread = await api.create_thread()
        joined = await api.run_and_join(
            thread["thread_id"], "Generate a SOAP note", transcription_id=transcription["id"]
        )
        assert joined["status"] == "failed"
        assert joined["error"]["code"] == "transcript_too_short"

    async def test_thread_survives_a_failed_run(self, api: Omniloy) -> None:
        thread = await api.create_thread()
        tid = thread["thread_id"]
        failed = await api.run_and_join(tid, "ok")
        assert failed["status"] == "failed"
        joined = await api.run_and_join(tid, api.KNEE)
        assert joined["status"] == "completed"
        assert joined["clinical_note"]["template"] == "SOAP"


class TestChat:
    async def ask(
        self, api: Omniloy, question: str, **configurable: Any
    ) -> tuple[dict[str, Any], str]:
        thread = await api.create_thread()
        joined = await api.run_and_join(thread["thread_id"], question, chat=True, **configurable)
        assert joined["status"] == "completed", joined
        assert joined["kind"] == "chat"
        assert joined["clinical_note"] is None
        assert joined["clinical_note_id"] is None
        assert joined["messages"][-1]["role"] == "assistant"
        return joined, joined["messages"][-1]["content"]

    async def test_answer_grounded_in_transcription(self, api: Omniloy) -> None:
        transcription = await api.create_transcription()
        joined, answer = await self.ask(
            api, "What is the blood pressure?", transcription_id=transcription["id"]
        )
        assert "128/82" in answer
        assert [m["role"] for m in joined["messages"]] == ["user", "assistant"]

    @pytest.mark.parametrize(
        ("question", "expected"),
        [
            ("Any allergies?", "penicillin"),
            ("What was prescribed?", "naproxen"),
            ("What does the x-ray show?", "fracture"),
        ],
    )
    async def test_answers_questions(self, api: Omniloy, question: str, expected: str) -> None:
        transcription = await api.create_transcription()
        _, answer = await self.ask(api, question, transcription_id=transcription["id"])
        assert expected in answer.lower()

    async def test_denied_symptom_is_not_reported_as_present(self, api: Omniloy) -> None:
        transcription = await api.create_transcription()
        _, answer = await self.ask(
            api, "Does the patient have a fever?", transcription_id=transcription["id"]
        )
        lowered = answer.lower()
        assert "denies" in lowered or "not mention" in lowered or lowered.startswith("no")

    async def test_unmentioned_topic_is_not_invented(self, api: Omniloy) -> None:
        transcription = await api.create_transcription()
        _, answer = await self.ask(
            api, "Does the patient have diabetes?", transcription_id=transcription["id"]
        )
        assert "not mention" in answer.lower()

    async def test_follow_up_question(self, api: Omniloy) -> None:
        transcription = await api.create_transcription()
        _, answer = await self.ask(
            api, "When is the follow-up?", transcription_id=transcription["id"]
        )
        assert "two weeks" in answer.lower()

    async def test_chat_after_extraction_uses_that_transcription(self, api: Omniloy) -> None:
        _, thread, extraction = await api.extract()
        tid = thread["thread_id"]
        joined = await api.run_and_join(tid, "Any allergies?", chat=True)
        assert joined["status"] == "completed"
        assert "penicillin" in joined["messages"][-1]["content"].lower()
        # The thread keeps the whole conversation in order.
        roles = [m["role"] for m in joined["messages"]]
        assert roles == ["user", "assistant", "user", "assistant"]
        assert joined["messages"][:2] == extraction["messages"]

    async def test_chat_grounded_in_earlier_user_messages(self, api: Omniloy) -> None:
        thread = await api.create_thread()
        tid = thread["thread_id"]
        await api.run_and_join(tid, api.KNEE)
        joined = await api.run_and_join(tid, "What is the heart rate?", chat=True)
        assert "76" in joined["messages"][-1]["content"]

    async def test_chat_without_any_transcript(self, api: Omniloy) -> None:
        _, answer = await self.ask(api, "What is the blood pressure?")
        assert "128/82" not in answer
        assert "not mention" in answer.lower() or "too short" in answer.lower()

    async def test_thread_shows_the_conversation(
        self, api: Omniloy, client: httpx.AsyncClient
    ) -> None:
        transcription = await api.create_transcription()
        joined, answer = await self.ask(api, "Any allergies?", transcription_id=transcription["id"])
        thread = (await client.get(f"{THREADS}/{joined['thread_id']}")).json()
        assert thread["values"]["messages"] == [
            api.user("Any allergies?"),
            {"role": "assistant", "content": answer},
        ]


class TestDoctorHeaders:
    async def test_run_of_colleague_on_same_tenant_thread(
        self, api: Omniloy, make_client: ClientFactory
    ) -> None:
        thread = await api.create_thread()
        colleague = await make_client(x_doctor="dr_cuddy")
        response = await colleague.post(
            runs_url(thread["thread_id"]),
            json=api.run_body(thread["thread_id"], "Any allergies?"),
            headers={"x-is-chat": "true"},
        )
        assert response.status_code == 201
