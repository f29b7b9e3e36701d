"""The decoder over damaged files: probe and iter_chunks decode or raise UnreadableAudioError.

Deterministic mutations of every fixture format (truncations at many offsets, byte flips with a
fixed seed, header fields claiming huge sizes), so a failure names its exact input. Bounded to a
few hundred files; the 6-second clips decode in milliseconds.
"""

from __future__ import annotations

import random
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from scribe.providers.asr.audio import iter_chunks, probe
from scribe.providers.asr.base import UnreadableAudioError
from tests.fuzz.conftest import AUDIO

FORMATS = ["clip.mono.wav", "clip.stereo.wav", "clip.flac", "clip.m4a", "clip.mp3", "clip.ogg"]
FORMATS += ["clip.webm"]
CUTS = (1, 2, 4, 8, 12, 16, 24, 32, 44, 64, 100, 200, 512, 1024, 4096)
FLIPS_PER_FILE = 8
SEED = 20261121


def mutations(name: str) -> Iterator[tuple[str, bytes]]:
    """(label, bytes) of damaged versions of one fixture."""
    data = (AUDIO / name).read_bytes()
    for cut in CUTS:
        yield f"first {cut} bytes", data[:cut]
    for fraction in (0.25, 0.5, 0.9):
        cut = int(len(data) * fraction)
        yield f"first {cut} bytes", data[:cut]
    rng = random.Random(f"{SEED}:{name}")
    for _ in range(FLIPS_PER_FILE):
        flipped = bytearray(data)
        # Most of a format's structure sits in its first kilobyte.
        for _ in range(8):
            flipped[rng.randrange(min(len(data), 1024))] = rng.randrange(256)
        yield f"flips seeded {SEED}:{name}", bytes(flipped)
    yield "header then garbage", data[:64] + bytes(rng.randrange(256) for _ in range(4096))
    yield "garbage then file", bytes(rng.randrange(256) for _ in range(4096)) + data


def huge_headers() -> Iterator[tuple[str, bytes]]:
    wav = (AUDIO / "clip.mono.wav").read_bytes()
    data_at = wav.index(b"data")
    yield "RIFF size 4 GiB", wav[:4] + struct.pack("<I", 0xFFFFFFFF) + wav[8:]
    yield (
        "data chunk 4 GiB",
        wav[: data_at + 4] + struct.pack("<I", 0xFFFFFFFF) + wav[data_at + 8 :],
    )
    yield "fmt channels 65535", wav[:22] + struct.pack("<H", 0xFFFF) + wav[24:]
    yield "fmt sample rate 0", wav[:24] + struct.pack("<I", 0) + wav[28:]
    yield "fmt bits 0", wav[:34] + struct.pack("<H", 0) + wav[36:]
    m4a = (AUDIO / "clip.m4a").read_bytes()
    yield "mp4 first box 4 GiB", struct.pack(">I", 0xFFFFFFFF) + m4a[4:]
    yield (
        "mp4 64-bit box size",
        struct.pack(">I", 1) + m4a[4:8] + struct.pack(">Q", 2**62) + m4a[8:],
    )


CASES = [(f"{name}: {label}", blob) for name in FORMATS for label, blob in mutations(name)]
CASES += list(huge_headers())


def decode(path: Path) -> None:
    probe(path)
    for chunk in iter_chunks(path, per_channel=True, chunk_seconds=2.0):
        assert chunk.samples.ndim == 2


def test_damaged_files_decode_or_raise_unreadable(tmp_path: Path) -> None:
    escaped: list[str] = []
    unreadable = 0
    for index, (label, blob) in enumerate(CASES):
        path = tmp_path / f"{index}.bin"
        path.write_bytes(blob)
        try:
            decode(path)
        except UnreadableAudioError:
            unreadable += 1
        except Exception as exc:  # the thing under test: nothing but UnreadableAudioError
            escaped.append(f"{label}: {type(exc).__name__}: {exc}")
        path.unlink()
    assert not escaped, "\n".join(escaped)
    # The mutations do damage: most truncations and header edits are refused.
    assert unreadable > len(CASES) // 4


def test_empty_file_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(UnreadableAudioError, match="empty"):
        probe(path)
    with pytest.raises(UnreadableAudioError, match="empty"):
        list(iter_chunks(path, per_channel=False))
