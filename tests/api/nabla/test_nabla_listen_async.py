"""listen_async end to end: a local server serves the audio and receives the signed callbacks."""

from __future__ import annotations

import asyncio
import json
import uuid

from sqlalchemy import func, select

from scribe.async_requests.models import AsyncRequest, RequestStatus
from scribe.clinical import catalogue
from scribe.jobs.models import Job
from scribe.webhooks.models import WebhookAttempt
from scribe.webhooks.signing import verify
from tests.api.nabla.conftest import Nabla, assert_error

TEMPLATE_KEYS = [s.key for s in catalogue.find("nabla", "GENERAL_MEDICINE").sections]  # type: ignore[union-attr]


def assert_transcript(items: list[dict[str, object]]) -> None:
    assert items
    for item in items:
        assert set(item) == {"text", "speaker", "start_time_ms", "end_time_ms"}
        assert item["speaker"] in {"doctor", "patient", "unspecified"}
        start, end = item["start_time_ms"], item["end_time_ms"]
        assert isinstance(start, int)
        assert isinstance(end, int)
        assert 0 <= start <= end
        assert isinstance(item["text"], str)
        assert item["text"]


class TestSuccess:
    async def test_callback_carries_transcript_and_note(self, nabla: Nabla) -> None:
        hook, url = nabla.hook()
        client_id = str(uuid.uuid4())
        accepted = await nabla.listen_async(
            **nabla.body("visit.ogg", url, client_request_id=client_id)
        )
        assert set(accepted) == {"request_id", "client_request_id"}
        assert accepted["client_request_id"] == client_id
        assert accepted["request_id"] == accepted["request_id"].upper()
        body = await nabla.callback(hook)
        assert list(body) == ["id", "client_request_id", "transcript", "note"]
        assert body["id"] == accepted["request_id"]
        assert body["client_request_id"] == client_id
        assert_transcript(body["transcript"])
        assert "knee" in " ".join(i["text"] for i in body["transcript"]).lower()
        keys = [s["key"] for s in body["note"]["sections"]]
        assert keys
        assert keys == [k for k in TEMPLATE_KEYS if k in keys]
        assert body["note"]["sections"][0]["title"] == "Chief complaint"
        assert "knee" in body["note"]["title"].lower()

    async def test_callback_is_signed_with_the_tenant_secret(self, nabla: Nabla) -> None:
        hook, url = nabla.hook()
        await nabla.listen_async(**nabla.body("clip.wav", url, output_objects=["transcript_item"]))
        headers, raw = (await nabla.callbacks(hook))[0]
        assert verify(await nabla.secret(), raw, headers["x-scribe-signature"])
        assert headers["x-scribe-delivery-id"]
        assert headers["content-type"] == "application/json"

    async def test_only_the_requested_objects(self, nabla: Nabla) -> None:
        hook, url = nabla.hook()
        await nabla.listen_async(
            **nabla.body(
                "clip.mp3", url, output_objects=["transcript_item"], split_by_sentence=True
            )
        )
        body = await nabla.callback(hook)
        assert list(body) == ["id", "client_request_id", "transcript"]
        assert body["client_request_id"] is None
        assert_transcript(body["transcript"])
        # Sentences of one segment share its span, back to back.
        assert body["transcript"][0]["text"].lower().startswith("hi")

    async def test_status_follows_the_request(self, nabla: Nabla) -> None:
        hook, url = nabla.hook()
        accepted = await nabla.listen_async(**nabla.body("visit.ogg", url))
        body = await nabla.callback(hook)
        state = await nabla.client.get(f"{nabla.BASE}/listen_async/{accepted['request_id']}")
        assert state.status_code == 200, state.text
        assert state.json() == {
            "id": accepted["request_id"],
            "client_request_id": None,
            "status": "succeeded",
            "payload": body,
            "progress": 1.0,
        }

    async def test_status_shows_the_fraction_done_while_ongoing(self, nabla: Nabla) -> None:
        hook, url = nabla.hook()
        accepted = await nabla.listen_async(**nabla.body("visit.ogg", url))
        await nabla.callback(hook)
        # Put the rows back where a running job leaves them: 45 % done.
        async with nabla.runtime.sessionmaker() as session:
            request = await session.get_one(AsyncRequest, accepted["request_id"].lower())
            request.status, request.result = RequestStatus.PROCESSING, None
            job = await session.get_one(Job, request.job_id)
            job.progress = 0.45
            await session.commit()
        state = await nabla.client.get(f"{nabla.BASE}/listen_async/{accepted['request_id']}")
        assert state.json()["status"] == "ongoing"
        assert state.json()["progress"] == 0.45

    async def test_root_alias(self, nabla: Nabla) -> None:
        hook, url = nabla.hook()
        body = nabla.body("clip.wav", url, output_objects=["transcript_item"])
        accepted = await nabla.listen_async("/listen_async", **body)
        assert (await nabla.callback(hook))["id"] == accepted["request_id"]
        state = await nabla.client.get(f"/listen_async/{accepted['request_id'].lower()}")
        assert state.json()["status"] == "succeeded"


