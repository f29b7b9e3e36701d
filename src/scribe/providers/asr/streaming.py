"""Incremental recognition of audio that is still arriving, on a rolling window.

The raw container bytes (WebM/Opus, Ogg/Opus, WAV) are appended to a file as they come; each pass
decodes what has arrived (a growing file decodes up to its last complete page or cluster) and runs
Whisper on the tail that is not final yet. Segments ending well before the tail's end are final;
the rest are interim and will be recognised again with more context on the next pass::

    live = RollingRecognizer(model, Path("stream.webm"), options={"language": "en"})
    live.append(chunk)
    update = await live.step()  # Update(final=[...], interim=[...]) or None if too little audio
    update = await live.step(finish=True)  # everything final (flush, end)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import anyio
import anyio.to_thread
import av
import av.error
import numpy as np

from scribe.providers.asr._hotwords import transcribe_guarded
from scribe.providers.asr.audio import SAMPLE_RATE, Pcm
from scribe.providers.asr.base import AsrSegment

# Audio near the tail's end may be a word cut in half: segments ending in it stay interim.
HOLDBACK_SECONDS = 4.0
# Whisper sees 30 s at a time; past this the tail is made final whatever it holds.
MAX_TAIL_SECONDS = 24.0
# A pass on less new audio than this would cost more than it tells.
STEP_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class Update:
    final: list[AsrSegment]
    interim: list[AsrSegment]


@dataclass(frozen=True, slots=True)
class LiveDecoding:
    """What a stream is recognised with: a loaded model and its decoding options."""

    model: Any  # the provider's own model object; only RollingRecognizer touches it
    options: dict[str, Any]

    def open(self, path: Path) -> RollingRecognizer:
        """Start recognising the audio that will be appended to ``path``."""
        return RollingRecognizer(self.model, path, self.options)


@runtime_checkable
class StreamingRecognizer(Protocol):
    """A recognizer that can also transcribe a live stream as its audio arrives.

    Example::

        decoding = await recognizer.live_decoding("en-US")  # UnsupportedLanguageError
        live = decoding.open(Path("stream.webm"))
    """

    async def live_decoding(self, language: str | None) -> LiveDecoding: ...


@dataclass
class _State:
    committed: int = 0  # samples before this are final
    recognised: int = 0  # samples decoded at the last pass
    finals: list[AsrSegment] = field(default_factory=list)


class RollingRecognizer:
    """Recognises a growing audio file pass by pass with a faster-whisper model."""

    def __init__(self, model: Any, path: Path, options: dict[str, Any]) -> None:
        self.path = path
        self._model = model
        # Segment times are enough to cut final from interim; word alignment would double the cost.
        self._options = {**options, "word_timestamps": False}
        self._state = _State()
        self._lock = anyio.Lock()
        self.received_bytes = 0
        path.write_bytes(b"")

    @property
    def finals(self) -> list[AsrSegment]:
        return list(self._state.finals)

    @property
    def duration_ms(self) -> int:
        return self._state.recognised * 1000 // SAMPLE_RATE

    def append(self, chunk: bytes) -> None:
        """Add bytes of the container as received (the first ones carry its headers)."""
        with self.path.open("ab") as file:
            file.write(chunk)
        self.received_bytes += len(chunk)

    async def step(self, *, finish: bool = False) -> Update | None:
        """Recognise the tail; None when too little new audio arrived to be worth a pass."""
        async with self._lock:
            if self.received_bytes == 0:
                return None
            return await anyio.to_thread.run_sync(self._step, finish)

    def _step(self, finish: bool) -> Update | None:
        state = self._state
        pcm = decode_growing(self.path, skip=state.committed)
        total = state.committed + len(pcm)
        if not finish and total - state.recognised < STEP_SECONDS * SAMPLE_RATE:
            return None
        state.recognised = total
        if len(pcm) == 0:
            return Update([], [])
        segments = self._recognise(pcm, state.committed)
        final, interim = _split(segments, state.committed, total, finish)
        state.finals.extend(final)
        state.committed = _new_commit(final, state.committed, total, finish)
        return Update(final, interim)

    def _recognise(self, pcm: Pcm, offset: int) -> list[AsrSegment]:
        pieces, _ = transcribe_guarded(self._model, pcm, self._options)
        start_ms = offset * 1000 // SAMPLE_RATE
        length_ms = len(pcm) * 1000 // SAMPLE_RATE
        found = []
        for piece in pieces:
            text = piece.text.strip()
            if not text:
                continue
            end = min(round(piece.end * 1000), length_ms)
            begin = min(round(piece.start * 1000), end)
            found.append(AsrSegment(start_ms + begin, start_ms + end, text, channel=0))
        return found


def _split(
    segments: list[AsrSegment], committed: int, total: int, finish: bool
) -> tuple[list[AsrSegment], list[AsrSegment]]:
    """Final: segments ending before the holdback (all of them when finishing or too long)."""
    tail_seconds = (total - committed) / SAMPLE_RATE
    if finish:
        return segments, []
    limit_ms = (total - HOLDBACK_SECONDS * SAMPLE_RATE) * 1000 / SAMPLE_RATE
    final = [s for s in segments if s.end_ms <= limit_ms]
    if tail_seconds > MAX_TAIL_SECONDS and not final and segments:
        final = segments[:-1] or segments
    interim = segments[len(final) :]
    return final, interim


def _new_commit(final: list[AsrSegment], committed: int, total: int, finish: bool) -> int:
    """Where the next window starts: after the last final segment, or past a long silence."""
    if finish:
        return total
    if final:
        return max(committed, _samples(final[-1].end_ms))
    if (total - committed) / SAMPLE_RATE > MAX_TAIL_SECONDS:
        # Speechless audio: drop it from the window rather than let the window grow forever.
        return total - int(HOLDBACK_SECONDS * SAMPLE_RATE)
    return committed


def _samples(ms: int) -> int:
    return ms * SAMPLE_RATE // 1000


def decode_growing(path: Path, *, skip: int = 0) -> Pcm:
    """Decode a possibly incomplete file to 16 kHz mono, from sample ``skip`` on.

    A file still being written ends in a partial page or cluster: decoding stops at the first
    error there and keeps what decoded before it.
    """
    blocks: list[Pcm] = []
    seen = 0
    try:
        with av.open(str(path), mode="r") as container:
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="fltp", layout="mono", rate=SAMPLE_RATE)
            for packet in container.demux(stream):
                for frame in packet.decode():
                    for out in resampler.resample(frame):
                        block = out.to_ndarray()[0]
                        keep = block[max(0, skip - seen) :]
                        seen += len(block)
                        if len(keep):
                            blocks.append(keep)
    except (av.error.FFmpegError, IndexError, EOFError):
        pass
    return np.concatenate(blocks).astype(np.float32) if blocks else np.zeros(0, np.float32)
