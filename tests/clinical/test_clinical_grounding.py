"""Finding the passages a statement rests on by its words and numbers."""

from __future__ import annotations

from scribe.clinical.grounding import source_segments, supporting

RECORD = [
    ("c1", "Essential hypertension (active, since 2019-03-01)"),
    ("c2", "Type 2 diabetes mellitus"),
    ("m1", "lisinopril 20 mg daily"),
    ("m2", "metformin 500 mg twice daily"),
]


class TestSupporting:
    def test_a_copied_statement_finds_its_passage(self) -> None:
        assert supporting("Lisinopril 20 mg daily.", RECORD) == ("m1",)

    def test_a_listing_finds_each_item(self) -> None:
        found = supporting("Conditions: hypertension, type 2 diabetes.", RECORD)
        assert set(found) == {"c1", "c2"}

    def test_unrelated_text_finds_nothing(self) -> None:
        assert supporting("Nothing relevant is recorded.", RECORD) == ()
        assert supporting("", RECORD) == ()

    def test_a_value_is_found_with_its_field_name(self) -> None:
        passages = [("s0", "Tiene tos."), ("s1", "Fiebre de 38,5 grados.")]
        assert supporting("38.5", passages, cue="Temperatura") == ("s1",)

    def test_one_shared_word_is_not_enough_for_a_longer_statement(self) -> None:
        assert supporting("Daily walks and a low salt diet.", RECORD) == ()


class TestSourceSegments:
    def test_sentences_of_lines_with_speakers(self) -> None:
        segments = source_segments("Doctor: How are you? Any fever?\n- Patient: No fever.\n")
        assert [(s.id, s.text, s.speaker) for s in segments] == [
            ("s0", "How are you?", "doctor"),
            ("s1", "Any fever?", "doctor"),
            ("s2", "No fever.", "patient"),
        ]
