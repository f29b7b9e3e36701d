"""The HTTP recognizer against a local fake server over real HTTP: wire format, retries, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from scribe.clinical.types import SpeakerRole
from scribe.config import ASRSettings
from scribe.providers.asr import build_recognizer
from scribe.providers.asr.base import TranscriptionRequest, UnreadableAudioError
from scribe.providers.asr.openai import OpenAIRecognizer, transcriptions_url
from scribe.providers.asr.speakers import assign_roles
from scribe.providers.base import ProviderError
from tests.providers.asr.conftest import clip
from tests.providers.asr.fake_server import (
    FakeTranscriptionServer,
    Scripted,
    failure,
    transcription,
)

ROLES: tuple[SpeakerRole, ...] = ("doctor", "patient")
GREETING = transcription((0.0, 3.62, " Hi, Ms. Thompson. How are you?"), (3.98, 5.75, " Hi."))


def _settings(server: FakeTranscriptionServer, **overrides: object) -> ASRSettings:
    values: dict[str, object] = {
        "provider": "openai",
        "base_url": server.base_url,
        "model": "whisper-large-v3",
        "api_key": SecretStr("sk-test"),
        "timeout_seconds": 5.0,
        "max_retries": 2,
        **overrides,
    }
    return ASRSettings.model_validate(values)


@pytest.fixture
async def recognizer(fake_server: FakeTranscriptionServer) -> AsyncIterator[OpenAIRecognizer]:
    recognizer = OpenAIRecognizer(_settings(fake_server), backoff_seconds=0.01)
    yield recognizer
    await recognizer.aclose()


class TestSuccess:
    async def test_segments_come_back_in_milliseconds(
        self, fake_server: FakeTranscriptionServer, recognizer: OpenAIRecognizer
    ) -> None:
        fake_server.reply(GREETING)
        result = await recognizer.transcribe(TranscriptionRequest(clip("clip.mono.wav")))
        assert [(s.start_ms, s.end_ms, s.text, s.channel) for s in result.segments] == [
            (0, 3620, "Hi, Ms. Thompson. How are you?", None),
            (3980, 5750, "Hi.", None),
        ]
        assert result.duration_ms == 6050
        assert result.language == "english"
        assert [s.speaker for s in assign_roles(result, None).segments] == ["doctor", "patient"]

    async def test_the_form_carries_model_format_language_and_prompt(
        self, fake_server: FakeTranscriptionServer, recognizer: OpenAIRecognizer
    ) -> None:
        fake_server.reply(GREETING)
        request = TranscriptionRequest(
            clip("clip.mp3"), language="en-US", vocabulary=("metformin", "Ozempic")
        )
        await recognizer.transcribe(request)
        (received,) = fake_server.received
        assert received.path == "/v1/audio/transcriptions"
        assert received.headers["authorization"] == "Bearer sk-test"
        assert received.fields == {
            "model": ["whisper-large-v3"],
            "response_format": ["verbose_json"],
            "timestamp_granularities[]": ["segment"],
            "language": ["en"],
            "prompt": ["metformin, Ozempic"],
        }
        assert received.file_name == "audio.mp3"
        assert received.file_bytes == clip("clip.mp3").read_bytes()

    async def test_stereo_is_sent_channel_by_channel(
        self, fake_server: FakeTranscriptionServer, recognizer: OpenAIRecognizer
    ) -> None:
        fake_server.reply(
            transcription((0.0, 3.5, " Hi, Ms. Thompson. How are you?")),
            transcription((3.66, 5.66, " Hi, Dr. Moore.")),
        )
        request = TranscriptionRequest(clip("clip.ogg"), channel_roles=ROLES)
        result = assign_roles(await recognizer.transcribe(request), ROLES)
        assert [(s.channel, s.speaker) for s in result.segments] == [(0, "doctor"), (1, "patient")]
        assert len(fake_server.received) == 2
        for received in fake_server.received:
            assert received.file_name == "audio.wav"
            assert received.file_bytes.startswith(b"RIFF")
        assert result.channels == 2

    async def test_loops_from_the_server_are_dropped(
        self, fake_server: FakeTranscriptionServer, recognizer: OpenAIRecognizer
    ) -> None:
        line = " Thank you for watching, see you next time."
        fake_server.reply(transcription((0.0, 2.0, line), (2.0, 4.0, line), (4.0, 6.0, line)))
        result = await recognizer.transcribe(TranscriptionRequest(clip("clip.mono.wav")))
        assert len(result.segments) == 1

    async def test_no_segments_is_silence(
        self, fake_server: FakeTranscriptionServer, recognizer: OpenAIRecognizer
    ) -> None:
        fake_server.reply(transcription())
        result = await recognizer.transcribe(TranscriptionRequest(clip("clip.mono.wav")))
        assert result.segments == ()


class TestRetries:
    async def test_server_errors_are_retried(
        self, fake_server: FakeTranscriptionServer, recognizer: OpenAIRecognizer
    ) -> None:
        fake_server.reply(failure(500), failure(503), GREETING)
        result = await recognizer.transcribe(TranscriptionRequest(clip("clip.mono.wav")))
        assert len(result.segments) == 2
        assert len(fake_server.received) == 3
        assert {len(r.file_bytes) for r in fake_server.received} == {
            clip("clip.mono.wav").stat().st_size
        }

    async def test_rate_limits_are_retried(
        self, fake_server: FakeTranscriptionServer, recognizer: OpenAIRecognizer
    ) -> None:
        fake_server.reply(failure(429), GREETING)
        await recognizer.transcribe(TranscriptionRequest(clip("clip.mono.wav")))
        assert len(fake_server.received) == 2

    async def test_retries_run_out(
        self, fake_server: FakeTranscriptionServer, recognizer: OpenAIRecognizer
    ) -> None:
        fake_server.reply(failure(502), failure(502), failure(502))
        with pytest.raises(ProviderError, match="after 3 attempts: status 502") as raised:
            await recognizer.transcribe(TranscriptionRequest(clip("clip.mono.wav")))
        assert raised.value.status_code == 502

    async def test_a_slow_server_times_out(self, fake_server: FakeTranscriptionServer) -> None:
        fake_server.reply(Scripted(body={}, delay=2.0))
        settings = _settings(fake_server, timeout_seconds=0.2, max_retries=0)
        recognizer = OpenAIRecognizer(settings, backoff_seconds=0.01)
        with pytest.raises(ProviderError, match="timed out"):
            await recognizer.transcribe(TranscriptionRequest(clip("clip.mono.wav")))
        await recognizer.aclose()

    async def test_an_unreachable_server(self, fake_server: FakeTranscriptionServer) -> None:
        settings = _settings(fake_server, base_url="http://127.0.0.1:9", max_retries=1)
        recognizer = OpenAIRecognizer(settings, backoff_seconds=0.01)
        with pytest.raises(ProviderError, match="ConnectError"):
            await recognizer.transcribe(TranscriptionRequest(clip("clip.mono.wav")))
        await recognizer.aclose()


class TestBadAnswers:
    @pytest.mark.parametrize("status", [400, 401, 404, 413])
    async def test_client_errors_are_not_retried(
        self, fake_server: FakeTranscriptionServer, recognizer: OpenAIRecognizer, status: int
    ) -> None:
        fake_server.reply(failure(status))
        with pytest.raises(ProviderError, match=f"status {status}"):
            await recognizer.transcribe(TranscriptionRequest(clip("clip.mono.wav")))
        assert len(fake_server.received) == 1

    @pytest.mark.parametrize(
        "scripted",
        [
            Scripted(raw="<html>Bad gateway</html>"),
            Scripted(body=["not", "an", "object"]),
            Scripted(body={"text": "Hi, Ms. Thompson."}),
            Scripted(body={"segments": [{"start": "0", "end": 1.0, "text": "Hi."}]}),
            Scripted(body={"segments": [{"start": 0.0, "end": 1.0}]}),
            Scripted(body={"segments": ["Hi."]}),
        ],
    )
    async def test_malformed_answers(
        self,
        fake_server: FakeTranscriptionServer,
        recognizer: OpenAIRecognizer,
        scripted: Scripted,
    ) -> None:
        fake_server.reply(scripted)
        with pytest.raises(ProviderError) as raised:
            await recognizer.transcribe(TranscriptionRequest(clip("clip.mono.wav")))
        assert "thompson" not in raised.value.message.lower()

    async def test_unreadable_audio_never_reaches_the_server(
        self, fake_server: FakeTranscriptionServer, recognizer: OpenAIRecognizer, tmp_path: Path
    ) -> None:
        path = tmp_path / "visit.wav"
        path.write_bytes(b"")
        with pytest.raises(UnreadableAudioError):
            await recognizer.transcribe(TranscriptionRequest(path))
        assert fake_server.received == []


@pytest.mark.parametrize(
    "base_url",
    ["http://asr:8000", "http://asr:8000/", "http://asr:8000/v1", "http://asr:8000/v1/"],
)
def test_base_url_with_or_without_v1(base_url: str) -> None:
    assert transcriptions_url(base_url) == "http://asr:8000/v1/audio/transcriptions"


async def test_build_recognizer_picks_the_provider() -> None:
    whisper = build_recognizer(ASRSettings())
    assert whisper.name == "whisper"
    await whisper.aclose()
    remote = build_recognizer(ASRSettings(provider="openai", base_url="http://asr:8000"))
    assert remote.name == "openai"
    await remote.aclose()


def test_openai_needs_a_base_url() -> None:
    with pytest.raises(ValueError, match="BASE_URL"):
        build_recognizer(ASRSettings(provider="openai"))
