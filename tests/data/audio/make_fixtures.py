"""Regenerate the ASR test fixtures: the first two turns (6 s) of ACI-Bench visit D2N069.

    .venv/bin/python tests/data/audio/make_fixtures.py [SOURCE_DIR]

SOURCE_DIR holds the evaluation audio (default /work/shared/data/audio): the mono WAV of the
visit's first turns and the stereo Opus recording (doctor left, patient right). Each output
exercises one decoder path: container, codec, sample rate and channel count all vary.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import av
import av.audio.stream
import numpy as np
import numpy.typing as npt

HERE = Path(__file__).resolve().parent
CLIP_SECONDS = 6.05
MONO_SOURCE = "aci-valid-D2N069-first8.mono.wav"
STEREO_SOURCE = "aci-valid-D2N069.stereo.ogg"
REFERENCE = "aci-valid-D2N069-first8.json"
Pcm = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Output:
    name: str
    source: str
    codec: str
    rate: int
    layout: str
    bit_rate: int | None = None
    container: str | None = None


OUTPUTS = (
    Output("clip.mono.wav", MONO_SOURCE, "pcm_s16le", 16_000, "mono"),
    # Telephone rate, one speaker per channel: resampling and per-channel decoding.
    Output("clip.stereo.wav", STEREO_SOURCE, "pcm_s16le", 8_000, "stereo"),
    Output("clip.mp3", MONO_SOURCE, "libmp3lame", 44_100, "mono", 48_000),
    Output("clip.m4a", STEREO_SOURCE, "aac", 48_000, "stereo", 64_000, "ipod"),
    Output("clip.ogg", STEREO_SOURCE, "libopus", 48_000, "stereo", 32_000),
    Output("clip.webm", MONO_SOURCE, "libopus", 48_000, "mono", 24_000),
    Output("clip.flac", MONO_SOURCE, "flac", 16_000, "mono"),
)


def read_clip(path: Path, rate: int, layout: str) -> Pcm:
    """Decode the first CLIP_SECONDS of path as float32 planar samples at rate and layout."""
    resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
    blocks: list[Pcm] = []
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            blocks.extend(_pcm(f) for f in resampler.resample(frame))
    blocks.extend(_pcm(f) for f in resampler.resample(None))
    return np.concatenate(blocks, axis=1)[:, : int(CLIP_SECONDS * rate)]


def _pcm(frame: av.AudioFrame) -> Pcm:
    return frame.to_ndarray().astype(np.float32, copy=False)


def write(path: Path, samples: Pcm, output: Output) -> None:
    """Encode samples with output's codec, in frames of the encoder's size."""
    with av.open(str(path), mode="w", format=output.container) as container:
        stream = container.add_stream(output.codec, rate=output.rate, layout=output.layout)
        assert isinstance(stream, av.audio.stream.AudioStream)
        if output.bit_rate:
            stream.bit_rate = output.bit_rate
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout=output.layout)
        frame.sample_rate = output.rate
        resampler = av.AudioResampler(
            format=stream.codec_context.format, layout=output.layout, rate=output.rate
        )
        fifo = av.AudioFifo()
        for converted in [*resampler.resample(frame), *resampler.resample(None)]:
            fifo.write(converted)
        size = stream.codec_context.frame_size or 4096
        while fifo.samples:
            container.mux(stream.encode(fifo.read(min(size, fifo.samples))))
        container.mux(stream.encode(None))


def reference(source_dir: Path) -> dict[str, object]:
    """Return the reference turns that fall inside the clip."""
    full = json.loads((source_dir / REFERENCE).read_text())
    turns = [s for s in full["segments"] if s["end_ms"] <= CLIP_SECONDS * 1000]
    return {
        "source": "ACI-Bench valid D2N069, spoken by espeak-ng (see /work/shared/EVAL.md)",
        "duration_ms": int(CLIP_SECONDS * 1000),
        "stereo_channels": ["doctor", "patient"],
        "segments": turns,
    }


def main() -> None:
    source_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/data/audio")
    for output in OUTPUTS:
        samples = read_clip(source_dir / output.source, output.rate, output.layout)
        write(HERE / output.name, samples, output)
    text = json.dumps(reference(source_dir), indent=1) + "\n"
    (HERE / "clip.json").write_text(text)


if __name__ == "__main__":
    main()
