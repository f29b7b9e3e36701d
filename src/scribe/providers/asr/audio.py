"""Audio in with PyAV: probe a file, and decode it to 16 kHz float32 PCM in bounded windows.

A recording can last an hour, so nothing here holds a whole file: ``iter_chunks`` yields windows
of about ``chunk_seconds``, each cut at the quietest moment near its end so that no word is split
between two windows::

    info = probe(Path("visit.ogg"))  # AudioInfo(container="ogg", codec="opus", channels=2, ...)
    for chunk in iter_chunks(Path("visit.ogg"), per_channel=True):
        chunk.samples.shape  # (2, n): one row per channel, 16 kHz
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import av
import av.container
import av.error
import numpy as np
import numpy.typing as npt
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream

from scribe.providers.asr.base import UnreadableAudioError

SAMPLE_RATE = 16_000
Pcm = npt.NDArray[np.float32]

# The cut between two windows is searched for in this much audio before the window's end, in
# frames of this length: a pause between words lasts at least one frame.
_CUT_SEARCH_SECONDS = 20.0
_CUT_FRAME_SAMPLES = SAMPLE_RATE // 10


@dataclass(frozen=True, slots=True)
class AudioInfo:
    container: str
    codec: str
    channels: int
    sample_rate: int
    # From the container's metadata (or its last packet): an estimate for limits and display.
    duration_ms: int


@dataclass(frozen=True, slots=True)
class AudioChunk:
    # Where the window starts in the file; add it to times measured inside the window.
    start_ms: int
    # Shape (channels, samples) at SAMPLE_RATE: one row per channel, or one mixed-down row.
    samples: Pcm

    @property
    def duration_ms(self) -> int:
        return int(self.samples.shape[1]) * 1000 // SAMPLE_RATE


def probe(path: Path) -> AudioInfo:
    """Describe the first audio stream of path; raise UnreadableAudioError if it won't decode."""
    with _open(path) as container:
        stream = _audio_stream(container)
        codec = stream.codec_context.name
        info = AudioInfo(
            container=container.format.name,
            codec=codec,
            channels=stream.channels,
            sample_rate=stream.rate,
            duration_ms=_metadata_duration_ms(container, stream),
        )
        if not _has_samples(container, stream):
            raise UnreadableAudioError("audio stream has no samples", codec=codec)
    if info.duration_ms == 0:
        info = _with_demuxed_duration(path, info)
    return info


