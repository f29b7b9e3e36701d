"""Summary sections written from record items only, each sentence citing its items."""

from __future__ import annotations

import re

import pytest

from scribe.clinical.summary import SourceItem, section_kinds, summarize_section

RECORD = (
    SourceItem("c1", "condition", "Essential hypertension", "2019-03-01"),
    SourceItem("c2", "condition", "type 2 diabetes mellitus"),
    SourceItem("m1", "medication", "lisinopril 20 mg once daily"),
    SourceItem("m2", "medication", "metformin 500 mg twice daily", "2024-01-02"),
    SourceItem("m3", "medication", "Lisinopril 20 mg once daily."),
    SourceItem("a1", "allergy", "penicillin (hives)"),
    SourceItem("o1", "observation", "Blood pressure 142/90 mmHg", "2024-05-01"),
    SourceItem("o2", "observation", "HbA1c 7.2 %", "2024-04-01"),
    SourceItem("e1", "encounter", "Emergency visit for chest pain", "2023-11-02"),
    SourceItem(
        "d1",
        "document",
        "Discharge letter. Admitted for pneumonia. Treated with antibiotics for 7 days.",
        "2022-01-05",
    ),
)
_LABEL_WORDS = {"conditions", "medications", "allergies", "latest", "observations"}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


class TestKinds:
    @pytest.mark.parametrize(
        ("title", "kinds"),
        [
            ("Medications", ("medication",)),
            ("Current meds", ("medication",)),
            ("Medicación actual", ("medication",)),
            ("Problem list", ("condition",)),
            ("Past medical history", ("condition",)),
            ("Allergies and intolerances", ("allergy",)),
            ("Vital signs", ("observation",)),
            ("Lab results", ("observation",)),
            ("History of Present Illness", ()),
            ("Overview", ()),
        ],
    )
    def test_title_picks_the_kinds(self, title: str, kinds: tuple[str, ...]) -> None:
        assert section_kinds(title) == kinds

    def test_instructions_help_when_the_title_does_not(self) -> None:
        assert section_kinds("Section 2", "List the active medications") == ("medication",)


class TestListing:
    def test_medications_newest_first_duplicates_merged(self) -> None:
        sentences = summarize_section("Medications", RECORD)
        assert [(s.text, s.segment_ids) for s in sentences] == [
            ("Metformin 500 mg twice daily (2024-01-02).", ("m2",)),
            ("Lisinopril 20 mg once daily.", ("m1", "m3")),
        ]

    def test_vitals_and_labs_are_told_apart(self) -> None:
        assert [s.segment_ids for s in summarize_section("Vital signs", RECORD)] == [("o1",)]
        assert [s.segment_ids for s in summarize_section("Labs", RECORD)] == [("o2",)]

    def test_nothing_relevant(self) -> None:
        (sentence,) = summarize_section("Immunizations", RECORD)
        assert sentence.text == "Nothing relevant is recorded."
        assert sentence.segment_ids == ()
        (spanish,) = summarize_section("Vacunas", [], language="es-ES")
        assert spanish.text == "No consta información relevante."

    def test_non_english_items_are_not_rewritten(self) -> None:
        items = [SourceItem("m", "medication", "metformina 850 mg cada 12 horas")]
        (sentence,) = summarize_section("Medicación", items, language="es")
        assert sentence.text == "Metformina 850 mg cada 12 horas."


class TestDigest:
    def test_ordered_digest(self) -> None:
        sentences = summarize_section("History of Present Illness", RECORD)
        assert [s.segment_ids for s in sentences] == [
            ("c1", "c2"),
            ("m1", "m3", "m2"),
            ("a1",),
            ("d1",),
            ("e1",),
            ("o1", "o2"),
        ]
        assert sentences[0].text == "Conditions: Essential hypertension; type 2 diabetes mellitus."
        assert sentences[3].text == "Discharge letter. Admitted for pneumonia (2022-01-05)."

    @pytest.mark.parametrize("title", ["Overview", "Medications", "Problems", "Vital signs"])
    def test_every_sentence_is_grounded_in_the_items_it_cites(self, title: str) -> None:
        by_id = {item.id: item for item in RECORD}
        for sentence in summarize_section(title, RECORD):
            assert sentence.segment_ids
            cited = set().union(
                *(_words(by_id[i].text + " " + (by_id[i].date or "")) for i in sentence.segment_ids)
            )
            assert _words(sentence.text) <= cited | _LABEL_WORDS
