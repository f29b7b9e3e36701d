"""Facts from a conversation: grouped, short, with their sources, denials kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from scribe.clinical import parse_transcript
from scribe.clinical.catalogue import find
from scribe.clinical.facts import (
    FACT_GROUPS,
    ExtractedFact,
    draft_from_facts,
    extract_facts,
    group_of,
)

VISIT = (Path(__file__).parents[1] / "data" / "visit_knee.txt").read_text()


@pytest.fixture(scope="module")
def visit_facts() -> list[ExtractedFact]:
    return extract_facts(parse_transcript(VISIT))


def texts(facts: list[ExtractedFact], group: str) -> list[str]:
    return [fact.text for fact in facts if fact.group == group]


class TestExtractFacts:
    def test_medications_allergies_and_vitals_are_one_fact_per_item(
        self, visit_facts: list[ExtractedFact]
    ) -> None:
        assert texts(visit_facts, "medications") == ["Ibuprofen 400 mg twice a day"]
        assert texts(visit_facts, "allergies") == ["Allergic to penicillin"]
        assert texts(visit_facts, "vitals") == ["Blood pressure 128/82", "Heart rate 76"]

    def test_a_denied_symptom_is_a_denies_fact_citing_question_and_answer(
        self, visit_facts: list[ExtractedFact]
    ) -> None:
        denial = next(f for f in visit_facts if f.text == "Denies fever and chills.")
        assert denial.group == "symptoms"
        assert denial.segment_ids == ("s4", "s5")

    def test_every_fact_names_the_utterances_it_came_from(
        self, visit_facts: list[ExtractedFact]
    ) -> None:
        ids = {u.id for u in parse_transcript(VISIT)}
        assert all(fact.segment_ids and set(fact.segment_ids) <= ids for fact in visit_facts)

    def test_findings_assessment_and_plan_have_their_groups(
        self, visit_facts: list[ExtractedFact]
    ) -> None:
        assert any("tenderness" in text for text in texts(visit_facts, "physical-exam"))
        assert any("fracture" in text for text in texts(visit_facts, "results"))
        assert any("sprain" in text for text in texts(visit_facts, "assessment"))
        assert any("2 weeks" in text for text in texts(visit_facts, "plan"))

    def test_a_mixed_sentence_is_kept_and_its_denial_added(self) -> None:
        facts = extract_facts(
            parse_transcript("Patient: I have no fever and no cough but I have a headache.")
        )
        assert [f.text for f in facts][-1] == "Denies fever and cough."
        assert any("headache" in f.text for f in facts)

    def test_extraction_is_deterministic(self, visit_facts: list[ExtractedFact]) -> None:
        assert extract_facts(parse_transcript(VISIT)) == visit_facts

    def test_nothing_clinical_gives_no_facts(self) -> None:
        assert extract_facts(parse_transcript("Doctor: Hello.\nPatient: Hi.")) == []

    def test_group_keys_are_unique_and_every_category_has_one(self) -> None:
        keys = [group.key for group in FACT_GROUPS]
        assert len(keys) == len(set(keys))
        assert group_of("prescriptions") == "plan"
        assert group_of("ros") == "symptoms"


class TestDraftFromFacts:
    def test_facts_go_to_the_sections_of_their_groups(self) -> None:
        template = find("corti", "corti-soap", "en")
        assert template is not None
        draft = draft_from_facts(
            [
                ("Knee pain for 2 days", "symptoms"),
                ("Blood pressure 128/82", "vitals"),
                ("MCL sprain", "assessment"),
                ("Naproxen 500 mg twice a day", "plan"),
            ],
            template,
        )
        assert draft.as_mapping() == {
            "corti-subjective": "Knee pain for 2 days.",
            "corti-objective": "Blood pressure 128/82.",
            "corti-assessment": "MCL sprain.",
            "corti-plan": "Naproxen 500 mg twice a day.",
        }

    def test_a_fact_without_a_known_group_is_classified_by_its_text(self) -> None:
        template = find("corti", "corti-soap", "en")
        assert template is not None
        draft = draft_from_facts([("Blood pressure is 150/95.", None)], template)
        assert draft.as_mapping()["corti-objective"] == "Blood pressure is 150/95."
