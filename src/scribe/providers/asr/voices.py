"""Who is speaking, from the voice: GE2E speaker embeddings of recognised segments.

The encoder is Resemblyzer's pretrained GE2E network (a 3-layer LSTM over 40 mel bands, Apache-2.0,
see ``data/voice_encoder.LICENSE``), converted once by ``training/convert_voice_encoder.py`` to
an ONNX file shipped with the package and run with onnxruntime (installed with faster-whisper),
so neither torch nor a download is needed::

    model = VoiceModel.default()
    model.embed(samples)  # unit vector of 256 floats for 16 kHz mono speech, or None if too quiet

``voice_labels`` (``label_voices`` from the event loop) walks a file's mixed-down audio window by
window (bounded memory) and gives each segment a voice cluster; ``speakers.assign_roles`` names
the clusters doctor / patient.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextlib import closing
from functools import cache
from pathlib import Path

import anyio.to_thread
import numpy as np
import numpy.typing as npt
import onnxruntime  # type: ignore[import-untyped]

from scribe.providers.asr._clusters import cluster_voices as cluster_voices
from scribe.providers.asr._clusters import unit
from scribe.providers.asr.audio import iter_chunks
from scribe.providers.asr.base import AsrSegment

Pcm = npt.NDArray[np.float32]
Vectors = npt.NDArray[np.float32]

WEIGHTS = Path(__file__).with_name("data") / "voice_encoder.onnx"
SAMPLE_RATE = 16_000
_WINDOW = 400  # 25 ms
_HOP = 160  # 10 ms
_PARTIAL_FRAMES = 160  # 1.6 s of audio per partial embedding
# Partials start every 0.8 s: half-overlapping windows told two similar voices apart better than
# back-to-back ones (0.958 against 0.878 of one visit's time right) for twice the (small) cost.
HOP_FRAMES = 80
# Partials pass through the network this many at a time (of one or more segments): bigger
# batches run faster, and this bounds memory (about 8 MB of spectrograms).
_BATCH = 64
# Resemblyzer normalises each utterance's loudness up to this level before its mel spectrogram.
_TARGET_DBFS = -30.0
_SILENT_RMS = 1e-4
# Segments shorter than this say too little about the voice; they get no label (None).
MIN_SEGMENT_MS = 400
# Only this much of a long segment is embedded: it bounds the audio held and the time spent.
MAX_SEGMENT_MS = 20_000


class VoiceModel:
    """The speaker encoder: audio in, a unit vector per utterance out. Safe to share by threads."""

    def __init__(self, path: Path = WEIGHTS) -> None:
        options = onnxruntime.SessionOptions()
        # One thread: the network is small, and it runs beside Whisper's own threads.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        self._window = np.hanning(_WINDOW + 1)[:-1].astype(np.float32)  # periodic Hann

    @classmethod
    def default(cls) -> VoiceModel:
        """The shipped model, loaded once per process."""
        with _load_lock:
            return _default_model()

    def embed(
        self, samples: Pcm, *, hop_frames: int = HOP_FRAMES, min_coverage: float = 0.5
    ) -> Vectors | None:
        """One utterance's embedding: the normalised mean of its 1.6 s partials' embeddings."""
        return self.embed_many([self.partials(samples, hop_frames, min_coverage)])[0]

    def embed_many(self, utterances: Sequence[Vectors | None]) -> list[Vectors | None]:
        """Embeddings of utterances given as ``partials``, run through the network together."""
        stacks = [u for u in utterances if u is not None]
        if not stacks:
            return [None] * len(utterances)
        batch = np.concatenate(stacks)
        rows = np.concatenate(
            [self._forward(batch[i : i + _BATCH]) for i in range(0, len(batch), _BATCH)]
        )
        out: list[Vectors | None] = []
        at = 0
        for utterance in utterances:
            if utterance is None:
                out.append(None)
                continue
            out.append(unit(rows[at : at + len(utterance)].mean(axis=0)))
            at += len(utterance)
        return out

    def partials(
        self, samples: Pcm, hop_frames: int = HOP_FRAMES, min_coverage: float = 0.5
    ) -> Vectors | None:
        """An utterance's 1.6 s partials as power spectrograms (n, 160, 201); None if silent."""
        wav = _loudness_normalised(np.asarray(samples, dtype=np.float32))
        if wav is None:
            return None
        starts = _partial_starts(len(wav), hop_frames, min_coverage)
        needed = (starts[-1] + _PARTIAL_FRAMES) * _HOP
        if needed > len(wav):
            wav = np.pad(wav, (0, needed - len(wav)))
        power = self.power_spectrogram(wav)
        return np.stack([power[s : s + _PARTIAL_FRAMES] for s in starts])

    def power_spectrogram(self, wav: Pcm) -> Vectors:
        """Power spectrum frames (frames, 201), framed as librosa does (centred, zero-padded)."""
        padded = np.pad(wav, (_WINDOW // 2, _WINDOW // 2))
        frames = 1 + (len(padded) - _WINDOW) // _HOP
        view = np.lib.stride_tricks.sliding_window_view(padded, _WINDOW)[::_HOP][:frames]
        return (np.abs(np.fft.rfft(view * self._window, axis=1)) ** 2).astype(np.float32)

    def _forward(self, power: Vectors) -> Vectors:
        (embeddings,) = self._session.run(["embedding"], {"power": power})
        return np.asarray(embeddings, dtype=np.float32)


_load_lock = threading.Lock()


@cache
def _default_model() -> VoiceModel:
    return VoiceModel()


def _loudness_normalised(wav: Pcm) -> Pcm | None:
    rms = float(np.sqrt(np.mean(np.square(wav)))) if len(wav) else 0.0
    if rms < _SILENT_RMS:
        return None
    gain = 10 ** (_TARGET_DBFS / 20) / rms
    return wav * np.float32(gain) if gain > 1 else wav


def _partial_starts(samples: int, hop_frames: int, min_coverage: float) -> list[int]:
    """Start frames of the partials covering the utterance (Resemblyzer's slicing)."""
    frames = int(np.ceil((samples + 1) / _HOP))
    steps = max(1, frames - _PARTIAL_FRAMES + hop_frames + 1)
    starts = list(range(0, steps, hop_frames))
    coverage = (samples - starts[-1] * _HOP) / (_PARTIAL_FRAMES * _HOP)
    if coverage < min_coverage and len(starts) > 1:
        starts.pop()
    return starts


def segment_embeddings(
    audio: Path, segments: Sequence[AsrSegment], model: VoiceModel | None = None
) -> list[Vectors | None]:
    """Each segment's voice embedding (None when too short or silent), from the mixed-down audio.

    The file is decoded window by window; only the audio that segments still to come may need is
    kept, so memory stays bounded on an hour of audio.
    """
    embedder = SegmentEmbedder(segments, model or VoiceModel.default())
    with closing(iter_chunks(audio, per_channel=False)) as chunks:
        for chunk in chunks:
            embedder.feed(chunk.samples[0])
    return embedder.finish()


class SegmentEmbedder:
    """Embeds segments as the file's audio arrives, window after window (see ``voice_labels``)."""

    def __init__(self, segments: Sequence[AsrSegment], model: VoiceModel) -> None:
        self._spans = [_span(segment) for segment in segments]
        self._order = sorted(range(len(self._spans)), key=lambda i: self._spans[i])
        self._batch = _Batch(model, [None] * len(self._spans))
        self._held = np.zeros(0, np.float32)
        self._held_from = 0  # sample index of held[0] in the file
        self._next = 0  # position in _order of the first segment not yet embedded

    def feed(self, samples: Pcm) -> None:
        """Take the next window of 16 kHz mono samples; embed the segments it completes."""
        self._held = np.concatenate([self._held, samples])
        self._take_ready(final=False)
        # Keep only what the segments still to come may need.
        pending = self._next < len(self._order)
        keep = self._spans[self._order[self._next]][0] - self._held_from if pending else None
        cut = len(self._held) if keep is None else min(max(keep, 0), len(self._held))
        self._held, self._held_from = self._held[cut:], self._held_from + cut

    def finish(self) -> list[Vectors | None]:
        """The embeddings, once the file's audio is all fed (segments past its end get less)."""
        self._take_ready(final=True)
        self._batch.flush()
        return self._batch.vectors

    def _take_ready(self, *, final: bool) -> None:
        held_to = self._held_from + len(self._held)
        while self._next < len(self._order):
            index = self._order[self._next]
            start, end = self._spans[index]
            if not final and end > held_to:
                return
            piece = self._held[max(start - self._held_from, 0) : max(end - self._held_from, 0)]
            if len(piece) * 1000 >= MIN_SEGMENT_MS * SAMPLE_RATE:
                self._batch.add(index, self._batch.model.partials(piece))
            self._next += 1


class _Batch:
    """Segments' partials waiting to go through the network together."""

    def __init__(self, model: VoiceModel, vectors: list[Vectors | None]) -> None:
        self.model = model
        self.vectors = vectors
        self._waiting: list[tuple[int, Vectors]] = []
        self._size = 0

    def add(self, index: int, partials: Vectors | None) -> None:
        if partials is None:
            return
        self._waiting.append((index, partials))
        self._size += len(partials)
        if self._size >= _BATCH:
            self.flush()

    def flush(self) -> None:
        embedded = self.model.embed_many([partials for _, partials in self._waiting])
        for (index, _), vector in zip(self._waiting, embedded, strict=True):
            self.vectors[index] = vector
        self._waiting, self._size = [], 0


def _span(segment: AsrSegment) -> tuple[int, int]:
    start = segment.start_ms * SAMPLE_RATE // 1000
    end_ms = min(segment.end_ms, segment.start_ms + MAX_SEGMENT_MS)
    return start, max(end_ms * SAMPLE_RATE // 1000, start)


def voice_labels(
    audio: Path, segments: Sequence[AsrSegment], model: VoiceModel | None = None
) -> list[int | None]:
    """Each segment's voice (0 the voice heard most, then 1, 2), None where it can't tell.

    Blocking (decodes the file and runs the network): see ``label_voices`` for the event loop.
    """
    vectors = segment_embeddings(audio, segments, model)
    return cluster_voices(vectors, [s.end_ms - s.start_ms for s in segments])


async def label_voices(
    audio: Path, segments: Sequence[AsrSegment], model: VoiceModel | None = None
) -> list[int | None]:
    """``voice_labels`` in worker threads, one window of audio per call (so it can be cancelled)."""
    if model is None:
        model = await anyio.to_thread.run_sync(VoiceModel.default)
    embedder = SegmentEmbedder(segments, model)
    chunks = iter_chunks(audio, per_channel=False)
    with closing(chunks):
        while (chunk := await anyio.to_thread.run_sync(next, chunks, None)) is not None:
            await anyio.to_thread.run_sync(embedder.feed, chunk.samples[0])
    vectors = await anyio.to_thread.run_sync(embedder.finish)
    durations = [s.end_ms - s.start_ms for s in segments]
    return await anyio.to_thread.run_sync(cluster_voices, vectors, durations)


def needs_voices(segments: Sequence[AsrSegment]) -> bool:
    """Whether any segment is of mixed audio and still has no speaker (what voices are for)."""
    return any(s.channel is None and s.speaker == "unspecified" for s in segments)