class TestErrorCallbacks:
    async def test_transcript_too_short_for_a_note_is_422(self, nabla: Nabla) -> None:
        hook, url = nabla.hook()
        accepted = await nabla.listen_async(**nabla.body("clip.wav", url, client_request_id="c1"))
        body = await nabla.callback(hook)
        assert body == {
            "id": accepted["request_id"],
            "client_request_id": "c1",
            "error": {"code": 422, "message": nabla.TOO_SHORT},
        }
        state = await nabla.client.get(f"{nabla.BASE}/listen_async/{accepted['request_id']}")
        assert state.json()["status"] == "failed"
        assert state.json()["payload"] == body

    async def test_file_url_not_found(self, nabla: Nabla) -> None:
        hook, url = nabla.hook()
        await nabla.listen_async(**nabla.body("missing.wav", url))
        error = (await nabla.callback(hook))["error"]
        assert error["code"] == 400
        assert "404" in error["message"]

    async def test_not_audio(self, nabla: Nabla) -> None:
        hook, url = nabla.hook()
        await nabla.listen_async(**nabla.body("notes.txt", url))
        error = (await nabla.callback(hook))["error"]
        assert error["code"] == 415
        assert "audio/*" in error["message"]

    async def test_file_too_large(self, nabla: Nabla) -> None:
        hook, url = nabla.hook()
        await nabla.listen_async(**nabla.body("big.wav", url))
        error = (await nabla.callback(hook))["error"]
        assert error["code"] == 413
        assert "limit" in error["message"]

    async def test_audio_too_long(self, nabla: Nabla) -> None:
        hook, url = nabla.hook()
        await nabla.listen_async(**nabla.body("long.wav", url))
        error = (await nabla.callback(hook))["error"]
        assert error["code"] == 400
        assert "minute" in error["message"]

    async def test_redirect_followed(self, nabla: Nabla) -> None:
        hook, url = nabla.hook()
        body = nabla.body(output_objects=["transcript_item"], callback_url=url)
        body["file_url"] = nabla.server.url("/redirect/clip.wav")
        await nabla.listen_async(**body)
        assert "transcript" in await nabla.callback(hook)

    async def test_redirect_to_a_private_address_is_refused(self, nabla: Nabla) -> None:
        hook, url = nabla.hook()
        body = nabla.body(callback_url=url)
        body["file_url"] = nabla.server.url("/to-private")
        await nabla.listen_async(**body)
        error = (await nabla.callback(hook))["error"]
        assert error["code"] == 400
        assert "10.0.0.1" in error["message"]


class TestCallbackRetries:
    async def test_failing_endpoint_is_retried_until_it_recovers(self, nabla: Nabla) -> None:
        hook, url = nabla.hook(500, 503)
        accepted = await nabla.listen_async(
            **nabla.body("clip.wav", url, output_objects=["transcript_item"])
        )
        tries = await nabla.callbacks(hook, 3)
        secret = await nabla.secret()
        assert len({headers["x-scribe-delivery-id"] for headers, _ in tries}) == 1
        assert len({body for _, body in tries}) == 1
        for headers, body in tries:
            assert verify(secret, body, headers["x-scribe-signature"])
        assert json.loads(tries[0][1])["id"] == accepted["request_id"]
        attempts = await _attempts(nabla, accepted["request_id"], 3)
        assert [a.status_code for a in attempts] == [500, 503, 200]


