"""Vocabulary: does biasing Whisper towards drug and condition names help, and at what cost?

Visits rich in drug names (the ACI-Bench turns that name a drug, with the turn before each), made
on demand by ``../shared/tools/synth_visit.py`` with their own voices, some with room noise, in
several containers (mono), are transcribed by the pipeline's recogniser (the batch defaults) with:

- ``none``: no vocabulary;
- ``frequent``: only the most prescribed drugs (``vocabulary.FREQUENT_DRUGS``);
- ``context``: the names in the encounter's context, as a record would list them (the drug and
  condition names of the whole dialogue, most of which the excerpt says), then the frequent ones;
- ``record``: the context's names only (a shorter list).

Each setting with a vocabulary runs once per ``--decoding`` (``SCRIBE_ASR__VOCABULARY_DECODING``):
``every_window`` (hotwords before every window) and/or ``targeted`` (plain decoding, then the
stretches that sound like a term decoded again with the hotwords). ``--held-out`` runs the
``HELD_OUT`` visits instead of the dev ones.

Per setting: WER, drug recall (reference drug mentions, by the drug they resolve to, found in the
transcript), drugs named that the reference does not name, and the recogniser's time (the machine
may be shared: times are noisy, WER and recall are not).

    .venv/bin/python bench/asr_vocabulary.py [--visits N] [--settings none,record]
        [--decoding every_window,targeted] [--held-out]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from asr_audio import CACHE, Visit, dialogue, encode_visit

from scribe.clinical import vocabulary
from scribe.config import ASRSettings
from scribe.evaluation import asr as asr_eval
from scribe.providers.asr.base import AsrSegment, TranscriptionRequest
from scribe.providers.asr.whisper import WhisperRecognizer

# None of them used by bench/asr.py or the shared audio; voices, noise and containers vary.
VISITS = (
    Visit("train", "D2N025", "en-us+m3", "en-gb+f2", 0.0, "mp3"),
    Visit("valid", "D2N084", "en-gb-x-rp+m4", "en-us+f1", 0.015, "ogg"),
    Visit("train", "D2N043", "en-us+m7", "en-gb-scotland+f3", 0.0, "m4a"),
    Visit("train", "D2N021", "en-029+m2", "en-us-nyc+f1", 0.02, "wav"),
    Visit("train", "D2N040", "en-us+m5", "en-us+f5", 0.01, "ogg"),
    Visit("valid", "D2N086", "en-gb+m1", "en-us+f4", 0.0, "mp3"),
)
# Held out (``--held-out``): visits, voices, noise levels and containers the dev set above never
# used, to check that a choice made on the dev set holds.
HELD_OUT = (
    Visit("train", "D2N063", "en-gb-x-gbclan+m6", "en-us+f3", 0.0, "flac"),
    Visit("train", "D2N058", "en-us+m1", "en-gb-x-gbcwmd+f5", 0.025, "webm"),
    Visit("train", "D2N039", "en-gb-x-gbcwmd+m2", "en-gb-x-rp+f1", 0.005, "flac"),
    Visit("train", "D2N066", "en-us-nyc+m6", "en-gb+f3", 0.03, "webm"),
    Visit("train", "D2N041", "en-gb-scotland+m5", "en-029+f2", 0.0, "flac"),
    Visit("valid", "D2N070", "en-gb-x-rp+m3", "en-us-nyc+f4", 0.012, "webm"),
)
MAX_TURNS = 24
SETTINGS = ("none", "frequent", "context", "record")
DECODINGS = ("every_window", "targeted")


@dataclass(frozen=True, slots=True)
class Score:
    wer: float
    found: int  # reference drug mentions the transcript has
    named: int  # reference drug mentions
    extra: int  # drug mentions the reference does not have
    seconds: float


def drug_turns(text: str) -> str:
    """The turns that name a drug, each with the turn before it, at most MAX_TURNS."""
    turns = [line for line in text.splitlines() if line.strip().startswith("[")]
    keep: set[int] = set()
    for index, turn in enumerate(turns):
        if vocabulary.find_drugs(turn.split("]", 1)[-1]):
            keep |= {max(index - 1, 0), index}
    return "\n".join(turns[i] for i in sorted(keep)[:MAX_TURNS])


def drugs_in(text: str) -> Counter[str]:
    return Counter(m.drug.key for m in vocabulary.find_drugs(text))


def score(
    reference: Sequence[asr_eval.ReferenceTurn], segments: Sequence[AsrSegment], seconds: float
) -> Score:
    said = drugs_in(" ".join(turn.text for turn in reference))
    heard = drugs_in(" ".join(segment.text for segment in segments))
    found = sum((said & heard).values())
    extra = sum((heard - said).values())
    wer = asr_eval.word_error_rate(reference, segments)
    return Score(wer, found, sum(said.values()), extra, seconds)


def terms_for(setting: str, whole_dialogue: str) -> tuple[str, ...]:
    if setting == "none":
        return ()
    if setting == "frequent":
        return tuple(vocabulary.hotwords())
    return tuple(vocabulary.hotwords(context=[whole_dialogue], frequent=setting == "context"))


async def run(recognizer: WhisperRecognizer, audio: Path, terms: tuple[str, ...]) -> tuple:
    request = TranscriptionRequest(audio, language="en", vocabulary=terms)
    started = time.perf_counter()
    result = await recognizer.transcribe(request)
    return result.segments, time.perf_counter() - started


def show_totals(scored: dict[str, list[tuple[int, Score]]]) -> None:
    print("totals (WER word-weighted):")
    for setting, rows in scored.items():
        words = sum(w for w, _ in rows) or 1
        wer = sum(s.wer * w for w, s in rows) / words
        found, named = sum(s.found for _, s in rows), sum(s.named for _, s in rows)
        extra, seconds = sum(s.extra for _, s in rows), sum(s.seconds for _, s in rows)
        recall = found / max(named, 1)
        print(
            f"  {setting:22} WER {wer:.3f}  drug recall {found}/{named} = {recall:.3f}"
            f"  drugs not said {extra}  time {seconds:.0f} s"
        )


def runs_for(settings: Sequence[str], decodings: Sequence[str]) -> list[tuple[str, str]]:
    """(setting, decoding) pairs: "none" once, the others once per decoding."""
    runs = [("none", "every_window")] if "none" in settings else []
    runs += [(s, d) for s in settings if s != "none" for d in decodings]
    return runs


def label(setting: str, decoding: str) -> str:
    return setting if setting == "none" else f"{setting}/{decoding}"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--visits", type=int, default=len(VISITS))
    parser.add_argument("--settings", default=",".join(SETTINGS), help="comma-separated")
    parser.add_argument(
        "--decoding", default="every_window", help="comma-separated: " + ",".join(DECODINGS)
    )
    parser.add_argument("--held-out", action="store_true", help="the HELD_OUT visits")
    return parser.parse_args()


async def main() -> None:
    args = arguments()
    settings = [name for name in args.settings.split(",") if name in SETTINGS]
    decodings = [name for name in args.decoding.split(",") if name in DECODINGS]
    runs = runs_for(settings, decodings)
    recognizers = {d: WhisperRecognizer(ASRSettings(vocabulary_decoding=d)) for d in decodings}
    recognizers.setdefault(
        "every_window", WhisperRecognizer(ASRSettings(vocabulary_decoding="every_window"))
    )
    for recognizer in recognizers.values():
        recognizer.load()
    scored: dict[str, list[tuple[int, Score]]] = {label(*run): [] for run in runs}
    cache = CACHE.with_name("asr-vocabulary")
    for visit in (HELD_OUT if args.held_out else VISITS)[: args.visits]:
        whole = dialogue(visit)
        audio = encode_visit(cache, visit, drug_turns(whole), max_turns=MAX_TURNS)
        reference, _ = asr_eval.load_reference(audio.reference)
        words = sum(len(asr_eval.normalise(turn.text).split()) for turn in reference)
        cells = []
        for setting, decoding in runs:
            terms = terms_for(setting, whole)
            segments, seconds = await run(recognizers[decoding], audio.mono, terms)
            result = score(reference, segments, seconds)
            name = label(setting, decoding)
            scored[name].append((words, result))
            cells.append(
                f"{name} WER {result.wer:.3f} drugs {result.found}/{result.named}"
                f" +{result.extra} {seconds:.0f}s"
            )
        print(f"{audio.mono.name:28} " + "  ".join(cells), flush=True)
    show_totals(scored)


if __name__ == "__main__":
    asyncio.run(main())
