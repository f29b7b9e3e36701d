"""Targeted vocabulary decoding: which words sound like a term, what is spliced, what is refused."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from faster_whisper.transcribe import Segment, Word  # type: ignore[import-untyped]

from scribe.clinical.types import SpeakerRole
from scribe.config import ASRSettings
from scribe.providers.asr._vocabulary import (
    SPLICE_SIMILARITY,
    normalise,
    sound_key,
    sounds_like,
    spelling_edits,
    splice_edits,
    suspect,
    terms_of,
    transcribe_targeted,
)
from scribe.providers.asr.base import TranscriptionRequest
from scribe.providers.asr.whisper import WhisperRecognizer
from tests.providers.asr.conftest import clip

ROLES: tuple[SpeakerRole, ...] = ("doctor", "patient")
TERMS = terms_of(["metformin", "lisinopril", "rosuvastatin", "albuterol", "Flonase"])


def words(text: str) -> list[str]:
    return [normalise(token) for token in text.split()]


def segment(start: float, end: float, text: str) -> Segment:
    return Segment(0, 0, start, end, text, [], -0.1, 1.0, 0.0, None, 0.0)


class FakeModel:
    """Answers the plain decoding, then each decoding again with hotwords, from scripts."""

    def __init__(self, plain: list[Segment], again: list[str]) -> None:
        self.plain, self.again = plain, again
        self.calls: list[dict[str, Any]] = []

    def transcribe(self, samples: Any, **options: Any) -> tuple[list[Segment], None]:
        self.calls.append(options)
        if options.get("hotwords") is None:
            return self.plain, None
        return [segment(0.0, 1.0, self.again.pop(0))], None


class TestSoundsLike:
    def test_misheard_drug_names_sound_like_the_term(self) -> None:
        metformin, lisinopril, *_ = TERMS
        assert sounds_like(words("met forming"), metformin) > 0.8
        assert sounds_like(words("listen a pill"), lisinopril) > 0.7

    def test_ordinary_words_do_not(self) -> None:
        assert not suspect(words("was up to date and it went well"), TERMS)
        assert sounds_like(words("feel fine"), TERMS[-1]) < SPLICE_SIMILARITY

    def test_a_term_already_right_is_no_suspect(self) -> None:
        assert not suspect(words("she takes metformin"), TERMS)
        assert suspect(words("she takes met forming"), TERMS)

    def test_keys_fold_spellings_of_one_sound(self) -> None:
        assert sound_key("Flonase") == sound_key("flow nays")
        assert sound_key("phone") == sound_key("fone")


class TestSplice:
    def test_only_the_words_that_became_a_term_are_replaced(self) -> None:
        plain = words("you take met forming every morning")
        again = words("you take metformin, every mourning")
        [edit] = splice_edits(plain, again, TERMS)
        assert (edit.start, edit.end, edit.term.text) == (2, 4, "metformin")

    def test_words_that_do_not_sound_like_the_term_are_kept(self) -> None:
        # The false positive the guard is for: hotwords turned ordinary words into drugs.
        plain = words("he was up to date")
        again = words("he rosuvastatin albuterol date")
        assert splice_edits(plain, again, TERMS) == []

    def test_a_drug_already_named_is_never_swapped(self) -> None:
        assert splice_edits(words("on metformin"), words("on lisinopril"), TERMS) == []

    def test_near_misspellings_become_the_term(self) -> None:
        edits = spelling_edits(words("take metformun and lisinipril daily"), TERMS)
        assert [(e.start, e.term.text) for e in edits] == [(1, "metformin"), (3, "lisinopril")]

    def test_distant_spellings_are_left(self) -> None:
        assert spelling_edits(words("the meeting was informal"), TERMS) == []


class TestTranscribeTargeted:
    def test_a_suspect_segment_is_decoded_again_and_spliced(self) -> None:
        plain = [segment(0.0, 2.0, " Hello there."), segment(2.0, 5.0, " Keep the met forming.")]
        model = FakeModel(plain, ["keep the metformin going"])
        pieces, _ = transcribe_targeted(
            model, np.zeros(16_000 * 5), {"hotwords": "x"}, ["metformin"]
        )
        assert [p.text for p in pieces] == [" Hello there.", " Keep the metformin."]
        assert [c["hotwords"] for c in model.calls] == [None, "x"]

    def test_no_suspect_means_one_plain_decoding(self) -> None:
        model = FakeModel([segment(0.0, 2.0, " All good today.")], [])
        transcribe_targeted(model, np.zeros(16_000 * 2), {"hotwords": "x"}, ["metformin"])
        assert len(model.calls) == 1

    def test_words_with_timestamps_are_merged_into_the_term(self) -> None:
        timed = [
            Word(0.0, 0.5, " on", 0.9),
            Word(0.5, 0.9, " met", 0.6),
            Word(0.9, 1.4, " forming.", 0.5),
        ]
        plain = [Segment(0, 0, 0.0, 1.4, " on met forming.", [], -0.1, 1.0, 0.0, timed, 0.0)]
        model = FakeModel(plain, ["on metformin"])
        [piece], _ = transcribe_targeted(
            model, np.zeros(16_000 * 2), {"hotwords": "x"}, ["metformin"]
        )
        assert piece.text == " on metformin."
        assert [(w.start, w.end, w.word) for w in piece.words][-1] == (0.5, 1.4, " metformin.")


@pytest.mark.parametrize(("name", "roles"), [("clip.mono.wav", None), ("clip.stereo.wav", ROLES)])
async def test_the_real_model_transcribes_with_a_targeted_vocabulary(
    name: str, roles: tuple[SpeakerRole, ...] | None
) -> None:
    # Mono keeps Whisper's segments; per channel, their timed words are spliced.
    recognizer = WhisperRecognizer(ASRSettings(vocabulary_decoding="targeted"))
    vocabulary = ("Moore", "Thompson", "metformin")
    request = TranscriptionRequest(clip(name), channel_roles=roles, vocabulary=vocabulary)
    result = await recognizer.transcribe(request)
    assert result.segments
    assert all(segment.text for segment in result.segments)
