"""Decoding with PyAV: every container we accept, bounded windows, and clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scribe.providers.asr.audio import SAMPLE_RATE, iter_chunks, probe, quiet_cut, split_channels
from scribe.providers.asr.base import UnreadableAudioError
from tests.providers.asr.conftest import FORMATS, clip, write_pcm_wav


def _tone(seconds: float, amplitude: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (amplitude * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


class TestProbe:
    @pytest.mark.parametrize(
        ("name", "container", "codec", "channels", "rate"),
        [
            ("clip.mono.wav", "wav", "pcm_s16le", 1, 16_000),
            ("clip.stereo.wav", "wav", "pcm_s16le", 2, 8_000),
            ("clip.mp3", "mp3", "mp3float", 1, 44_100),
            ("clip.m4a", "mov,mp4,m4a,3gp,3g2,mj2", "aac", 2, 48_000),
            ("clip.ogg", "ogg", "opus", 2, 48_000),
            ("clip.webm", "matroska,webm", "opus", 1, 48_000),
            ("clip.flac", "flac", "flac", 1, 16_000),
        ],
    )
    def test_describes_each_format(
        self, name: str, container: str, codec: str, channels: int, rate: int
    ) -> None:
        info = probe(clip(name))
        assert (info.container, info.codec, info.channels, info.sample_rate) == (
            container,
            codec,
            channels,
            rate,
        )
        assert 6000 <= info.duration_ms <= 6150


class TestUnreadable:
    def test_empty_file(self, tmp_path: Path) -> None:
        path = tmp_path / "visit.wav"
        path.write_bytes(b"")
        with pytest.raises(UnreadableAudioError, match="file is empty"):
            probe(path)

    def test_truncated_wav_header(self, tmp_path: Path) -> None:
        path = tmp_path / "visit.wav"
        path.write_bytes(clip("clip.mono.wav").read_bytes()[:20])
        with pytest.raises(UnreadableAudioError, match="could not decode audio: Invalid data"):
            probe(path)

    def test_header_without_samples(self, tmp_path: Path) -> None:
        path = tmp_path / "visit.wav"
        wav = clip("clip.mono.wav").read_bytes()
        path.write_bytes(wav[: wav.index(b"data") + 8])
        with pytest.raises(UnreadableAudioError, match="no samples"):
            probe(path)

    def test_text_named_wav(self, tmp_path: Path) -> None:
        path = tmp_path / "visit.wav"
        path.write_text("Patient reports knee pain after a fall from a ladder.\n")
        with pytest.raises(UnreadableAudioError) as raised:
            probe(path)
        assert "knee" not in raised.value.message

    def test_image_has_no_audio_stream(self, tmp_path: Path) -> None:
        path = tmp_path / "visit.wav"
        header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
        path.write_bytes(header + b"\x00\x00\x00\x90wS\xde" + bytes(64))
        with pytest.raises(UnreadableAudioError, match="no audio stream"):
            probe(path)

    def test_messages_do_not_name_the_file(self, tmp_path: Path) -> None:
        path = tmp_path / "thompson-visit.wav"
        path.write_bytes(b"RIFF" + bytes(12))
        with pytest.raises(UnreadableAudioError) as raised:
            probe(path)
        assert "thompson" not in raised.value.message

    def test_decoding_raises_the_same_error(self, tmp_path: Path) -> None:
        path = tmp_path / "visit.ogg"
        path.write_bytes(b"OggS" + bytes(100))
        with pytest.raises(UnreadableAudioError):
            list(iter_chunks(path, per_channel=False))


class TestChunks:
    @pytest.mark.parametrize("name", FORMATS)
    def test_every_format_decodes_to_16k_float(self, name: str) -> None:
        chunks = list(iter_chunks(clip(name), per_channel=False))
        assert len(chunks) == 1
        samples = chunks[0].samples
        assert samples.dtype == np.float32
        assert samples.shape[0] == 1
        assert 6.0 <= samples.shape[1] / SAMPLE_RATE <= 6.15
        assert 0.01 < float(np.abs(samples).max()) <= 1.0

    def test_per_channel_keeps_speakers_apart(self) -> None:
        (chunk,) = iter_chunks(clip("clip.stereo.wav"), per_channel=True)
        doctor, patient = chunk.samples
        first, last = slice(0, 3 * SAMPLE_RATE), slice(4 * SAMPLE_RATE, 5 * SAMPLE_RATE)
        # The doctor speaks first on the left, the patient answers on the right.
        assert np.abs(doctor[first]).mean() > 10 * np.abs(patient[first]).mean()
        assert np.abs(patient[last]).mean() > 10 * np.abs(doctor[last]).mean()

    def test_long_audio_comes_in_windows_cut_in_a_pause(self, tmp_path: Path) -> None:
        # 40 s of tone with one second of silence at 25-26 s: a 30 s window must end there.
        samples = _tone(40.0)
        samples[25 * SAMPLE_RATE : 26 * SAMPLE_RATE] = 0.0
        path = write_pcm_wav(tmp_path / "long.wav", samples)
        chunks = list(iter_chunks(path, per_channel=False, chunk_seconds=30))
        assert chunks[0].start_ms == 0
        assert 25_000 <= chunks[1].start_ms <= 26_000
        assert chunks[0].duration_ms == chunks[1].start_ms
        assert sum(c.samples.shape[1] for c in chunks) == 40 * SAMPLE_RATE

    def test_an_hour_never_makes_a_window_longer_than_asked(self, tmp_path: Path) -> None:
        path = write_pcm_wav(tmp_path / "long.wav", _tone(95.0))
        chunks = list(iter_chunks(path, per_channel=False, chunk_seconds=30))
        assert all(c.samples.shape[1] <= 30 * SAMPLE_RATE for c in chunks)
        assert sum(c.samples.shape[1] for c in chunks) == 95 * SAMPLE_RATE


class TestQuietCut:
    def test_cuts_in_the_quietest_frame(self) -> None:
        samples = _tone(10.0).reshape(1, -1)
        samples[:, 8 * SAMPLE_RATE : 8 * SAMPLE_RATE + SAMPLE_RATE // 5] = 0.0
        cut = quiet_cut(samples)
        assert 8 * SAMPLE_RATE <= cut <= 8 * SAMPLE_RATE + SAMPLE_RATE // 5

    def test_short_audio_is_not_cut(self) -> None:
        samples = _tone(0.1).reshape(1, -1)
        assert quiet_cut(samples) == samples.shape[1]


def test_split_channels_writes_one_mono_wav_per_channel(tmp_path: Path) -> None:
    paths = split_channels(clip("clip.ogg"), tmp_path, 2)
    infos = [probe(path) for path in paths]
    assert [(i.container, i.channels, i.sample_rate) for i in infos] == [("wav", 1, 16_000)] * 2
    assert all(6000 <= i.duration_ms <= 6100 for i in infos)
