"""Input the databases cannot store is a 400 in Omniloy's shape, and changes nothing stored.

Issue 14: on PostgreSQL a NUL, NaN, an over-long x-doctor or template was a 500; on SQLite a lone
surrogate or a deeply nested note was. Every case runs on both databases.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.api.bad_input import BAD_JSON, PLACE, UNSTORABLE_TEXT, send_json, with_value

if TYPE_CHECKING:
    from tests.api.omniloy.conftest import Omniloy

NOTES = "/v1/clinical-notes"
THREADS = "/v1/lang-graph/threads"
CONTENT = {"subjective": "Knee pain for three days.", "vitals": {"pulse": 72, "temp": 37.1}}


class Stored:
    """A transcription and a note made before the bad requests, and how to see they are intact."""

    def __init__(self, api: Omniloy, transcription: dict[str, Any], note: dict[str, Any]) -> None:
        self.api, self.transcription, self.note = api, transcription, note

    async def assert_unchanged(self) -> None:
        client = self.api.client
        assert await self.api.get_note(self.note["id"]) == self.note
        listed = await client.get(NOTES)
        assert [n["id"] for n in listed.json()] == [self.note["id"]]
        again = await client.get(f"/v1/transcriptions/{self.transcription['id']}")
        assert again.json() == self.transcription


@pytest.fixture
async def stored(api: Omniloy) -> Stored:
    transcription = await api.create_transcription("Doctor: what brings you in? Patient: my knee.")
    note = await api.create_note(
        transcription_id=transcription["id"],
        template="SOAP",
        ai_generated_content=CONTENT,
        feedback="good",
        report_thread_id="thread-1",
    )
    return Stored(api, transcription, note)


def note_with(**fields: Any) -> dict[str, Any]:
    return {"template": "SOAP", "ai_generated_content": CONTENT, **fields}


class TestNoteJson:
    @pytest.mark.parametrize("value", BAD_JSON.values(), ids=list(BAD_JSON))
    async def test_create_with_a_bad_value_in_the_content(self, stored: Stored, value: str) -> None:
        body = note_with(ai_generated_content={"subjective": "ok", "plan": {"dose": PLACE}})
        response = await send_json(stored.api.client, "POST", NOTES, with_value(body, value))
        message = stored.api.assert_error(response, 400)
        assert "not valid JSON" in message
        await stored.assert_unchanged()

    @pytest.mark.parametrize("value", BAD_JSON.values(), ids=list(BAD_JSON))
    async def test_patch_with_a_bad_value_changes_nothing(self, stored: Stored, value: str) -> None:
        body = {"ai_generated_content": {"plan": [PLACE]}, "feedback": "changed"}
        url = f"{NOTES}/{stored.note['id']}"
        response = await send_json(stored.api.client, "PATCH", url, with_value(body, value))
        stored.api.assert_error(response, 400)
        await stored.assert_unchanged()

    @pytest.mark.parametrize("key", UNSTORABLE_TEXT.values(), ids=list(UNSTORABLE_TEXT))
    async def test_a_bad_key_in_the_content(self, stored: Stored, key: str) -> None:
        text = with_value(note_with(ai_generated_content={PLACE: "knee"}), key)
        response = await send_json(stored.api.client, "POST", NOTES, text)
        stored.api.assert_error(response, 400)
        await stored.assert_unchanged()

    async def test_64_levels_of_content_are_kept(self, api: Omniloy) -> None:
        deep: Any = "bottom"
        for _ in range(63):  # the body is the 64th level
            deep = {"more": deep}
        note = await api.create_note(template="SOAP", ai_generated_content=deep)
        assert (await api.get_note(note["id"]))["ai_generated_content"] == deep


class TestTextFields:
    @pytest.mark.parametrize("value", UNSTORABLE_TEXT.values(), ids=list(UNSTORABLE_TEXT))
    @pytest.mark.parametrize(
        "field", ["template", "feedback", "report_thread_id", "report_run_id", "transcription_id"]
    )
    async def test_note_create_and_patch(self, stored: Stored, field: str, value: str) -> None:
        sent = [PLACE] if field == "report_run_id" else PLACE
        client = stored.api.client
        response = await send_json(
            client, "POST", NOTES, with_value(note_with(**{field: sent}), value)
        )
        stored.api.assert_error(response, 400)
        if field != "transcription_id":
            url = f"{NOTES}/{stored.note['id']}"
            patch = await send_json(client, "PATCH", url, with_value({field: sent}, value))
            stored.api.assert_error(patch, 400)
        await stored.assert_unchanged()

    @pytest.mark.parametrize("value", UNSTORABLE_TEXT.values(), ids=list(UNSTORABLE_TEXT))
    @pytest.mark.parametrize("field", ["original_transcript", "language_used"])
    async def test_transcription(self, stored: Stored, field: str, value: str) -> None:
        body = {"duration_seconds": 3, "original_transcript": "Patient: my knee.", field: PLACE}
        client = stored.api.client
        response = await send_json(
            client, "POST", "/v1/transcriptions/create", with_value(body, value)
        )
        stored.api.assert_error(response, 400)
        await stored.assert_unchanged()

    @pytest.mark.parametrize("value", UNSTORABLE_TEXT.values(), ids=list(UNSTORABLE_TEXT))
    @pytest.mark.parametrize("where", ["message", "transcription_id", "template"])
    async def test_run(self, stored: Stored, where: str, value: str) -> None:
        thread = await stored.api.create_thread()
        tid = thread["thread_id"]
        configurable = {"transcription_id": stored.transcription["id"]}
        if where != "message":
            configurable[where] = PLACE
        body = stored.api.run_body(tid, PLACE if where == "message" else "write the note")
        body["config"]["configurable"].update(configurable)
        response = await send_json(
            stored.api.client, "POST", f"{THREADS}/{tid}/runs", with_value(body, value)
        )
        stored.api.assert_error(response, 400)
        runs = await stored.api.client.get(f"{THREADS}/{tid}/runs")
        assert runs.json() == []
        await stored.assert_unchanged()

    @pytest.mark.parametrize("value", UNSTORABLE_TEXT.values(), ids=list(UNSTORABLE_TEXT))
    async def test_codify_note(self, api: Omniloy, value: str) -> None:
        body = {"medical_note": PLACE}
        response = await send_json(api.client, "POST", "/v1/codify", with_value(body, value))
        api.assert_error(response, 400)


class TestLengthsOfTheColumns:
    @pytest.mark.parametrize(("field", "longest"), [("template", 128), ("report_thread_id", 64)])
    async def test_one_past_the_column_is_400(
        self, stored: Stored, field: str, longest: int
    ) -> None:
        client = stored.api.client
        response = await client.post(NOTES, json=note_with(**{field: "t" * (longest + 1)}))
        assert str(longest) in stored.api.assert_error(response, 400)
        patch = await client.patch(f"{NOTES}/{stored.note['id']}", json={field: "t" * 999})
        stored.api.assert_error(patch, 400)
        await stored.assert_unchanged()

    @pytest.mark.parametrize(("field", "longest"), [("template", 128), ("report_thread_id", 64)])
    async def test_the_column_length_is_accepted(
        self, api: Omniloy, field: str, longest: int
    ) -> None:
        note = await api.create_note(**note_with(**{field: "t" * longest}))
        assert note[field] == "t" * longest

    async def test_language_past_its_column_is_400(self, stored: Stored) -> None:
        body = {
            "duration_seconds": 3,
            "original_transcript": "Patient: knee.",
            "language_used": "e" * 33,
        }
        response = await stored.api.client.post("/v1/transcriptions/create", json=body)
        stored.api.assert_error(response, 400)
        await stored.assert_unchanged()


class TestHeaders:
    @pytest.mark.parametrize("header", ["x-doctor", "x-patient"])
    @pytest.mark.parametrize(
        ("method", "path", "body"),
        [
            ("GET", NOTES, None),
            ("POST", NOTES, note_with()),
            ("POST", THREADS, {}),
            ("POST", "/v1/codify", {"medical_note": "Knee pain."}),
        ],
    )
    async def test_over_256_characters_is_400(
        self, stored: Stored, header: str, method: str, path: str, body: Any
    ) -> None:
        response = await stored.api.client.request(
            method, path, json=body, headers={header: "d" * 257}
        )
        assert header in stored.api.assert_error(response, 400)
        await stored.assert_unchanged()

    @pytest.mark.parametrize("header", ["x-doctor", "x-patient"])
    async def test_256_characters_are_accepted(self, api: Omniloy, header: str) -> None:
        response = await api.client.post(NOTES, json=note_with(), headers={header: "d" * 256})
        assert response.status_code == 201, response.text


class TestUrls:
    @pytest.mark.parametrize(
        "url",
        [
            f"{NOTES}?transcription_id=%00",
            f"{NOTES}?transcription_id=knee%00",
            f"{NOTES}/%00",
            "/v1/transcriptions/abc%00",
            f"{THREADS}/%00",
            f"{THREADS}/%00/runs",
        ],
    )
    async def test_a_nul_is_400(self, stored: Stored, url: str) -> None:
        response = await stored.api.client.get(url)
        assert "NUL" in stored.api.assert_error(response, 400)
        await stored.assert_unchanged()

    async def test_an_escaped_percent_is_not_a_nul(self, api: Omniloy) -> None:
        response = await api.client.get(f"{NOTES}?transcription_id=%2500")
        assert response.status_code == 200
        assert response.json() == []


def test_bad_values_are_sent_as_raw_json_text() -> None:
    assert with_value({"a": [PLACE]}, BAD_JSON["nan"]) == '{"a": [NaN]}'
    assert with_value({PLACE: 1}, BAD_JSON["nul"]) == '{"knee\\u0000pain": 1}'
