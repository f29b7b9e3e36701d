"""Corti recordings: raw and multipart uploads, limits, bad audio, list, download, delete."""

from __future__ import annotations

import io
import uuid
import wave

import httpx
import pytest

from scribe.config import Settings
from scribe.recordings.models import Recording
from scribe.runtime import Runtime
from tests.api.corti.conftest import AUDIO, Corti, assert_error, own_corti

MONO = (AUDIO / "clip.mono.wav").read_bytes()
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def recordings_path(interaction_id: str) -> str:
    return f"/v2/interactions/{interaction_id}/recordings/"


async def post_raw(
    corti: Corti, interaction_id: str, data: bytes, content_type: str = "application/octet-stream"
) -> httpx.Response:
    return await corti.client.post(
        recordings_path(interaction_id), content=data, headers={"Content-Type": content_type}
    )


async def listed(corti: Corti, interaction_id: str) -> list[str]:
    response = await corti.client.get(recordings_path(interaction_id))
    assert response.status_code == 200, response.text
    ids: list[str] = response.json()["recordings"]
    return ids


async def blob_of(runtime: Runtime, recording_id: str) -> Recording:
    async with runtime.sessionmaker() as session:
        return await session.get_one(Recording, recording_id)


class TestUpload:
    async def test_a_raw_body_is_stored_and_listed(self, corti: Corti) -> None:
        interaction = await corti.create_interaction()
        response = await post_raw(corti, interaction["id"], MONO)
        assert response.status_code == 201, response.text
        assert set(response.json()) == {"recordingId"}
        recording_id = response.json()["recordingId"]
        assert uuid.UUID(recording_id)
        assert await listed(corti, interaction["id"]) == [recording_id]

    @pytest.mark.parametrize(
        "path",
        [
            "/v2/interactions/{id}/recordings",
            "/v2/interactions/{id}/recording",
            "/v2/interactions/{id}/recording/",
        ],
    )
    async def test_every_spelling_of_the_path_works(self, corti: Corti, path: str) -> None:
        interaction = await corti.create_interaction()
        response = await corti.client.post(
            path.format(id=interaction["id"]), content=MONO, headers={"Content-Type": "audio/wav"}
        )
        assert response.status_code == 201, response.text

    @pytest.mark.parametrize("name", ["clip.ogg", "clip.mp3", "clip.webm", "clip.stereo.wav"])
    async def test_common_formats_are_accepted(self, corti: Corti, name: str) -> None:
        interaction = await corti.create_interaction()
        assert await corti.upload(interaction["id"], name)

    async def test_a_multipart_file_under_any_field_name(self, corti: Corti) -> None:
        interaction = await corti.create_interaction()
        response = await corti.client.post(
            recordings_path(interaction["id"]),
            data={"note": "first visit"},
            files={"audio": ("visit.wav", MONO, "audio/wav")},
        )
        assert response.status_code == 201, response.text
        recording_id = response.json()["recordingId"]
        download = await corti.client.get(f"{recordings_path(interaction['id'])}{recording_id}")
        assert download.content == MONO
        assert download.headers["content-type"] == "audio/wav"

    async def test_a_multipart_body_without_a_file_is_a_400(self, corti: Corti) -> None:
        interaction = await corti.create_interaction()
        response = await corti.client.post(
            recordings_path(interaction["id"]),
            files={"note": (None, b"no audio here")},
        )
        assert "no file" in assert_error(response, 400, "A0003")["detail"]
        assert await listed(corti, interaction["id"]) == []

    async def test_a_truncated_multipart_body_is_a_400(self, corti: Corti) -> None:
        interaction = await corti.create_interaction()
        head = (
            b"--b0undary\r\n"
            b'Content-Disposition: form-data; name="file"; filename="a.wav"\r\n'
            b"Content-Type: audio/wav\r\n\r\n"
        )
        response = await post_raw(
            corti, interaction["id"], head + MONO[:1000], "multipart/form-data; boundary=b0undary"
        )
        assert_error(response, 400, "A0003")
        assert await listed(corti, interaction["id"]) == []

    async def test_text_is_not_audio(self, corti: Corti) -> None:
        interaction = await corti.create_interaction()
        response = await post_raw(corti, interaction["id"], b"[doctor] Hello there.\n" * 50)
        body = assert_error(response, 400, "A0003")
        assert "audio" in body["detail"].lower()
        assert await listed(corti, interaction["id"]) == []

    async def test_an_empty_body_is_a_400(self, corti: Corti) -> None:
        interaction = await corti.create_interaction()
        body = assert_error(await post_raw(corti, interaction["id"], b""), 400, "A0003")
        assert "empty" in body["detail"].lower()

    async def test_over_the_size_limit_is_a_0016(self, settings: Settings) -> None:
        async with own_corti(settings, run_jobs=False, recording_bytes=len(MONO) - 1) as corti:
            interaction = await corti.create_interaction()
            response = await post_raw(corti, interaction["id"], MONO)
            assert "limit" in assert_error(response, 400, "A0016")["detail"]
            assert await listed(corti, interaction["id"]) == []

    async def test_over_the_duration_limit_is_a_0016(self, settings: Settings) -> None:
        async with own_corti(settings, run_jobs=False, recording_seconds=1) as corti:
            interaction = await corti.create_interaction()
            response = await post_raw(corti, interaction["id"], MONO)
            assert "minute" in assert_error(response, 400, "A0016")["detail"]
            assert await listed(corti, interaction["id"]) == []

    async def test_unknown_malformed_and_foreign_interactions(
        self, corti: Corti, other_corti: Corti
    ) -> None:
        theirs = await other_corti.create_interaction()
        assert_error(await post_raw(corti, UNKNOWN, MONO), 404, "A0007")
        assert_error(await post_raw(corti, "nope", MONO), 400, "A0008")
        assert_error(await post_raw(corti, theirs["id"], MONO), 404, "A0007")
        assert await listed(other_corti, theirs["id"]) == []


