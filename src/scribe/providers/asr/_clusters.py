"""Voices from embeddings: which segments one speaker said (see ``voices.cluster_voices``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.cluster import AgglomerativeClustering  # type: ignore[import-untyped]

Vectors = npt.NDArray[np.float32]

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


def cluster_voices(
    vectors: Sequence[Vectors | None], durations_ms: Sequence[int]
) -> list[int | None]:
    """A voice label per segment, in order of speech: 0 the voice heard most, then 1, and 2 when a
    third voice (a relative) is heard; None where there is no vector.

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
    """Unit centroids of the voices heard, most speech first: two, or three when a third voice
    has speech of its own (see ``_third_voice``).

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
    return np.stack([unit(group.total) for group in found])


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
    units = np.stack([unit(w[m] @ centred[m]) for m in _masks(groups)])
    apart = units @ units.T
    np.fill_diagonal(apart, -1.0)
    raw = _similarities(found)
    np.fill_diagonal(raw, -1.0)
    if apart.max() >= _THIRD_APART or raw.max() > _SAME_VOICE:
        return None
    return sorted(found, key=lambda group: -group.speech)


def _similarities(found: list[_Group]) -> npt.NDArray[np.float32]:
    units = np.stack([unit(group.total) for group in found])
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
        centroids = np.stack([unit(weights[groups == g] @ points[groups == g]) for g in present])
        refined = present[(points @ centroids.T).argmax(axis=1)]
        if np.array_equal(refined, groups):
            break
        groups = refined
    return groups


def unit(vector: npt.NDArray[np.floating[Any]]) -> Vectors:
    return (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32)
