"""Convert Resemblyzer's GE2E speaker encoder (PyTorch) to the ONNX file scribe ships.

Run once, in a scratch environment that has torch, onnx and resemblyzer (none of them is a
dependency of scribe, which runs the file with onnxruntime, installed with faster-whisper)::

    python -m venv /tmp/convert
    /tmp/convert/bin/pip install torch onnx resemblyzer==0.1.4 "setuptools<81"
    /tmp/convert/bin/python training/convert_voice_encoder.py

It writes ``src/scribe/providers/asr/data/voice_encoder.onnx``: the 40-band mel filterbank the
encoder was trained on (applied to a power spectrogram), the 3-layer LSTM and its projection, and
copies Resemblyzer's LICENSE (Apache-2.0) beside it. It then checks that scribe's
``providers.asr.voices`` gives the same embedding as Resemblyzer for a test signal.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
from pathlib import Path
from typing import Any

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "src/scribe/providers/asr/data"


def main() -> None:
    import librosa  # type: ignore[import-not-found]  # resemblyzer's own dependency
    import resemblyzer  # type: ignore[import-not-found]
    import torch  # type: ignore[import-not-found]

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    package = Path(resemblyzer.__file__).parent
    encoder = resemblyzer.VoiceEncoder("cpu", verbose=False).eval()
    mel = torch.from_numpy(librosa.filters.mel(sr=16_000, n_fft=400, n_mels=40).T.copy())

    class FromPower(torch.nn.Module):  # type: ignore[misc]
        """Power spectrogram frames (batch, frames, 201) to unit embeddings (batch, 256)."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            self.register_buffer("mel", mel.float())

        def forward(self, power: Any) -> Any:
            return self.encoder(power @ self.mel)

    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "voice_encoder.onnx"
    example = torch.rand(2, 160, 201)
    with torch.no_grad():
        torch.onnx.export(
            FromPower().eval(),
            (example,),
            str(target),
            input_names=["power"],
            output_names=["embedding"],
            dynamic_axes={"power": {0: "batch", 1: "frames"}, "embedding": {0: "batch"}},
            dynamo=False,
        )
    licence = next(package.parent.glob("[Rr]esemblyzer-*.dist-info")) / "LICENSE"
    shutil.copyfile(licence, args.out / "voice_encoder.LICENSE")
    _check(target, encoder)
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB)")


def _check(target: Path, encoder: Any) -> None:
    """scribe's encoder (numpy spectrogram, onnxruntime) and Resemblyzer agree on a chirp."""
    # By path: importing the scribe package would need its whole environment here.
    spec = importlib.util.spec_from_file_location("voices", OUT.parent / "voices.py")
    assert spec is not None
    assert spec.loader is not None
    voices = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(voices)
    rate = 16_000
    t = np.arange(rate * 3) / rate
    wav = (0.1 * np.sin(2 * np.pi * (200 + 300 * t) * t)).astype(np.float32)
    reference = encoder.embed_utterance(wav)
    ours = voices.VoiceModel(target).embed(wav, hop_frames=77, min_coverage=0.75)
    assert ours is not None
    similarity = float(np.dot(reference, ours))
    print(f"cosine similarity with resemblyzer: {similarity:.6f}")
    assert similarity > 0.999, similarity


if __name__ == "__main__":
    main()
