"""Input the databases cannot store is a 400 in Corti's shape, and changes nothing stored.

Issue 14: a NUL in an encounter identifier or a fact was a 500 on PostgreSQL; a time such as
``0001-01-01T00:00:00+00:01`` (before year 1 in UTC) or a multipart boundary over 256 characters
was a 500 on both databases. Every case runs on both.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api.bad_input import BAD_JSON, PLACE, UNSTORABLE_TEXT, send_json, with_value
from tests.api.corti.conftest import AUDIO, Corti

OUT_OF_RANGE = ["0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01"]


class Stored:
    """An interaction with a fact, a document and a recording, made before the bad requests."""

    def __init__(self, corti: Corti, interaction: dict[str, Any]) -> None:
        self.corti = corti
        self.id = interaction["interactionId"]
        self.base = f"/v2/interactions/{self.id}"
        self.snapshot: dict[str, Any] = {}

    async def read(self) -> dict[str, Any]:
        client = self.corti.client
        paths = ("", "/facts/", "/documents/", "/recordings/", "/transcripts/")
        return {path: (await client.get(self.base + path)).json() for path in paths}

    async def assert_unchanged(self) -> None:
        assert await self.read() == self.snapshot
        listed = (await self.corti.client.get("/v2/interactions/")).json()["interactions"]
        assert [i["id"] for i in listed] == [self.id]


@pytest.fixture
async def stored(corti: Corti) -> Stored:
    """An interaction with a fact."""
    interaction = await corti.create_interaction(patient={"identifier": "p-1", "name": "A"})
    made = Stored(corti, interaction)
    facts = {"facts": [{"text": "Knee pain for three days", "group": "history"}]}
    assert (await corti.client.post(f"{made.base}/facts/", json=facts)).status_code == 201
    made.snapshot = await made.read()
    return made


@pytest.fixture
async def filled(stored: Stored) -> Stored:
    """The interaction with a document and a recording too."""
    assert (await stored.corti.document(stored.id)).status_code in (200, 201)
    await stored.corti.upload(stored.id)
    stored.snapshot = await stored.read()
    return stored


def interaction_body(**encounter: Any) -> dict[str, Any]:
    return {"encounter": Corti.encounter(**encounter), "patient": {"identifier": "p-2"}}


class TestInteractions:
    @pytest.mark.parametrize("value", UNSTORABLE_TEXT.values(), ids=list(UNSTORABLE_TEXT))
    @pytest.mark.parametrize("where", ["identifier", "title", "patient"])
    async def test_unstorable_text_on_create_and_patch(
        self, stored: Stored, where: str, value: str
    ) -> None:
        body = interaction_body(**({} if where == "patient" else {where: PLACE}))
        if where == "patient":
            body["patient"]["identifier"] = PLACE
        client = stored.corti.client
        created = await send_json(client, "POST", "/v2/interactions/", with_value(body, value))
        stored.corti.assert_error(created, 400, "A0003")
        patched = await send_json(client, "PATCH", stored.base, with_value(body, value))
        stored.corti.assert_error(patched, 400, "A0003")
        await stored.assert_unchanged()

    @pytest.mark.parametrize("value", BAD_JSON.values(), ids=list(BAD_JSON))
    async def test_bad_json_values(self, stored: Stored, value: str) -> None:
        body = interaction_body()
        body["patient"]["name"] = PLACE
        client = stored.corti.client
        created = await send_json(client, "POST", "/v2/interactions/", with_value(body, value))
        stored.corti.assert_error(created, 400, "A0003")
        await stored.assert_unchanged()

    @pytest.mark.parametrize("when", OUT_OF_RANGE)
    @pytest.mark.parametrize("field", ["startedAt", "endedAt", "birthDate"])
    async def test_times_outside_the_utc_calendar(
        self, stored: Stored, field: str, when: str
    ) -> None:
        body = interaction_body()
        if field == "birthDate":
            body["patient"]["birthDate"] = when
        else:
            body["encounter"]["period"] = {"startedAt": "2026-11-21T09:00:00Z", field: when}
        client = stored.corti.client
        detail = stored.corti.assert_error(
            await client.post("/v2/interactions/", json=body), 400, "A0003"
        )["detail"]
        assert field in detail
        stored.corti.assert_error(await client.patch(stored.base, json=body), 400, "A0003")
        await stored.assert_unchanged()

    async def test_the_first_and_last_days_in_utc_are_accepted(self, corti: Corti) -> None:
        period = {"startedAt": "0001-01-01T00:00:00Z", "endedAt": "9999-12-31T23:59:59Z"}
        created = await corti.create_interaction(encounter=Corti.encounter(period=period))
        read = (await corti.client.get(f"/v2/interactions/{created['interactionId']}")).json()
        assert read["encounter"]["period"]["startedAt"].startswith("0001-01-01T00:00:00")
        assert read["encounter"]["period"]["endedAt"].startswith("9999-12-31T23:59:59")

    @pytest.mark.parametrize(
        "url", ["/v2/interactions/?patient=%00", "/v2/templates/%00", "/v2/interactions/%00"]
    )
    async def test_a_nul_in_the_url(self, stored: Stored, url: str) -> None:
        response = await stored.corti.client.get(url)
        assert "NUL" in stored.corti.assert_error(response, 400, "A0003")["detail"]
        await stored.assert_unchanged()


class TestFactsAndDocuments:
    @pytest.mark.parametrize("value", UNSTORABLE_TEXT.values(), ids=list(UNSTORABLE_TEXT))
    async def test_fact_text(self, stored: Stored, value: str) -> None:
        client, facts = stored.corti.client, stored.snapshot["/facts/"]["facts"]
        fact_id = facts[0]["id"]
        requests = [
            ("POST", "/facts/", {"facts": [{"text": PLACE, "group": "history"}]}),
            ("PATCH", f"/facts/{fact_id}", {"text": PLACE}),
            ("PATCH", "/facts/", {"facts": [{"factId": fact_id, "text": PLACE}]}),
        ]
        for method, path, body in requests:
            response = await send_json(client, method, stored.base + path, with_value(body, value))
            stored.corti.assert_error(response, 400, "A0003")
        await stored.assert_unchanged()

    @pytest.mark.parametrize("value", UNSTORABLE_TEXT.values(), ids=list(UNSTORABLE_TEXT))
    @pytest.mark.parametrize("where", ["name", "templateKey", "context", "facts"])
    async def test_document_create(self, filled: Stored, where: str, value: str) -> None:
        body: dict[str, Any] = {
            "templateKey": "corti-soap",
            "outputLanguage": "en",
            "context": [{"type": "string", "data": Corti.VISIT}],
            "name": "Visit",
        }
        if where == "facts":
            body["context"] = [{"type": "facts", "data": [{"text": PLACE, "group": "history"}]}]
        elif where == "context":
            body["context"] = [{"type": "transcript", "data": {"text": PLACE}}]
            # A whole visit around the bad character, so only the character is wrong.
            value = value.replace("knee", json.dumps(Corti.VISIT)[1:-1])
        else:
            body[where] = PLACE
        url = f"{filled.base}/documents/"
        response = await send_json(filled.corti.client, "POST", url, with_value(body, value))
        filled.corti.assert_error(response, 400, "A0003")
        await filled.assert_unchanged()

    @pytest.mark.parametrize(
        ("section", "value"),
        [
            pytest.param({"key": "k" * 129}, "", id="key-129"),
            pytest.param({"key": "subjective", "name": "n" * 257}, "", id="name-257"),
            pytest.param({"key": PLACE}, BAD_JSON["nul"], id="key-nul"),
            pytest.param({"key": "subjective", "name": PLACE}, BAD_JSON["nul"], id="name-nul"),
            pytest.param({"key": "subjective", "text": PLACE}, BAD_JSON["nul"], id="text-nul"),
            pytest.param(
                {"key": "subjective", "text": PLACE},
                BAD_JSON["lone-surrogate"],
                id="text-surrogate",
            ),
        ],
    )
    async def test_document_update(
        self, filled: Stored, section: dict[str, Any], value: str
    ) -> None:
        document = filled.snapshot["/documents/"]["data"][0]
        url = f"{filled.base}/documents/{document['id']}"
        body = with_value({"name": "Renamed", "sections": [section]}, value)
        response = await send_json(filled.corti.client, "PATCH", url, body)
        filled.corti.assert_error(response, 400, "A0003")
        await filled.assert_unchanged()

    async def test_a_language_past_its_column(self, filled: Stored) -> None:
        response = await filled.corti.document(filled.id, outputLanguage="x" * 33)
        filled.corti.assert_error(response, 400, "A0003")
        recording = filled.snapshot["/recordings/"]["recordings"][0]
        body = {"recordingId": recording, "primaryLanguage": "x" * 33}
        transcribed = await filled.corti.client.post(f"{filled.base}/transcripts/", json=body)
        filled.corti.assert_error(transcribed, 400, "A0003")
        await filled.assert_unchanged()


class TestUploads:
    async def test_a_boundary_over_256_characters(self, filled: Stored) -> None:
        boundary = "b" * 257
        response = await filled.corti.client.post(
            f"{filled.base}/recordings/",
            content=form(boundary, 'name="file"; filename="a.wav"'),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert "boundary" in filled.corti.assert_error(response, 400, "A0003")["detail"]
        await filled.assert_unchanged()

    async def test_a_content_type_past_its_column(self, filled: Stored) -> None:
        audio = (AUDIO / "clip.mono.wav").read_bytes()
        long_type = "audio/wav; x=" + "y" * 200
        client, url = filled.corti.client, f"{filled.base}/recordings/"
        raw = await client.post(url, content=audio, headers={"Content-Type": long_type})
        filled.corti.assert_error(raw, 400, "A0003")
        in_form = await client.post(url, files={"file": ("a.wav", audio, long_type)})
        filled.corti.assert_error(in_form, 400, "A0003")
        await filled.assert_unchanged()

    async def test_a_nul_in_the_file_name(self, filled: Stored) -> None:
        # httpx would write the NUL as %00; a raw client sends the byte (with real audio).
        audio = (AUDIO / "clip.mono.wav").read_bytes()
        response = await filled.corti.client.post(
            f"{filled.base}/recordings/",
            content=form("x" * 16, 'name="file"; filename="a\x00.wav"', audio),
            headers={"Content-Type": "multipart/form-data; boundary=" + "x" * 16},
        )
        filled.corti.assert_error(response, 400, "A0003")
        await filled.assert_unchanged()


def form(boundary: str, disposition: str, audio: bytes = b"RIFF") -> bytes:
    """A one-part multipart body carrying ``audio``."""
    head = f"--{boundary}\r\nContent-Disposition: form-data; {disposition}\r\n"
    head += "Content-Type: audio/wav\r\n\r\n"
    return head.encode() + audio + f"\r\n--{boundary}--\r\n".encode()
