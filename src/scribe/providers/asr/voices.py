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
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import anyio.to_thread
import numpy as np
import numpy.typing as npt
import onnxruntime  # type: ignore[import-untyped]
from sklearn.cluster import AgglomerativeClustering  # type: ignore[import-untyped]

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
# Clustering: the speech splits in two groups; they are two voices when the smaller one holds
# this share of the speech in at least this many segments, and their centroids are less similar
# than this (a voice split in two: 0.97 on two visits; two like voices: 0.89 to 0.93, espeak-ng
# voices over 13 visits). At most this many segments (the longest) are clustered.
_MIN_SHARE = 0.08
_MIN_SEGMENTS = 2
_SAME_VOICE = 0.95
_REFINE_ROUNDS = 10
# The two dialogue voices are found first. A three-way split is kept (a relative) only when
# each group holds this share of the speech in at least _MIN_SEGMENTS segments and the groups
# point apart (see ``_third_voice``): a plain three-way split also set aside parts of the two
# main voices on some visits (0.787 against 0.796 of the time right over 13 visits).
_GROUPS = 2
_MIN_THIRD_SHARE = 0.1
_THIRD_APART = -0.05
_MAX_CLUSTERED = 1_500


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
            out.append(_unit(rows[at : at + len(utterance)].mean(axis=0)))
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


def cluster_voices(
    vectors: Sequence[Vectors | None], durations_ms: Sequence[int]
) -> list[int | None]:
    """A voice label per segment: 0 the voice heard most, then 1, 2 a third voice (a relative);
    None where there is no vector.

    Each segment takes the voice (see ``_voice_centroids``) its embedding is nearest to.
    """
    known = [i for i, v in enumerate(vectors) if v is not None]
    if not known:
        return [None] * len(vectors)
    matrix = np.stack([vectors[i] for i in known])  # type: ignore[misc]
    weights = np.array([max(durations_ms[i], 1) for i in known], np.float64)
    centroids = _voice_centroids(matrix, weights)
    similarity = matrix @ centroids.T
    nearest = similarity.argmax(axis=1)
    labels: list[int | None] = [None] * len(vectors)
    for row, index in enumerate(known):
        labels[index] = int(nearest[row])
    return labels


def _voice_centroids(matrix: Vectors, weights: npt.NDArray[np.float64]) -> Vectors:
    """Unit centroids of the voices heard: the two dialogue voices, most speech first, then any
    third voice (see ``_third_voice``).

    Embeddings of one recording share much (room, microphone, synthesis): taking away their mean
    leaves what sets the voices apart, so even two similar voices split cleanly. The speech is
    split in groups, and groups that sound alike (or are too small to be a voice of their own)
    are merged into the group they are most like.
    """
    if len(matrix) < 2:
        return matrix[:1]
    # Clustering is quadratic in segments: an hour's worth is capped at its longest segments.
    sample = np.sort(np.argsort(-weights, kind="stable")[:_MAX_CLUSTERED])
    points, w = matrix[sample], weights[sample]
    centred = points - (w @ points) / w.sum()
    centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-12)
    found = _merged(_found(points, w, _groups(centred, w, min(_GROUPS, len(points)))), w.sum())
    if len(found) == _GROUPS and len(points) > _GROUPS:
        third = _third_voice(points, centred, w, _groups(centred, w, _GROUPS + 1))
        found = third or found
    return np.stack([_unit(group.total) for group in found])


def _found(
    points: Vectors, w: npt.NDArray[np.float64], groups: npt.NDArray[np.intp]
) -> list[_Group]:
    return [_Group(float(w[m].sum()), w[m] @ points[m], int(m.sum())) for m in _masks(groups)]


def _merged(found: list[_Group], speech: float) -> list[_Group]:
    """Merge groups while one is too small to be a voice or two sound alike; most speech first."""
    while len(found) > 1:
        found.sort(key=lambda group: -group.speech)
        similar = _similarities(found)
        np.fill_diagonal(similar, -1.0)
        small = found[-1]
        if small.speech < _MIN_SHARE * speech or small.segments < _MIN_SEGMENTS:
            a, b = len(found) - 1, int(similar[-1].argmax())
        else:
            a, b = (int(x) for x in np.unravel_index(similar.argmax(), similar.shape))
            if similar[a, b] <= _SAME_VOICE:
                break
        merged = found[a].merged(found[b])
        found = [group for i, group in enumerate(found) if i not in (a, b)] + [merged]
    return sorted(found, key=lambda group: -group.speech)


def _third_voice(
    points: Vectors, centred: Vectors, w: npt.NDArray[np.float64], groups: npt.NDArray[np.intp]
) -> list[_Group] | None:
    """Three voices, most speech first, when a three-way split finds a third one, else None.

    Each group needs its share of the speech, and, once the recording's mean is taken away, each
    must point away from the other two (three voices: all pairs below zero; one voice split in
    two: its halves above zero, 0.04 to 0.49 on seven two-voice visits).
    """
    found = _found(points, w, groups)
    if len(found) != _GROUPS + 1:
        return None
    if any(g.speech < _MIN_THIRD_SHARE * w.sum() or g.segments < _MIN_SEGMENTS for g in found):
        return None
    units = np.stack([_unit(w[m] @ centred[m]) for m in _masks(groups)])
    apart = units @ units.T
    np.fill_diagonal(apart, -1.0)
    raw = _similarities(found)
    np.fill_diagonal(raw, -1.0)
    if apart.max() >= _THIRD_APART or raw.max() > _SAME_VOICE:
        return None
    return sorted(found, key=lambda group: -group.speech)


def _similarities(found: list[_Group]) -> npt.NDArray[np.float32]:
    units = np.stack([_unit(group.total) for group in found])
    return np.asarray(units @ units.T, dtype=np.float32)


@dataclass(frozen=True, slots=True)
class _Group:
    speech: float  # milliseconds
    total: npt.NDArray[np.float64]  # duration-weighted sum of the members' embeddings
    segments: int

    def merged(self, other: _Group) -> _Group:
        return _Group(
            self.speech + other.speech, self.total + other.total, self.segments + other.segments
        )


def _masks(groups: npt.NDArray[np.intp]) -> list[npt.NDArray[np.bool_]]:
    return [groups == g for g in np.unique(groups)]


def _groups(points: Vectors, weights: npt.NDArray[np.float64], n: int) -> npt.NDArray[np.intp]:
    """n groups: average-linkage clustering, refined by a few rounds of weighted k-means."""
    groups = np.asarray(
        AgglomerativeClustering(n_clusters=n, metric="cosine", linkage="average").fit_predict(
            points
        )
    )
    for _ in range(_REFINE_ROUNDS):
        present = np.unique(groups)
        centroids = np.stack([_unit(weights[groups == g] @ points[groups == g]) for g in present])
        refined = present[(points @ centroids.T).argmax(axis=1)]
        if np.array_equal(refined, groups):
            break
        groups = refined
    return groups


def _unit(vector: npt.NDArray[np.floating[Any]]) -> Vectors:
    return (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32)


def voice_labels(
    audio: Path, segments: Sequence[AsrSegment], model: VoiceModel | None = None
) -> list[int | None]:
    """Each segment's voice (0 the voice heard most, 1 the other), None where it can't tell.

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
