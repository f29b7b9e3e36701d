"""Template lists and OpenAPI documents carry an ETag; a client sending it back gets 304; a
tenant's change to its templates changes its tag (and no other tenant's)."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from scribe.auth.models import AuditRecord
from scribe.runtime import Runtime
from tests.api.corti.conftest import Corti
from tests.api.corti.test_corti_templates import define_own
from tests.conftest import client_for

LIST = "/v2/templates/"


async def tagged(client: httpx.AsyncClient, path: str, **headers: str) -> httpx.Response:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200
    assert response.headers["etag"].startswith('"')
    return response


class TestTemplateLists:
    async def test_the_tag_sent_back_answers_304_without_a_body(self, corti: Corti) -> None:
        first = await tagged(corti.client, LIST)

        again = await corti.client.get(LIST, headers={"If-None-Match": first.headers["etag"]})

        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == first.headers["etag"]

    async def test_a_stale_or_weak_tag(self, corti: Corti) -> None:
        first = await tagged(corti.client, LIST)
        etag = first.headers["etag"]

        stale = await tagged(corti.client, LIST, **{"If-None-Match": '"other"'})
        weak = await corti.client.get(LIST, headers={"If-None-Match": f'"x", W/{etag}'})

        assert stale.json() == first.json()
        assert weak.status_code == 304

    async def test_the_cached_answer_is_the_rendered_one(self, corti: Corti) -> None:
        first = await tagged(corti.client, LIST, **{"If-None-Match": '"nothing"'})
        second = await tagged(corti.client, LIST)

        assert second.json() == first.json()
        assert {t["key"] for t in second.json()["data"]} >= {"corti-soap"}

    async def test_query_is_part_of_the_tag(self, corti: Corti) -> None:
        everything = await tagged(corti.client, LIST)
        own = await tagged(corti.client, LIST + "?org=mine")

        assert everything.headers["etag"] != own.headers["etag"]
        assert own.json() == {"data": []}

    async def test_a_template_defined_changes_the_tag_and_the_list(
        self, corti: Corti, other_corti: Corti, runtime: Runtime
    ) -> None:
        before = await tagged(corti.client, LIST)
        others_before = await tagged(other_corti.client, LIST)

        await define_own(runtime, corti)

        after = await corti.client.get(LIST, headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200
        assert "clinic-follow-up" in {t["key"] for t in after.json()["data"]}
        others = await other_corti.client.get(
            LIST, headers={"If-None-Match": others_before.headers["etag"]}
        )
        assert others.status_code == 304

    async def test_tags_are_per_tenant(self, corti: Corti, other_corti: Corti) -> None:
        mine = await tagged(corti.client, LIST)

        theirs = await other_corti.client.get(LIST, headers={"If-None-Match": mine.headers["etag"]})

        assert theirs.status_code == 200

    async def test_a_304_is_audited_as_one(self, corti: Corti, runtime: Runtime) -> None:
        first = await tagged(corti.client, LIST)
        headers = {"If-None-Match": first.headers["etag"], "x-request-id": "etag-304"}
        assert (await corti.client.get(LIST, headers=headers)).status_code == 304
        await runtime.audits.flush()

        async with runtime.sessionmaker() as session:
            outcome = await session.scalar(
                select(AuditRecord.outcome).where(AuditRecord.request_id == "etag-304")
            )
        assert outcome == "304"

    async def test_credentials_are_still_required(self, corti: Corti, app: FastAPI) -> None:
        first = await tagged(corti.client, LIST)
        async with client_for(app, None) as anonymous:
            answer = await anonymous.get(LIST, headers={"If-None-Match": first.headers["etag"]})
        assert answer.status_code == 401


class TestOpenAPIDocuments:
    async def test_documents_answer_304_to_their_tag(self, corti: Corti) -> None:
        for path in ("/openapi.json", "/openapi/invox.json", "/openapi/corti.json"):
            first = await tagged(corti.client, path)
            again = await corti.client.get(path, headers={"If-None-Match": first.headers["etag"]})
            assert again.status_code == 304, path
        whole = (await corti.client.get("/openapi.json")).json()
        invox = (await corti.client.get("/openapi/invox.json")).json()
        assert set(invox["paths"]) < set(whole["paths"])
