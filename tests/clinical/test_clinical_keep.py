from scribe.clinical import parse_transcript, write_note
from scribe.clinical.keep import KeepModel, features, shipped_model
from scribe.clinical.keep_training import labelled, train_keep_model
from scribe.evaluation import ACI_TEMPLATE

DIALOGUE = """[doctor] hi , what brings you in today ?
[patient] my back has hurt for two weeks since i lifted a box at work .
[doctor] any fever or chills ?
[patient] no .
[doctor] on exam , there is tenderness over the lower lumbar spine .
[doctor] i think you have a lumbar strain . i'm going to prescribe ibuprofen 600 mg ."""
NOTE = "Back pain for 2 weeks after lifting a box. Tenderness of the lumbar spine. Lumbar strain."


def test_model_round_trips_through_json() -> None:
    model = KeepModel({"pain": 1.5, "cat=hpi": -0.25}, -0.5, 0.1)
    again = KeepModel.from_json(model.to_json())
    assert again == model
    assert again.probability("Back pain.", "hpi") > again.probability("Back.", "hpi")


def test_features_are_words_pairs_and_category() -> None:
    assert features("Back pain.", "hpi") == ["back", "pain", "back_pain", "cat=hpi"]


def test_labels_follow_the_clinicians_note() -> None:
    rows = labelled(DIALOGUE, NOTE)
    kept = {" ".join(f for f in names if "_" not in f and "=" not in f): y for names, y in rows}
    assert any(y == 1 and "lumbar" in text for text, y in kept.items())
    assert any(y == 0 and "ibuprofen" in text for text, y in kept.items())


def test_training_is_deterministic() -> None:
    visits = [(DIALOGUE, NOTE)] * 3
    assert train_keep_model(visits).to_json() == train_keep_model(visits).to_json()


def test_a_model_drops_what_it_is_sure_of_and_keeps_provenance() -> None:
    model = KeepModel({"ibuprofen": -20.0}, 0.0, 0.5)
    utterances = parse_transcript(DIALOGUE)
    text = write_note(utterances, ACI_TEMPLATE, keep=model)
    plain = write_note(utterances, ACI_TEMPLATE, keep="off")

    def sentences(draft: object) -> list[str]:
        return [s.text for section in draft.sections for s in section.sentences]  # type: ignore[attr-defined]

    assert any("ibuprofen" in s for s in sentences(plain))
    assert not any("ibuprofen" in s for s in sentences(text))
    known = {u.id for u in utterances}
    assert all(
        s.segment_ids and set(s.segment_ids) <= known
        for sec in text.sections
        for s in sec.sentences
    )


def test_the_model_ships_with_the_package() -> None:
    model = shipped_model()
    assert model is not None
    assert len(model.weights) > 100