async def _attempts(nabla: Nabla, request_id: str, count: int) -> list[WebhookAttempt]:
    """The recorded tries of a request's callback, once ``count`` of them are written."""
    for _ in range(400):
        async with nabla.runtime.sessionmaker() as session:
            request = await session.get_one(AsyncRequest, request_id.lower())
            rows = list(
                await session.scalars(
                    select(WebhookAttempt)
                    .where(WebhookAttempt.delivery_id == request.delivery_id)
                    .order_by(WebhookAttempt.number)
                )
            )
        if len(rows) >= count:
            return rows
        await asyncio.sleep(0.05)
    raise AssertionError("attempts not recorded")


class TestOutboundSafety:
    async def test_private_file_url_is_refused_up_front(self, nabla: Nabla) -> None:
        for host in ("10.0.0.1", "169.254.169.254", "[::1]", "localhost", "192.168.1.20"):
            body = nabla.body(file_url=f"http://{host}/visit.ogg")
            response = await nabla.client.post(f"{nabla.BASE}/listen_async", json=body)
            assert "file_url" in assert_error(response, 400)

    async def test_private_callback_url_is_refused_up_front(self, nabla: Nabla) -> None:
        body = nabla.body(callback_url="http://169.254.169.254/latest/meta-data")
        response = await nabla.client.post(f"{nabla.BASE}/listen_async", json=body)
        assert "callback_url" in assert_error(response, 400)

    async def test_not_http(self, nabla: Nabla) -> None:
        body = nabla.body(file_url="file:///etc/passwd")
        response = await nabla.client.post(f"{nabla.BASE}/listen_async", json=body)
        assert_error(response, 400)


class TestIdempotency:
    async def test_repeated_client_request_id_returns_the_first_request(self, nabla: Nabla) -> None:
        hook, url = nabla.hook()
        body = nabla.body(
            "clip.wav", url, output_objects=["transcript_item"], client_request_id="same-id"
        )
        first = await nabla.listen_async(**body)
        again = await nabla.listen_async(**body)
        assert again == first
        await nabla.callback(hook)
        assert await _jobs_of(nabla, first["request_id"]) == 1

    async def test_simultaneous_twins_make_one_request(self, nabla: Nabla) -> None:
        body = nabla.body("clip.wav", output_objects=["transcript_item"], client_request_id="twin")
        path = f"{nabla.BASE}/listen_async"
        responses = await asyncio.gather(*(nabla.client.post(path, json=body) for _ in range(3)))
        ids = {r.json()["request_id"] for r in responses}
        assert [r.status_code for r in responses] == [200, 200, 200]
        assert len(ids) == 1
        assert await _jobs_of(nabla, ids.pop()) == 1

    async def test_other_tenants_keys_are_their_own(self, nabla: Nabla, other_nabla: Nabla) -> None:
        body = nabla.body("clip.wav", output_objects=["transcript_item"], client_request_id="k")
        mine = await nabla.listen_async(**body)
        theirs = await other_nabla.listen_async(**body)
        assert mine["request_id"] != theirs["request_id"]


async def _jobs_of(nabla: Nabla, request_id: str) -> int:
    async with nabla.runtime.sessionmaker() as session:
        requests = await session.scalar(
            select(func.count())
            .select_from(AsyncRequest)
            .where(AsyncRequest.client_request_id.is_not(None))
            .where(AsyncRequest.id == request_id.lower())
        )
        assert requests == 1
        jobs = await session.scalars(select(Job).where(Job.kind == "nabla_listen"))
        return sum(1 for job in jobs if job.input.get("request_id") == request_id.lower())


class TestStatus:
    async def test_unknown_and_foreign_ids_are_404(self, nabla: Nabla, other_nabla: Nabla) -> None:
        accepted = await nabla.listen_async(
            **nabla.body("clip.wav", output_objects=["transcript_item"])
        )
        path = f"{nabla.BASE}/listen_async/{accepted['request_id']}"
        assert_error(await other_nabla.client.get(path), 404)
        assert_error(await nabla.client.get(f"{nabla.BASE}/listen_async/{uuid.uuid4()}"), 404)

    async def test_ongoing_at_first(self, nabla: Nabla) -> None:
        accepted = await nabla.listen_async(**nabla.body("visit.ogg"))
        state = await nabla.client.get(f"{nabla.BASE}/listen_async/{accepted['request_id']}")
        assert state.json()["status"] in {"ongoing", "succeeded"}