class TestDownload:
    async def test_returns_the_uploaded_bytes_with_their_type(self, corti: Corti) -> None:
        interaction = await corti.create_interaction()
        data = (AUDIO / "clip.ogg").read_bytes()
        recording_id = (await post_raw(corti, interaction["id"], data, "audio/ogg")).json()[
            "recordingId"
        ]
        response = await corti.client.get(f"{recordings_path(interaction['id'])}{recording_id}")
        assert response.status_code == 200
        assert response.content == data
        assert response.headers["content-type"] == "audio/ogg"
        assert response.headers["content-length"] == str(len(data))

    async def test_unknown_malformed_and_foreign_recordings(
        self, corti: Corti, other_corti: Corti
    ) -> None:
        mine = await corti.create_interaction()
        sibling = await corti.create_interaction()
        theirs = await other_corti.create_interaction()
        their_recording = await other_corti.upload(theirs["id"])
        sibling_recording = await corti.upload(sibling["id"])
        base = recordings_path(mine["id"])
        for target, status, code in [
            (UNKNOWN, 404, "A0011"),
            ("42", 400, "A0008"),
            (their_recording, 404, "A0011"),
            (sibling_recording, 404, "A0011"),
        ]:
            assert_error(await corti.client.get(f"{base}{target}"), status, code)
            assert_error(await corti.client.delete(f"{base}{target}"), status, code)
        foreign = f"{recordings_path(theirs['id'])}{their_recording}"
        assert_error(await corti.client.get(foreign), 404, "A0007")
        assert await listed(other_corti, theirs["id"]) == [their_recording]


class TestDelete:
    async def test_removes_the_row_and_the_bytes(self, corti: Corti, runtime: Runtime) -> None:
        interaction = await corti.create_interaction()
        recording_id = await corti.upload(interaction["id"])
        blob = runtime.blobs.path((await blob_of(runtime, recording_id)).blob_key)
        assert blob.is_file()
        path = f"{recordings_path(interaction['id'])}{recording_id}"
        response = await corti.client.delete(path)
        assert response.status_code == 204
        assert not blob.exists()
        assert_error(await corti.client.get(path), 404, "A0011")
        assert await listed(corti, interaction["id"]) == []

    async def test_missing_bytes_are_not_found(self, corti: Corti, runtime: Runtime) -> None:
        interaction = await corti.create_interaction()
        recording_id = await corti.upload(interaction["id"])
        runtime.blobs.path((await blob_of(runtime, recording_id)).blob_key).unlink()
        response = await corti.client.get(f"{recordings_path(interaction['id'])}{recording_id}")
        assert_error(response, 404, "A0011")


def _silent_wav(seconds: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16_000)
        writer.writeframes(b"\x00\x00" * 16_000 * seconds)
    return buffer.getvalue()


async def test_large_uploads_are_not_held_to_the_json_body_cap(corti: Corti) -> None:
    # curl --data-binary sends form-urlencoded; audio over the 2 MB JSON cap must still go in.
    interaction = await corti.create_interaction()
    audio = _silent_wav(90)
    assert len(audio) > 2 * 1024 * 1024
    response = await post_raw(
        corti, interaction["interactionId"], audio, "application/x-www-form-urlencoded"
    )
    assert response.status_code == 201, response.text
