"""Evaluation audio for the ASR benchmark, made on demand into a cache (never committed).

Each visit is an ACI-Bench dialogue spoken by ``../shared/tools/synth_visit.py`` with its own pair
of espeak-ng voices, some with room noise, and stored in a different container (MP3, OGG, M4A,
WAV) in mono and stereo (doctor left, patient right), next to its reference ``.json``::

    cases = ensure_visits(Path("bench/results/asr-audio"))  # [(mono path, stereo path, json)]

Needs espeak-ng, sox and ffmpeg on PATH (Debian: ``apt-get install espeak-ng sox ffmpeg``).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
SYNTH = SHARED / "tools" / "synth_visit.py"
DIALOGUES = SHARED / "data" / "aci-bench"
CACHE = Path(__file__).resolve().parent / "results" / "asr-audio"


@dataclass(frozen=True, slots=True)
class Visit:
    split: str
    encounter: str
    doctor_voice: str
    patient_voice: str
    noise: float
    container: str  # file suffix: mp3, ogg, m4a, wav


# Four visits the shared audio never used (D2N069 is the shared one), four voice pairs, two
# with pink room noise, four containers. Turns are capped to keep one bench run near 10 minutes.
VISITS = (
    Visit("valid", "D2N068", "en-gb+m1", "en-us+f2", 0.0, "mp3"),
    Visit("valid", "D2N074", "en-us+m7", "en-gb-scotland+f3", 0.015, "ogg"),
    Visit("train", "D2N005", "en-029+m2", "en-us+f5", 0.02, "m4a"),
    Visit("train", "D2N011", "en-gb-x-rp+m4", "en-us-nyc+f1", 0.0, "wav"),
)
MAX_TURNS = 30
_CODECS = {
    "mp3": ["-c:a", "libmp3lame", "-b:a", "64k"],
    "ogg": ["-c:a", "libopus", "-b:a", "32k"],
    "m4a": ["-c:a", "aac", "-b:a", "64k"],
    "wav": ["-c:a", "pcm_s16le"],
    "flac": ["-c:a", "flac"],
    "webm": ["-c:a", "libopus", "-b:a", "24k"],
}


@dataclass(frozen=True, slots=True)
class VisitAudio:
    name: str
    mono: Path
    stereo: Path
    reference: Path


def dialogue(visit: Visit) -> str:
    with (DIALOGUES / f"{visit.split}.csv").open(newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            if row["encounter_id"] == visit.encounter:
                return row["dialogue"]
    raise KeyError(visit.encounter)


def ensure_visits(cache: Path = CACHE, visits: tuple[Visit, ...] = VISITS) -> list[VisitAudio]:
    """Synthesise every visit not yet in the cache; return all of them."""
    cache.mkdir(parents=True, exist_ok=True)
    return [_ensure(cache, visit) for visit in visits]


def _ensure(cache: Path, visit: Visit) -> VisitAudio:
    return encode_visit(cache, visit, dialogue(visit), max_turns=MAX_TURNS)


def encode_visit(cache: Path, visit: Visit, text: str, *, max_turns: int) -> VisitAudio:
    """Speak ``text`` (a dialogue) as the visit says, unless the cache holds it already."""
    cache.mkdir(parents=True, exist_ok=True)
    name = f"{visit.split}-{visit.encounter}"
    prefix = cache / name
    audio = VisitAudio(
        name,
        Path(f"{prefix}.mono.{visit.container}"),
        Path(f"{prefix}.stereo.{visit.container}"),
        Path(f"{prefix}.json"),
    )
    if audio.mono.exists() and audio.stereo.exists() and audio.reference.exists():
        return audio
    _need("espeak-ng", "sox", "ffmpeg")
    arguments = [sys.executable, str(SYNTH), "-", "--out", str(prefix)]
    arguments += ["--max-turns", str(max_turns), "--doctor-voice", visit.doctor_voice]
    arguments += ["--patient-voice", visit.patient_voice, "--noise", str(visit.noise)]
    subprocess.run(arguments, input=text, text=True, check=True, capture_output=True)
    for kind, target in (("mono", audio.mono), ("stereo", audio.stereo)):
        wav = Path(f"{prefix}.{kind}.wav")
        if target != wav:
            encode = ["ffmpeg", "-y", "-loglevel", "error", "-i", str(wav)]
            subprocess.run([*encode, *_CODECS[visit.container], str(target)], check=True)
            wav.unlink()
    return audio


def _need(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        raise SystemExit(f"bench/asr.py needs {', '.join(missing)} (apt-get install them)")


if __name__ == "__main__":
    for made in ensure_visits():
        print(made.mono, made.stereo)
