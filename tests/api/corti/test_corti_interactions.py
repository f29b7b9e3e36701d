"""Corti interactions: create, read, list (sort, filters, pages), partial update, delete."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from scribe.notes.models import Note
from scribe.recordings.models import Recording
from scribe.runtime import Runtime
from scribe.transcripts.models import Transcript
from tests.api.corti.conftest import Corti, assert_error, encounter

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
INTERACTION_KEYS = {
    "id",
    "assignedUserId",
    "encounter",
    "patient",
    "endedAt",
    "createdAt",
    "updatedAt",
    "websocketUrl",
    "lastUpdated",
}
UNKNOWN = "00000000-0000-4000-8000-000000000000"
PATIENT = {
    "identifier": "pat-1",
    "name": "Jane Thompson",
    "gender": "female",
    "birthDate": "1980-05-17T00:00:00Z",
    "pronouns": "she/her",
}


async def get(corti: Corti, interaction_id: str) -> dict[str, Any]:
    response = await corti.client.get(f"/v2/interactions/{interaction_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def listed(corti: Corti, **params: Any) -> list[dict[str, Any]]:
    response = await corti.client.get("/v2/interactions/", params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["interactions"]
    return items


class TestCreate:
    async def test_answers_201_with_the_ids_and_the_stream_url_under_both_names(
        self, corti: Corti
    ) -> None:
        response = await corti.client.post("/v2/interactions/", json={"encounter": encounter()})
        assert response.status_code == 201, response.text
        body = response.json()
        assert set(body) == {"interactionId", "websocketUrl", "id", "wssUrl"}
        assert uuid.UUID(body["interactionId"])
        assert body["id"] == body["interactionId"]
        assert body["wssUrl"] == body["websocketUrl"]
        assert body["websocketUrl"] == (
            f"ws://scribe.test/audio-bridge/v2/interactions/{body['id']}/streams"
            f"?tenant-name={corti.key.tenant_name}"
        )

    async def test_the_stream_url_is_wss_behind_https(self, app: FastAPI, corti: Corti) -> None:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="https://scribe.example",
            headers=corti.client.headers,
        ) as client:
            response = await client.post("/v2/interactions", json={"encounter": encounter()})
        assert response.status_code == 201, response.text
        assert response.json()["websocketUrl"].startswith(
            "wss://scribe.example/audio-bridge/v2/interactions/"
        )

    async def test_the_interaction_reads_back_as_sent(self, corti: Corti) -> None:
        created = await corti.create_interaction(
            encounter=encounter(period={"startedAt": "2026-11-21T09:00:00Z"}), patient=PATIENT
        )
        body = await get(corti, created["interactionId"])
        assert set(body) == INTERACTION_KEYS
        assert body["id"] == created["interactionId"]
        assert body["websocketUrl"] == created["websocketUrl"]
        assert body["encounter"] == {
            "identifier": "enc-1",
            "status": "planned",
            "type": "first_consultation",
            "period": {"startedAt": "2026-11-21T09:00:00.000Z", "endedAt": None},
            "title": "Knee pain",
        }
        assert body["patient"] == {**PATIENT, "birthDate": "1980-05-17T00:00:00.000Z"}
        assert body["endedAt"] is None
        for key in ("createdAt", "updatedAt", "lastUpdated"):
            assert TIMESTAMP.match(body[key]), body[key]

    async def test_a_plain_birth_date_and_times_with_offsets_are_accepted(
        self, corti: Corti
    ) -> None:
        created = await corti.create_interaction(
            encounter=encounter(period={"startedAt": "2026-11-21T10:00:00+01:00"}),
            patient={"identifier": "p", "birthDate": "1980-05-17"},
        )
        body = await get(corti, created["id"])
        assert body["encounter"]["period"]["startedAt"] == "2026-11-21T09:00:00.000Z"
        assert body["patient"]["birthDate"] == "1980-05-17T00:00:00.000Z"

    async def test_optional_parts_get_defaults(self, corti: Corti) -> None:
        bare = {key: value for key, value in encounter().items() if key != "period"}
        created = await corti.create_interaction(encounter=bare)
        body = await get(corti, created["id"])
        assert TIMESTAMP.match(body["encounter"]["period"]["startedAt"])
        assert body["patient"]["identifier"] == ""
        # Corti fills the assigned user with the caller's id: ours is a UUID per API client.
        assert uuid.UUID(body["assignedUserId"])
        again = await get(corti, (await corti.create_interaction())["id"])
        assert again["assignedUserId"] == body["assignedUserId"]

    async def test_a_given_assigned_user_is_kept(self, corti: Corti) -> None:
        user = str(uuid.uuid4())
        created = await corti.create_interaction(assignedUserId=user)
        assert (await get(corti, created["id"]))["assignedUserId"] == user

    async def test_an_assigned_user_that_is_not_a_uuid_is_a_0008(self, corti: Corti) -> None:
        response = await corti.client.post(
            "/v2/interactions/", json={"encounter": encounter(), "assignedUserId": "dr-house"}
        )
        body = assert_error(response, 400, "A0008")
        assert "assignedUserId" in body["detail"]

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"encounter": encounter(status="open")}, "encounter.status"),
            ({"encounter": encounter(type="telephone")}, "encounter.type"),
            ({"encounter": encounter(), "patient": {"identifier": "p", "gender": "f"}}, "gender"),
            ({"encounter": encounter(identifier=42)}, "encounter.identifier"),
            ({"encounter": encounter(period={"startedAt": "yesterday"})}, "startedAt"),
            ({"encounter": encounter(title="x" * 600)}, "encounter.title"),
            ({"patient": {"identifier": "p"}}, "encounter"),
            ({"encounter": encounter(), "patient": {"name": "Jane"}}, "patient.identifier"),
        ],
    )
    async def test_bad_fields_are_a_0003_naming_the_field(
        self, corti: Corti, payload: dict[str, Any], field: str
    ) -> None:
        response = await corti.client.post("/v2/interactions/", json=payload)
        body = assert_error(response, 400, "A0003")
        assert field in body["detail"]

    async def test_malformed_json_is_a_0003(self, corti: Corti) -> None:
        response = await corti.client.post(
            "/v2/interactions/",
            content=b'{"encounter": ',
            headers={"Content-Type": "application/json"},
        )
        body = assert_error(response, 400, "A0003")
        assert "JSON" in body["detail"]


class TestGet:
    async def test_unknown_and_malformed_ids(self, corti: Corti) -> None:
        assert_error(await corti.client.get(f"/v2/interactions/{UNKNOWN}"), 404, "A0007")
        assert_error(await corti.client.get("/v2/interactions/not-a-uuid"), 400, "A0008")

    async def test_another_tenants_interaction_is_not_found(
        self, corti: Corti, other_corti: Corti
    ) -> None:
        theirs = await other_corti.create_interaction()
        response = await corti.client.get(f"/v2/interactions/{theirs['id']}")
        body = assert_error(response, 404, "A0007")
        unknown = await corti.client.get(f"/v2/interactions/{UNKNOWN}")
        assert body["detail"] == unknown.json()["detail"]

    async def test_the_trailing_slash_is_optional(self, corti: Corti) -> None:
        created = await corti.create_interaction()
        response = await corti.client.get(f"/v2/interactions/{created['id']}/")
        assert response.status_code == 200, response.text


class TestUpdate:
    async def test_only_the_given_fields_change(self, corti: Corti) -> None:
        created = await corti.create_interaction(patient=PATIENT)
        before = await get(corti, created["id"])
        response = await corti.client.patch(
            f"/v2/interactions/{created['id']}",
            json={"encounter": {"status": "in-progress"}, "patient": {"pronouns": "they/them"}},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["encounter"] == {**before["encounter"], "status": "in-progress"}
        assert body["patient"] == {**before["patient"], "pronouns": "they/them"}
        assert body["updatedAt"] >= before["updatedAt"]
        assert await get(corti, created["id"]) == body

    async def test_each_encounter_field_can_change(self, corti: Corti) -> None:
        created = await corti.create_interaction()
        user = str(uuid.uuid4())
        changes = {
            "identifier": "enc-2",
            "type": "emergency",
            "title": None,
            "period": {"startedAt": "2026-11-20T08:00:00Z", "endedAt": "2026-11-20T08:30:00Z"},
        }
        response = await corti.client.patch(
            f"/v2/interactions/{created['id']}",
            json={"encounter": changes, "assignedUserId": user, "patient": {"identifier": "p2"}},
        )
        body = response.json()
        assert body["encounter"]["identifier"] == "enc-2"
        assert body["encounter"]["type"] == "emergency"
        assert body["encounter"]["title"] is None
        assert body["encounter"]["period"] == {
            "startedAt": "2026-11-20T08:00:00.000Z",
            "endedAt": "2026-11-20T08:30:00.000Z",
        }
        assert body["endedAt"] == "2026-11-20T08:30:00.000Z"
        assert body["assignedUserId"] == user
        assert body["patient"]["identifier"] == "p2"

    async def test_completing_an_interaction_ends_it(self, corti: Corti) -> None:
        created = await corti.create_interaction()
        response = await corti.client.patch(
            f"/v2/interactions/{created['id']}/", json={"encounter": {"status": "completed"}}
        )
        body = response.json()
        assert body["encounter"]["status"] == "completed"
        assert TIMESTAMP.match(body["endedAt"])
        assert body["encounter"]["period"]["endedAt"] == body["endedAt"]

    async def test_bad_values_are_refused_and_nothing_changes(self, corti: Corti) -> None:
        created = await corti.create_interaction()
        for payload, field in [
            ({"encounter": {"status": "done"}}, "encounter.status"),
            ({"patient": {"gender": "m"}}, "patient.gender"),
            ({"encounter": {"title": 7}}, "encounter.title"),
        ]:
            response = await corti.client.patch(f"/v2/interactions/{created['id']}", json=payload)
            assert field in assert_error(response, 400, "A0003")["detail"]
        assert (await get(corti, created["id"]))["encounter"]["status"] == "planned"

    async def test_unknown_malformed_and_foreign_ids(
        self, corti: Corti, other_corti: Corti
    ) -> None:
        theirs = await other_corti.create_interaction()
        patch = {"encounter": {"status": "cancelled"}}
        for target, status, code in [
            (UNKNOWN, 404, "A0007"),
            ("123", 400, "A0008"),
            (theirs["id"], 404, "A0007"),
        ]:
            response = await corti.client.patch(f"/v2/interactions/{target}", json=patch)
            assert_error(response, status, code)
        assert (await get(other_corti, theirs["id"]))["encounter"]["status"] == "planned"


class TestList:
    async def test_lists_only_the_tenants_interactions(
        self, corti: Corti, other_corti: Corti
    ) -> None:
        mine = await corti.create_interaction()
        await other_corti.create_interaction()
        items = await listed(corti, pageSize=100)
        assert [item["id"] for item in items] == [mine["id"]]
        assert set(items[0]) == INTERACTION_KEYS

    async def test_pages_by_index_until_an_empty_page(self, corti: Corti) -> None:
        ids = {(await corti.create_interaction())["id"] for _ in range(5)}
        pages = [await listed(corti, pageSize=2, index=index) for index in (1, 2, 3, 4)]
        assert [len(page) for page in pages] == [2, 2, 1, 0]
        assert {item["id"] for page in pages for item in page} == ids
        assert len(await listed(corti)) == 5  # the default page holds 10

    @pytest.mark.parametrize("sort", ["startedAt", "endedAt"])
    async def test_sorts_by_period_both_ways(self, corti: Corti, sort: str) -> None:
        for day in (3, 1, 2):
            period = {"startedAt": f"2026-11-0{day}T09:00:00Z", "endedAt": None}
            if sort == "endedAt":
                period["endedAt"] = f"2026-11-0{day}T10:00:00Z"
            await corti.create_interaction(encounter=encounter(period=period))

        async def days(**params: str) -> list[str]:
            items = await listed(corti, sort=sort, **params)
            return [item["encounter"]["period"][sort][8:10] for item in items]

        assert await days(direction="asc") == ["01", "02", "03"]
        assert await days() == ["03", "02", "01"]

    @pytest.mark.parametrize("sort", ["updatedAt", "lastUpdated"])
    async def test_sorts_by_last_change(self, corti: Corti, sort: str) -> None:
        created = [(await corti.create_interaction())["id"] for _ in range(3)]
        for title, interaction_id in zip("abc", reversed(created), strict=True):
            response = await corti.client.patch(
                f"/v2/interactions/{interaction_id}", json={"encounter": {"title": title}}
            )
            assert response.status_code == 200

        async def titles(**params: str) -> list[str]:
            return [item["encounter"]["title"] for item in await listed(corti, sort=sort, **params)]

        assert await titles(direction="asc") == ["a", "b", "c"]
        assert await titles(direction="desc") == ["c", "b", "a"]

    async def test_newest_first_by_default(self, corti: Corti) -> None:
        first = await corti.create_interaction()
        second = await corti.create_interaction()
        items = await listed(corti)
        assert [item["id"] for item in items] == [second["id"], first["id"]]
        ascending = await listed(corti, sort="createdAt", direction="asc")
        assert [item["id"] for item in ascending] == [first["id"], second["id"]]

    async def test_filters_by_statuses_and_patient(self, corti: Corti) -> None:
        planned = await corti.create_interaction(patient={"identifier": "p-1"})
        on_hold = await corti.create_interaction(
            encounter=encounter(status="on-hold"), patient={"identifier": "p-2"}
        )
        await corti.create_interaction(encounter=encounter(status="cancelled"))
        response = await corti.client.get(
            "/v2/interactions?encounterStatus=planned&encounterStatus=on-hold"
        )
        ids = {item["id"] for item in response.json()["interactions"]}
        assert ids == {planned["id"], on_hold["id"]}
        by_patient = await listed(corti, patient="p-2")
        assert [item["id"] for item in by_patient] == [on_hold["id"]]

    @pytest.mark.parametrize(
        ("params", "name"),
        [
            ({"sort": "title"}, "sort"),
            ({"direction": "up"}, "direction"),
            ({"pageSize": 0}, "pageSize"),
            ({"pageSize": "ten"}, "pageSize"),
            ({"pageSize": 100_000}, "pageSize"),
            ({"index": 0}, "index"),
            ({"index": -1}, "index"),
            ({"encounterStatus": "open"}, "encounterStatus"),
        ],
    )
    async def test_a_bad_query_is_a_0013_naming_the_parameter(
        self, corti: Corti, params: dict[str, Any], name: str
    ) -> None:
        response = await corti.client.get("/v2/interactions/", params=params)
        assert name in assert_error(response, 400, "A0013")["detail"]


class TestDelete:
    async def test_deletes_with_recordings_transcripts_and_documents(
        self, corti: Corti, runtime: Runtime
    ) -> None:
        created = await corti.create_interaction()
        interaction_id = created["id"]
        recording_id = await corti.upload(interaction_id)
        await corti.transcribe(interaction_id, recording_id)
        async with runtime.sessionmaker() as session:
            recording = await session.get_one(Recording, recording_id)
            session.add(
                Note(
                    tenant_id=recording.tenant_id,
                    encounter_id=interaction_id,
                    template_key="corti-soap",
                )
            )
            await session.commit()
        blob = runtime.blobs.path(recording.blob_key)
        assert blob.is_file()

        response = await corti.client.delete(f"/v2/interactions/{interaction_id}")
        assert response.status_code == 204
        assert response.content == b""
        assert_error(await corti.client.get(f"/v2/interactions/{interaction_id}"), 404, "A0007")
        assert not blob.exists()
        async with runtime.sessionmaker() as session:
            for model in (Recording, Transcript, Note):
                count = await session.scalar(
                    select(func.count())
                    .select_from(model)
                    .where(model.encounter_id == interaction_id)
                )
                assert count == 0, model

    async def test_another_tenants_interaction_cannot_be_deleted(
        self, corti: Corti, other_corti: Corti
    ) -> None:
        theirs = await other_corti.create_interaction()
        assert_error(await corti.client.delete(f"/v2/interactions/{theirs['id']}"), 404, "A0007")
        assert_error(await corti.client.delete(f"/v2/interactions/{UNKNOWN}"), 404, "A0007")
        assert_error(await corti.client.delete("/v2/interactions/x"), 400, "A0008")
        assert (await get(other_corti, theirs["id"]))["id"] == theirs["id"]
