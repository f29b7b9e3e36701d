"""Sentence ends put back into unpunctuated speech, by a model learned from punctuated turns."""

from __future__ import annotations

from scribe import clinical
from scribe.clinical.punctuation import Punctuator, punctuated, shipped_punctuator
from scribe.clinical.punctuation_training import examples, train_punctuator
from scribe.clinical.types import Utterance

_DIALOGUE = """[doctor] How long has your knee hurt? Did you fall?
[patient] It started two weeks ago. I did not fall. It is worse on the stairs.
[doctor] Any swelling? Does it lock?
[patient] It swells at night. It does not lock. I take ibuprofen for it.
[doctor] Okay. We will get an x-ray. I will see you in two weeks."""


def _trained() -> Punctuator:
    model = train_punctuator([_DIALOGUE] * 4)
    assert model is not None
    return model


class TestTraining:
    def test_every_gap_of_a_punctuated_turn_is_an_example(self) -> None:
        rows, labels = examples([_DIALOGUE])
        assert len(rows) == len(_DIALOGUE.split()) - 5  # the five speaker labels
        assert labels.count(2) == 4  # four questions
        assert "w=hurt" in rows[5]

    def test_deterministic_and_round_trips(self) -> None:
        model = _trained()
        assert model.to_json() == _trained().to_json()
        assert Punctuator.from_json(model.to_json()) == model

    def test_nothing_to_learn_from_unpunctuated_speech(self) -> None:
        assert train_punctuator(["[doctor] how are you\n[patient] fine thanks"]) is None


class TestPunctuating:
    def test_runs_are_cut_and_punctuated_text_is_left_alone(self) -> None:
        model = _trained()
        run = "it started two weeks ago i did not fall it is worse on the stairs"
        written = model.punctuate(run, asks=False)
        assert written.count(".") >= 1
        assert written[0].isupper()
        assert not written.endswith((".", "?"))  # the turn's end is left to the engine
        assert model.punctuate("It hurts. A lot") == "It hurts. A lot"
        assert model.punctuate("it hurts a lot") == "it hurts a lot"  # too short to cut

    def test_a_patient_never_asks(self) -> None:
        model = _trained()
        run = "how long has your knee hurt did you fall any swelling does it lock"
        assert "?" in model.punctuate(run)
        assert "?" not in model.punctuate(run, asks=False)

    def test_ids_speakers_and_times_are_kept(self) -> None:
        model = _trained()
        said = Utterance("s3", "it started two weeks ago i did not fall", "patient", 10, 900)
        (written,) = punctuated([said], model)
        assert (written.id, written.speaker, written.start_ms, written.end_ms) == (
            "s3",
            "patient",
            10,
            900,
        )
        assert written.text != said.text


class TestShipped:
    def test_the_shipped_model_cuts_a_recognisers_run(self) -> None:
        model = shipped_punctuator()
        assert model is not None
        run = (
            "okay so how long have you had the pain it started about two weeks ago and it is"
            " worse when i climb the stairs i took some ibuprofen but it did not help"
        )
        assert len(clinical.split_sentences(model.punctuate(run, asks=False))) >= 2

    def test_notes_from_unpunctuated_speech_cite_real_utterances(self) -> None:
        dialogue = "\n".join(
            [
                "[doctor] hi how are you doing today what brings you in",
                "[patient] my right knee has been hurting for about two weeks it started after"
                " i went running and it is worse when i climb the stairs",
                "[doctor] okay have you taken anything for the pain",
                "[patient] i took ibuprofen six hundred milligrams twice a day and it helped a"
                " little bit but not much",
                "[doctor] alright on exam there is mild swelling of the right knee no redness"
                " full range of motion i think this is a knee sprain we will start physical"
                " therapy and i want you to ice it and i will see you back in two weeks",
            ]
        )
        utterances = clinical.parse_transcript(dialogue)
        draft = clinical.write_note(utterances, clinical.get_template("SOAP") or _missing())
        ids = {u.id for u in utterances}
        sentences = [s for section in draft.sections for s in section.sentences]
        assert sentences
        assert all(s.segment_ids and set(s.segment_ids) <= ids for s in sentences)


def _missing() -> clinical.TemplateSpec:
    raise AssertionError("SOAP is a built-in template")