def iter_chunks(
    path: Path, *, per_channel: bool, chunk_seconds: float = 120.0
) -> Generator[AudioChunk, None, None]:
    """Yield the audio as 16 kHz float32 windows, per channel or mixed to mono."""
    target = max(int(chunk_seconds * SAMPLE_RATE), 2 * _CUT_FRAME_SAMPLES)
    pending: list[Pcm] = []
    size = emitted = 0
    for block in _decode(path):
        pending.append(block if per_channel else block.mean(axis=0, keepdims=True))
        size += block.shape[1]
        if size < target:
            continue
        buffered = np.concatenate(pending, axis=1)
        cut = quiet_cut(buffered[:, :target])
        yield AudioChunk(emitted * 1000 // SAMPLE_RATE, buffered[:, :cut])
        pending, size, emitted = [buffered[:, cut:]], size - cut, emitted + cut
    if size:
        yield AudioChunk(emitted * 1000 // SAMPLE_RATE, np.concatenate(pending, axis=1))


def quiet_cut(samples: Pcm) -> int:
    """Return where to end a window: the middle of the last of its quietest frames near the end."""
    total = int(samples.shape[1])
    search = min(int(_CUT_SEARCH_SECONDS * SAMPLE_RATE), total // 2)
    frames = search // _CUT_FRAME_SAMPLES
    if frames == 0:
        return total
    start = total - frames * _CUT_FRAME_SAMPLES
    mix = samples[:, start:].mean(axis=0).reshape(frames, _CUT_FRAME_SAMPLES)
    # Of equally quiet frames (digital silence) the latest keeps windows close to their target.
    energy = np.square(mix).mean(axis=1)[::-1]
    quietest = frames - 1 - int(np.argmin(energy))
    return start + quietest * _CUT_FRAME_SAMPLES + _CUT_FRAME_SAMPLES // 2


def split_channels(path: Path, directory: Path, channels: int) -> list[Path]:
    """Write the first channels of path as 16 kHz 16-bit mono WAV files in directory."""
    targets = [directory / f"channel-{index}.wav" for index in range(channels)]
    with ExitStack() as stack:
        writers = [stack.enter_context(WavWriter(target)) for target in targets]
        for chunk in iter_chunks(path, per_channel=True):
            for row, writer in enumerate(writers):
                writer.write(chunk.samples[row])
    return targets


class WavWriter:
    """Writes 16 kHz float samples, block by block, to a 16-bit mono WAV file."""

    def __init__(self, path: Path) -> None:
        self._container = av.open(str(path), mode="w", format="wav")
        self._stream = self._container.add_stream("pcm_s16le", rate=SAMPLE_RATE, layout="mono")

    def __enter__(self) -> WavWriter:
        return self

    def __exit__(self, *_: object) -> None:
        self._mux(None)
        self._container.close()

    def write(self, samples: Pcm) -> None:
        pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype(np.int16).reshape(1, -1)
        frame = AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        self._mux(frame)

    def _mux(self, frame: AudioFrame | None) -> None:
        for packet in self._stream.encode(frame):
            self._container.mux(packet)


def _decode(path: Path) -> Iterator[Pcm]:
    # Resampling keeps every channel; mixing down (when asked) is a plain average, so a speaker
    # alone on one channel is neither clipped nor dropped.
    with _open(path) as container:
        stream = _audio_stream(container)
        resampler = av.AudioResampler(format="fltp", rate=SAMPLE_RATE)
        for frame in _frames(container, stream):
            for resampled in resampler.resample(frame):
                yield _pcm(resampled)
        for resampled in resampler.resample(None):
            yield _pcm(resampled)


def _frames(container: av.container.InputContainer, stream: AudioStream) -> Iterator[AudioFrame]:
    try:
        for packet in container.demux(stream):
            yield from packet.decode()
    except av.error.FFmpegError as exc:
        raise UnreadableAudioError(f"could not decode audio: {_reason(exc)}") from None


@contextmanager
def _open(path: Path) -> Iterator[av.container.InputContainer]:
    if path.stat().st_size == 0:
        raise UnreadableAudioError("file is empty")
    try:
        # Tags are free text a damaged or hostile file fills with any bytes: never fail on them.
        container = av.open(str(path), mode="r", metadata_errors="replace")
    except av.error.FFmpegError as exc:
        # The reason only: FFmpeg's full message repeats the file name.
        raise UnreadableAudioError(f"could not decode audio: {_reason(exc)}") from None
    with container:
        yield container


def _audio_stream(container: av.container.InputContainer) -> AudioStream:
    if not container.streams.audio:
        raise UnreadableAudioError("no audio stream", format=container.format.name)
    stream = container.streams.audio[0]
    if stream.codec_context is None:
        raise UnreadableAudioError("could not decode audio: no decoder for this codec")
    return stream


def _has_samples(container: av.container.InputContainer, stream: AudioStream) -> bool:
    return any(frame.samples for frame in _frames(container, stream))


def _metadata_duration_ms(container: av.container.InputContainer, stream: AudioStream) -> int:
    if stream.duration is not None and stream.time_base is not None:
        return int(stream.duration * stream.time_base * 1000)
    if container.duration is not None:
        return int(container.duration * 1000 // av.time_base)
    return 0


def _with_demuxed_duration(path: Path, info: AudioInfo) -> AudioInfo:
    # Live recordings (browser WebM, streamed Ogg) often carry no duration; their packets' times
    # do, and demuxing without decoding is cheap even for an hour of audio.
    end = 0.0
    with _open(path) as container:
        stream = _audio_stream(container)
        try:
            for packet in container.demux(stream):
                if packet.pts is not None and packet.time_base is not None:
                    finish = packet.pts + (packet.duration or 0)
                    end = max(end, float(finish * packet.time_base))
        except av.error.FFmpegError as exc:
            raise UnreadableAudioError(f"could not read audio: {_reason(exc)}") from None
    return AudioInfo(info.container, info.codec, info.channels, info.sample_rate, int(end * 1000))


def _pcm(frame: AudioFrame) -> Pcm:
    return frame.to_ndarray().astype(np.float32, copy=False)


def _reason(exc: av.error.FFmpegError) -> str:
    return str(exc.strerror or type(exc).__name__)
