"""Corti transcripts: sync and async creation with the real Whisper model, polling, list, delete."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from scribe.config import Settings
from scribe.jobs.models import Job
from scribe.recordings.models import Recording
from scribe.runtime import Runtime
from scribe.transcripts.models import Transcript, TranscriptStatus
from tests.api.corti.conftest import Corti, assert_error, own_corti

UNKNOWN = "00000000-0000-4000-8000-000000000000"
TRANSCRIPT_KEYS = {"id", "recordingId", "status", "metadata", "transcripts", "usageInfo"}
SEGMENT_KEYS = {"channel", "participant", "speakerId", "text", "start", "end"}
DOCTOR_PATIENT = [{"channel": 0, "role": "doctor"}, {"channel": 1, "role": "patient"}]
# Polling gives up after this many tries (0.1 s apart): a hung job fails the test, not the run.
MAX_POLLS = 1200


def transcripts_path(interaction_id: str) -> str:
    return f"/v2/interactions/{interaction_id}/transcripts/"


async def start(corti: Corti, name: str = "clip.mono.wav") -> tuple[str, str]:
    interaction = await corti.create_interaction()
    return interaction["id"], await corti.upload(interaction["id"], name)


async def post(corti: Corti, interaction_id: str, **body: Any) -> Any:
    return await corti.client.post(transcripts_path(interaction_id), json=body)


async def poll(corti: Corti, status_url: str) -> str:
    for _ in range(MAX_POLLS):
        response = await corti.client.get(status_url)
        assert response.status_code == 200, response.text
        assert set(response.json()) == {"status", "progress"}
        status: str = response.json()["status"]
        if status != "processing":
            return status
        await asyncio.sleep(0.1)
    raise AssertionError("the transcript never left processing")


def assert_segments(segments: list[dict[str, Any]]) -> None:
    assert segments
    for segment in segments:
        assert set(segment) == SEGMENT_KEYS
        assert all(isinstance(segment[key], int) for key in SEGMENT_KEYS - {"text"})
        assert segment["text"].strip()
        assert 0 <= segment["start"] <= segment["end"] <= 60_000


class TestSynchronous:
    async def test_a_quick_transcript_comes_back_completed(self, corti: Corti) -> None:
        interaction_id, recording_id = await start(corti)
        response = await post(corti, interaction_id, recordingId=recording_id, primaryLanguage="en")
        assert response.status_code == 201, response.text
        assert "location" not in response.headers
        body = response.json()
        assert set(body) == TRANSCRIPT_KEYS
        assert uuid.UUID(body["id"])
        assert body["recordingId"] == recording_id
        assert body["status"] == "completed"
        assert body["usageInfo"] == {"creditsConsumed": 0}
        assert body["metadata"] == {"participantsRoles": []}
        assert_segments(body["transcripts"])
        assert {s["speakerId"] for s in body["transcripts"]} == {-1}
        assert "thompson" in " ".join(s["text"] for s in body["transcripts"]).lower()

    async def test_stereo_channels_carry_the_doctor_and_the_patient(self, corti: Corti) -> None:
        interaction_id, recording_id = await start(corti, "clip.stereo.wav")
        body = await corti.transcribe(
            interaction_id,
            recording_id,
            isMultichannel=True,
            participants=DOCTOR_PATIENT,
            isDictation=False,
            modelName="enhanced",
        )
        assert body["status"] == "completed"
        assert body["metadata"] == {"participantsRoles": DOCTOR_PATIENT}
        assert_segments(body["transcripts"])
        assert {s["channel"] for s in body["transcripts"]} == {0, 1}
        assert all(s["participant"] == s["channel"] for s in body["transcripts"])

    async def test_diarized_segments_number_their_speakers(self, corti: Corti) -> None:
        interaction_id, recording_id = await start(corti, "clip.stereo.wav")
        body = await corti.transcribe(
            interaction_id,
            recording_id,
            isMultichannel=True,
            diarize=True,
            participants=DOCTOR_PATIENT,
        )
        by_channel = {s["channel"]: s["speakerId"] for s in body["transcripts"]}
        assert by_channel == {0: 0, 1: 1}

    @pytest.mark.parametrize("language", ["en-US", "en-GB", "EN"])
    async def test_english_tags_are_accepted(self, corti: Corti, language: str) -> None:
        interaction_id, recording_id = await start(corti)
        body = await corti.transcribe(interaction_id, recording_id, primaryLanguage=language)
        assert body["status"] == "completed"

    async def test_a_slow_transcript_is_answered_202(self, settings: Settings) -> None:
        async with own_corti(settings, run_jobs=True, corti_sync_transcript_seconds=0) as corti:
            interaction_id, recording_id = await start(corti)
            response = await post(
                corti, interaction_id, recordingId=recording_id, primaryLanguage="en"
            )
            assert response.status_code == 202, response.text
            assert response.json()["status"] == "processing"
            assert await poll(corti, response.headers["location"] + "/status") == "completed"
            status = await corti.client.get(response.headers["location"] + "/status")
            assert status.json() == {"status": "completed", "progress": 1.0}

    async def test_status_shows_the_fraction_recognised_while_processing(
        self, corti: Corti, runtime: Runtime
    ) -> None:
        interaction_id, recording_id = await start(corti)
        body = await corti.transcribe(interaction_id, recording_id)
        # Put the row back where a running job leaves it: processing, 37 % of the audio done.
        async with runtime.sessionmaker() as session:
            transcript = await session.get_one(Transcript, body["id"])
            transcript.status = TranscriptStatus.PROCESSING
            job = await session.get_one(Job, transcript.meta["job_id"])
            job.progress = 0.37
            await session.commit()
        status = await corti.client.get(f"{transcripts_path(interaction_id)}{body['id']}/status")
        assert status.json() == {"status": "processing", "progress": 0.37}


class TestAsynchronous:
    async def test_async_answers_202_with_a_location_to_poll(self, corti: Corti) -> None:
        interaction_id, recording_id = await start(corti)
        response = await post(
            corti, interaction_id, recordingId=recording_id, primaryLanguage="en", **{"async": True}
        )
        assert response.status_code == 202, response.text
        body = response.json()
        assert set(body) == TRANSCRIPT_KEYS
        assert body["status"] == "processing"
        assert body["transcripts"] is None
        assert body["recordingId"] == recording_id
        location = response.headers["location"]
        assert location == f"http://scribe.test{transcripts_path(interaction_id)}{body['id']}"

        assert await poll(corti, f"{location}/status") == "completed"
        done = await corti.client.get(location)
        assert done.status_code == 200
        assert done.json()["status"] == "completed"
        assert_segments(done.json()["transcripts"])

    async def test_a_failed_job_shows_failed_and_keeps_the_recording(
        self, corti: Corti, runtime: Runtime
    ) -> None:
        interaction_id, recording_id = await start(corti)
        async with runtime.sessionmaker() as session:
            recording = await session.get_one(Recording, recording_id)
        # The bytes vanish from storage after the upload: the job cannot read them.
        runtime.blobs.path(recording.blob_key).unlink()
        body = await corti.transcribe(interaction_id, recording_id)
        assert body["status"] == "failed"
        assert body["transcripts"] is None
        status = await corti.client.get(f"{transcripts_path(interaction_id)}{body['id']}/status")
        assert status.json() == {"status": "failed", "progress": 1.0}
        listed = await corti.client.get(f"/v2/interactions/{interaction_id}/recordings/")
        assert listed.json()["recordings"] == [recording_id]


class TestBadInput:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"primaryLanguage": None}, "primaryLanguage"),
            ({"recordingId": None}, "recordingId"),
            ({"isMultichannel": "yes"}, "isMultichannel"),
            ({"participants": [{"channel": 0, "role": "nurse"}]}, "participants.0.role"),
            ({"participants": [{"channel": -1, "role": "doctor"}]}, "participants.0.channel"),
            ({"participants": [{"channel": "0", "role": "doctor"}]}, "participants.0.channel"),
            ({"participants": {"channel": 0}}, "participants"),
            ({"async": "later"}, "async"),
        ],
    )
    async def test_bad_fields_are_a_0003_naming_the_field(
        self, corti: Corti, changes: dict[str, Any], field: str
    ) -> None:
        interaction_id, recording_id = await start(corti)
        body = {"recordingId": recording_id, "primaryLanguage": "en", **changes}
        body = {key: value for key, value in body.items() if value is not None}
        response = await post(corti, interaction_id, **body)
        assert field in assert_error(response, 400, "A0003")["detail"]

    async def test_a_channel_given_twice_is_a_400(self, corti: Corti) -> None:
        interaction_id, recording_id = await start(corti, "clip.stereo.wav")
        participants = [{"channel": 0, "role": "doctor"}, {"channel": 0, "role": "patient"}]
        response = await post(
            corti,
            interaction_id,
            recordingId=recording_id,
            primaryLanguage="en",
            isMultichannel=True,
            participants=participants,
        )
        assert "channel" in assert_error(response, 400, "A0003")["detail"]

    @pytest.mark.parametrize("language", ["de", "fr-FR", "klingon!", "x"])
    async def test_a_language_the_model_cannot_do_is_a_0018(
        self, corti: Corti, language: str
    ) -> None:
        interaction_id, recording_id = await start(corti)
        response = await post(
            corti, interaction_id, recordingId=recording_id, primaryLanguage=language
        )
        assert_error(response, 400, "A0018")
        listed = await corti.client.get(transcripts_path(interaction_id))
        assert listed.json() == {"transcripts": []}

    async def test_unknown_malformed_and_foreign_recordings(
        self, corti: Corti, other_corti: Corti
    ) -> None:
        interaction_id, _ = await start(corti)
        theirs = await other_corti.create_interaction()
        their_recording = await other_corti.upload(theirs["id"])
        _, sibling_recording = await start(corti)
        for recording_id, status, code in [
            (UNKNOWN, 404, "A0011"),
            ("rec-1", 400, "A0008"),
            (their_recording, 404, "A0011"),
            (sibling_recording, 404, "A0011"),
        ]:
            response = await post(
                corti, interaction_id, recordingId=recording_id, primaryLanguage="en"
            )
            assert_error(response, status, code)
        response = await post(
            corti, theirs["id"], recordingId=their_recording, primaryLanguage="en"
        )
        assert_error(response, 404, "A0007")


class TestReadAndDelete:
    async def test_list_get_status_and_delete(self, corti: Corti) -> None:
        interaction_id, recording_id = await start(corti)
        created = await corti.transcribe(interaction_id, recording_id)
        base = transcripts_path(interaction_id)

        listed = (await corti.client.get(base)).json()["transcripts"]
        assert len(listed) == 1
        assert set(listed[0]) == {"id", "transcriptSample", "transcript"}
        assert listed[0]["id"] == created["id"]
        assert listed[0]["transcriptSample"]
        assert listed[0]["transcript"] is None
        full = (await corti.client.get(base, params={"full": "true"})).json()["transcripts"]
        assert full[0]["transcript"] == {
            "metadata": created["metadata"],
            "transcripts": created["transcripts"],
        }

        got = await corti.client.get(f"{base}{created['id']}")
        assert got.json() == created
        status = await corti.client.get(f"{base}{created['id']}/status")
        assert status.json() == {"status": "completed", "progress": 1.0}

        deleted = await corti.client.delete(f"{base}{created['id']}/")
        assert deleted.status_code == 204
        assert_error(await corti.client.get(f"{base}{created['id']}"), 404, "A0012")
        assert (await corti.client.get(base)).json() == {"transcripts": []}
        recordings = await corti.client.get(f"/v2/interactions/{interaction_id}/recordings/")
        assert recordings.json()["recordings"] == [recording_id]

    async def test_a_transcript_outlives_its_recording(self, corti: Corti) -> None:
        interaction_id, recording_id = await start(corti)
        created = await corti.transcribe(interaction_id, recording_id)
        deleted = await corti.client.delete(
            f"/v2/interactions/{interaction_id}/recordings/{recording_id}"
        )
        assert deleted.status_code == 204
        got = await corti.client.get(f"{transcripts_path(interaction_id)}{created['id']}")
        assert got.json() == created

    async def test_a_bad_full_flag_is_a_0013(self, corti: Corti) -> None:
        interaction_id, _ = await start(corti)
        response = await corti.client.get(transcripts_path(interaction_id), params={"full": "y"})
        assert "full" in assert_error(response, 400, "A0013")["detail"]

    async def test_unknown_malformed_and_foreign_transcripts(
        self, corti: Corti, other_corti: Corti
    ) -> None:
        interaction_id, _ = await start(corti)
        theirs = await other_corti.create_interaction()
        their_transcript = await other_corti.transcribe(
            theirs["id"], await other_corti.upload(theirs["id"])
        )
        base = transcripts_path(interaction_id)
        for target, status, code in [
            (UNKNOWN, 404, "A0012"),
            ("t-1", 400, "A0008"),
            (their_transcript["id"], 404, "A0012"),
        ]:
            assert_error(await corti.client.get(f"{base}{target}"), status, code)
            assert_error(await corti.client.get(f"{base}{target}/status"), status, code)
            assert_error(await corti.client.delete(f"{base}{target}"), status, code)
        their_path = f"{transcripts_path(theirs['id'])}{their_transcript['id']}"
        assert_error(await corti.client.get(their_path), 404, "A0007")
        assert (await other_corti.client.get(their_path)).status_code == 200
