"""The template catalogue: every template the vendors name, as data the engine can write with."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from scribe.clinical import catalogue, parse_transcript, write_note
from scribe.clinical.catalogue._load import RawSection
from scribe.clinical.notes import section_routes
from scribe.clinical.types import Category, TemplateSpec

VISIT = (Path(__file__).parents[1] / "data" / "visit_knee.txt").read_text()

NABLA_TEMPLATES = [
    "GENERAL_MEDICINE",
    "GENERAL_MEDICINE_AP_MERGED",
    "CARDIOLOGY",
    "PSYCHIATRY",
    "DIET",
    "PSYCHOLOGY",
    "SOAP",
    "GENERAL_MEDICINE_WCC",
    "SOAP_WCC",
    "GENERAL_MEDICINE_EMERGENCY",
    "SOAP_EMERGENCY",
]
NABLA_SECTION_KEYS = set(
    "ALLERGIES APPOINTMENTS ASSESSMENT ASSESSMENT_AND_PLAN CARDIOVASCULAR_RISKS CHIEF_COMPLAINT"
    " CURRENT_MEDICATIONS DIET_APPOINTMENTS DIET_CHIEF_COMPLAINT DIET_HABITS DIET_LIFESTYLE"
    " DIET_MEDICAL_HISTORY DIET_OBJECTIVES DIET_VITALS FAMILY_HISTORY HISTORY_OF_PRESENT_ILLNESS"
    " IMAGING_RESULTS IMMUNIZATIONS LAB_RESULTS MENTAL_HEALTH_EXAM MENTAL_HEALTH_HISTORY"
    " PAST_MEDICAL_HISTORY PAST_OBSTETRIC_HISTORY PAST_SURGICAL_HISTORY PHYSICAL_EXAM PLAN"
    " PRESCRIPTION PSYCHOLOGY_HISTORY_OF_COMPLAINT SOAP_ASSESSMENT SOAP_OBJECTIVE SOAP_PLAN"
    " SOAP_SUBJECTIVE SOCIAL_HISTORY VITALS WELL_CHILD_CARE".split()
)
NABLA_ORDER = {
    "GENERAL_MEDICINE": "CHIEF_COMPLAINT HISTORY_OF_PRESENT_ILLNESS PAST_MEDICAL_HISTORY"
    " PAST_SURGICAL_HISTORY PAST_OBSTETRIC_HISTORY FAMILY_HISTORY SOCIAL_HISTORY ALLERGIES"
    " CURRENT_MEDICATIONS IMMUNIZATIONS VITALS LAB_RESULTS IMAGING_RESULTS PHYSICAL_EXAM"
    " ASSESSMENT PLAN PRESCRIPTION APPOINTMENTS",
    "CARDIOLOGY": "CHIEF_COMPLAINT HISTORY_OF_PRESENT_ILLNESS CARDIOVASCULAR_RISKS FAMILY_HISTORY"
    " ALLERGIES PAST_OBSTETRIC_HISTORY PAST_SURGICAL_HISTORY PAST_MEDICAL_HISTORY SOCIAL_HISTORY"
    " CURRENT_MEDICATIONS VITALS IMMUNIZATIONS PHYSICAL_EXAM LAB_RESULTS IMAGING_RESULTS"
    " ASSESSMENT PLAN PRESCRIPTION APPOINTMENTS",
    "PSYCHIATRY": "CHIEF_COMPLAINT HISTORY_OF_PRESENT_ILLNESS FAMILY_HISTORY ALLERGIES"
    " PAST_OBSTETRIC_HISTORY PAST_SURGICAL_HISTORY PAST_MEDICAL_HISTORY SOCIAL_HISTORY"
    " CURRENT_MEDICATIONS VITALS IMMUNIZATIONS PHYSICAL_EXAM LAB_RESULTS IMAGING_RESULTS"
    " ASSESSMENT MENTAL_HEALTH_EXAM PLAN PRESCRIPTION APPOINTMENTS",
    "SOAP": "SOAP_SUBJECTIVE SOAP_OBJECTIVE SOAP_ASSESSMENT SOAP_PLAN",
}
CORTI_TEMPLATES = [
    "corti-soap",
    "corti-brief-clinical-note",
    "corti-h-and-p",
    "corti-emergency-note",
    "corti-nursing-note",
    "corti-patient-summary",
    "corti-epic-avr",
    "corti-outpatient-visit-note",
    "corti-emergency-response-note",
]
CORTI_SECTION_KEYS = {
    f"corti-{name}"
    for name in (
        "actions allergies assessment assessment-and-plan brief-clinical-note chief-complaint"
        " diagnostic-results discussion-notes emergency-situation-details family-history hpi"
        " medical-decision-making medications objective past-medical-and-surgical-history"
        " past-medical-history patient-summary physical-exam-without-vitals"
        " physical-exam-with-vitals plan review-of-systems social-history-w-smoking-and-alcohol"
        " social-history-w-o-smoking-and-alcohol subjective surgical-history vital-signs"
    ).split()
}
CORTI_LANGUAGES = ("da", "de", "de-CH", "en", "en-GB", "es", "fr", "sv")
ALL_TEMPLATES = [
    pytest.param(t, id=f"{family}:{t.key}")
    for family in catalogue.FAMILIES
    for t in catalogue.list_templates(family)
]
# Templates that ask for part of the visit only, so some of it rightly has no home.
NARROW = {"clinia-hpi-medications"}
WHOLE_VISIT_TEMPLATES = [
    pytest.param(t, id=f"{family}:{t.key}")
    for family in catalogue.FAMILIES
    for t in catalogue.list_templates(family)
    if t.key not in NARROW
]
CLINICAL: tuple[Category, ...] = (
    "chief_complaint",
    "hpi",
    "ros",
    "past_history",
    "family_history",
    "social_history",
    "medications",
    "allergies",
    "vitals",
    "exam",
    "results",
    "assessment",
    "plan",
    "prescriptions",
    "follow_up",
)


def keys(template: TemplateSpec | None) -> list[str]:
    assert template is not None
    return [section.key for section in template.sections]


class TestNabla:
    def test_all_eleven_templates_in_enum_order(self) -> None:
        assert [t.key for t in catalogue.list_templates("nabla")] == NABLA_TEMPLATES

    @pytest.mark.parametrize(("template", "order"), NABLA_ORDER.items())
    def test_documented_section_order(self, template: str, order: str) -> None:
        assert keys(catalogue.find("nabla", template)) == order.split()

    def test_ap_merged_merges_assessment_and_plan(self) -> None:
        merged = keys(catalogue.find("nabla", "GENERAL_MEDICINE_AP_MERGED"))
        general = keys(catalogue.find("nabla", "GENERAL_MEDICINE"))
        at = general.index("ASSESSMENT")
        assert merged == [*general[:at], "ASSESSMENT_AND_PLAN", *general[at + 2 :]]

    def test_variants_extend_their_base(self) -> None:
        assert keys(catalogue.find("nabla", "SOAP_WCC")) == [
            *NABLA_ORDER["SOAP"].split(),
            "WELL_CHILD_CARE",
        ]
        assert keys(catalogue.find("nabla", "GENERAL_MEDICINE_EMERGENCY")) == keys(
            catalogue.find("nabla", "GENERAL_MEDICINE")
        )

    def test_sections_come_from_the_documented_enum(self) -> None:
        used = {s.key for t in catalogue.list_templates("nabla") for s in t.sections}
        assert used <= NABLA_SECTION_KEYS
        assert {s.key for s in catalogue.section_catalogue("nabla")} == NABLA_SECTION_KEYS

    def test_every_section_has_english_and_french_titles(self) -> None:
        for template in catalogue.list_templates("nabla"):
            for section in template.sections:
                titles = dict(section.titles)
                assert titles["en"], section.key
                assert titles["fr"], section.key
        french = catalogue.find("nabla", "GENERAL_MEDICINE", "fr-FR")
        assert french is not None
        assert french.sections[0].title == "Motif de consultation"
        assert all(s.title for s in french.sections)

    def test_language_restrictions(self) -> None:
        assert catalogue.find("nabla", "GENERAL_MEDICINE_AP_MERGED", "fr-FR") is None
        assert catalogue.find("nabla", "GENERAL_MEDICINE_AP_MERGED", "en-GB") is not None
        assert catalogue.find("nabla", "GENERAL_MEDICINE", "es-ES") is None
        assert len(catalogue.list_templates("nabla", "fr")) == len(NABLA_TEMPLATES) - 1

    def test_english_titles_by_default(self) -> None:
        english = catalogue.find("nabla", "GENERAL_MEDICINE", "en-US")
        assert english is not None
        assert english.sections[0].title == "Chief complaint"


class TestCorti:
    def test_nine_templates_with_unprefixed_aliases(self) -> None:
        assert [t.key for t in catalogue.list_templates("corti")] == CORTI_TEMPLATES
        for key in CORTI_TEMPLATES:
            alias = key.removeprefix("corti-")
            found = catalogue.find("corti", alias)
            assert found is not None
            assert found.key == key
            assert alias in found.aliases

    def test_languages(self) -> None:
        for template in catalogue.list_templates("corti"):
            assert template.languages == CORTI_LANGUAGES
        assert catalogue.list_templates("corti", "it") == ()
        assert len(catalogue.list_templates("corti", "de-CH")) == len(CORTI_TEMPLATES)

    def test_standard_sections(self) -> None:
        sections = catalogue.section_catalogue("corti")
        assert {s.key for s in sections} == CORTI_SECTION_KEYS
        assert all(s.title and s.instructions and s.kinds for s in sections)
        for template in catalogue.list_templates("corti"):
            assert set(keys(template)) <= CORTI_SECTION_KEYS

    def test_h_and_p_sections(self) -> None:
        template = catalogue.find("corti", "corti-h-and-p")
        assert template is not None
        assert [s.title for s in template.sections] == [
            "Chief complaint",
            "History of present illness",
            "Past medical and surgical history",
            "Family history",
            "Social history",
            "Medications",
            "Allergies",
            "Review of systems",
            "Physical exam with vitals",
            "Diagnostic results",
            "Assessment",
            "Plan",
        ]

    def test_a_template_can_rename_a_section(self) -> None:
        outpatient = catalogue.find("corti", "outpatient-visit-note")
        assert outpatient is not None
        assert outpatient.sections[0].key == "corti-chief-complaint"
        assert outpatient.sections[0].title == "Reason for visit"


class TestClinia:
    def test_summary_templates(self) -> None:
        templates = catalogue.list_templates("clinia")
        assert len(templates) >= 5
        assert len({t.key for t in templates}) == len(templates)
        names = " ".join(t.name for t in templates)
        for word in ("Longitudinal", "Discharge", "SOAP", "Pass-over"):
            assert word in names

    def test_hpi_and_medications(self) -> None:
        template = catalogue.find("clinia", "clinia-hpi-medications")
        assert template is not None
        assert [s.title for s in template.sections] == ["History of Present Illness", "Medications"]

    def test_every_section_has_instructions_and_french(self) -> None:
        for template in catalogue.list_templates("clinia"):
            assert template.description
            for section in template.sections:
                assert section.instructions
                assert dict(section.titles)["fr"]

    def test_older_recipe_key_finds_the_discharge_summary(self) -> None:
        found = catalogue.find("clinia", "discharge-summary")
        assert found is not None
        assert found.key == "clinia-discharge-summary"


class TestLookup:
    def test_case_and_punctuation_do_not_matter(self) -> None:
        assert catalogue.find("nabla", "general-medicine") is catalogue.find(
            "nabla", "GENERAL_MEDICINE"
        )
        assert catalogue.find("corti", "Corti-SOAP") is catalogue.find("corti", "soap")

    def test_any_family(self) -> None:
        assert catalogue.find_any("soap") is catalogue.find("omniloy", "SOAP")
        found = catalogue.find_any("GENERAL_MEDICINE")
        assert found is not None
        assert found.family == "nabla"
        assert catalogue.find_any("nonsense") is None

    def test_unknown_key_and_family(self) -> None:
        assert catalogue.find("corti", "corti-nonsense") is None
        with pytest.raises(ValueError, match="unknown template family"):
            catalogue.find("acme", "SOAP")


class TestCompose:
    def test_dynamic_template_from_section_keys(self) -> None:
        template = catalogue.compose("corti", "dyn", "Dynamic", ["corti-plan", "corti-hpi"])
        assert keys(template) == ["corti-plan", "corti-hpi"]
        assert template.family == "corti"
        routes = section_routes(template)
        assert routes["hpi"] == "corti-hpi"
        assert routes["medications"] == "corti-hpi"

    def test_unknown_sections(self) -> None:
        with pytest.raises(catalogue.UnknownSectionError) as raised:
            catalogue.compose("corti", "dyn", "Dynamic", ["corti-plan", "corti-x"])
        assert raised.value.keys == ("corti-x",)
        with pytest.raises(ValueError, match="at least one section"):
            catalogue.compose("corti", "dyn", "Dynamic", [])


class TestCustomTemplate:
    def test_sections_fed_by_their_titles(self) -> None:
        template = catalogue.custom_template(
            "mine",
            "Mine",
            [
                catalogue.CustomSection("s", "Subjective"),
                catalogue.CustomSection("meds", "Medications"),
                catalogue.CustomSection("p", "Plan"),
            ],
        )
        kinds = {s.key: s.kinds for s in template.sections}
        assert "medications" in kinds["meds"]
        assert "medications" not in kinds["s"]
        assert "hpi" in kinds["s"]
        assert template.family == "custom"

    def test_explicit_kinds_and_unknown_titles(self) -> None:
        template = catalogue.custom_template(
            "mine",
            "Mine",
            [
                catalogue.CustomSection("x", "Zzz", kinds=("assessment",)),
                catalogue.CustomSection("y", "Qqq"),
                catalogue.CustomSection("allergies", "Qqq"),
            ],
            language="es",
        )
        assert [s.kinds for s in template.sections] == [("assessment",), (), ("allergies",)]
        assert template.languages == ("es",)


class TestTitleMapping:
    @pytest.mark.parametrize(
        ("title", "expected"),
        [
            ("Medications", {"medications"}),
            ("Plan", {"plan"}),
            ("History of present illness", {"hpi"}),
            ("Antecedentes", {"past_history"}),
            ("Antécédents familiaux", {"family_history"}),
            ("Assessment and Plan", {"assessment", "plan"}),
            ("corti-physical-exam-with-vitals", {"exam", "vitals"}),
            ("Lab results", {"labs", "results"}),
            ("Motivo de consulta", {"chief_complaint"}),
            ("Alergias", {"allergies"}),
            ("CURRENT_MEDICATIONS", {"medications"}),
        ],
    )
    def test_own_kinds(self, title: str, expected: set[str]) -> None:
        own, _ = catalogue.title_kinds(title)
        assert set(own) == expected

    def test_exclusions_and_specificity(self) -> None:
        assert "vitals" not in catalogue.kinds_for_title("corti-physical-exam-without-vitals")
        assert "past_history" not in catalogue.kinds_for_title("History of present illness")
        assert "medications" not in catalogue.kinds_for_title("Past medical history")

    def test_broad_titles_take_everything_else(self) -> None:
        own, also = catalogue.title_kinds("Subjective")
        assert own == ()
        assert {"hpi", "medications", "allergies"} <= set(also)
        assert {"plan", "exam"} <= set(catalogue.kinds_for_title("Brief clinical note"))

    def test_unknown_titles(self) -> None:
        assert catalogue.kinds_for_title("Zzz qqq") == ()

    @pytest.mark.parametrize("template", ALL_TEMPLATES)
    def test_agrees_with_the_catalogue(self, template: TemplateSpec) -> None:
        for section in template.sections:
            for text in (section.key, *(title for _, title in section.titles)):
                assert set(catalogue.kinds_for_title(text)) & set(section.kinds), text


class TestWritingNotes:
    @pytest.mark.parametrize("template", ALL_TEMPLATES)
    def test_every_template_writes_the_visit(self, template: TemplateSpec) -> None:
        note = write_note(parse_transcript(VISIT), template)
        assert [s.key for s in note.sections] == keys(template)
        filled = {s.key for s in note.sections if s.sentences}
        routes = section_routes(template)
        assert {routes.get(c) for c in ("chief_complaint", "hpi")} & filled
        assert {routes.get(c) for c in ("plan", "prescriptions", "follow_up")} & filled

    @pytest.mark.parametrize("template", WHOLE_VISIT_TEMPLATES)
    def test_nothing_clinical_is_dropped(self, template: TemplateSpec) -> None:
        routes = section_routes(template)
        assert [c for c in CLINICAL if c not in routes] == []

    def test_nabla_general_medicine_sections(self) -> None:
        template = catalogue.find("nabla", "GENERAL_MEDICINE")
        assert template is not None
        note = write_note(parse_transcript(VISIT), template)
        filled = {s.key for s in note.sections if s.sentences}
        assert {
            "HISTORY_OF_PRESENT_ILLNESS",
            "ALLERGIES",
            "CURRENT_MEDICATIONS",
            "VITALS",
            "PHYSICAL_EXAM",
            "ASSESSMENT",
        } <= filled
        assert "PAST_OBSTETRIC_HISTORY" not in filled

    def test_french_note_titles(self) -> None:
        template = catalogue.find("nabla", "SOAP", "fr")
        assert template is not None
        note = write_note(parse_transcript(VISIT), template)
        assert [s.title for s in note.sections] == ["Subjectif", "Objectif", "Évaluation", "Plan"]


class TestDataValidation:
    def test_unknown_category_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="unknown category"):
            RawSection(title={"en": "X"}, kinds=["nonsense"])

    def test_english_title_is_required(self) -> None:
        with pytest.raises(ValidationError, match="English title"):
            RawSection(title={"fr": "X"}, kinds=["plan"])

    def test_groups_expand(self) -> None:
        assert set(catalogue.GROUPS["all"]) >= set(CLINICAL)
