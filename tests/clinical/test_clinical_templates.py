from scribe.clinical import BUILTIN_TEMPLATES, generic_template, get_template
from scribe.clinical.templates import SOAP
from scribe.clinical.types import SectionSpec, TemplateSpec, language_chain


class TestCatalogue:
    def test_section_keys_and_titles(self) -> None:
        expected = {
            "SOAP": ["subjective", "objective", "assessment", "plan"],
            "BIRP": ["behavior", "intervention", "response", "plan"],
            "DAP": ["data", "assessment", "plan"],
            "GIRP": ["goals", "intervention", "response", "plan"],
        }
        for key, sections in expected.items():
            assert [s.key for s in BUILTIN_TEMPLATES[key].sections] == sections
        assert [s.title for s in BUILTIN_TEMPLATES["SOAP"].sections] == [
            "Subjective",
            "Objective",
            "Assessment",
            "Plan",
        ]

    def test_soap_feeds(self) -> None:
        soap = {s.key: s.kinds for s in BUILTIN_TEMPLATES["SOAP"].sections}
        assert {"chief_complaint", "hpi", "medications", "allergies"} <= set(soap["subjective"])
        assert soap["objective"][:3] == ("vitals", "exam", "results")
        assert {"labs", "imaging"} <= set(soap["objective"])
        assert soap["assessment"][0] == "assessment"
        assert {"plan", "prescriptions", "follow_up"} <= set(soap["plan"])

    def test_a_dedicated_section_keeps_its_kind(self) -> None:
        # DAP's data section lists interventions, so its plan must not also claim them.
        dap = {s.key: s.kinds for s in BUILTIN_TEMPLATES["DAP"].sections}
        assert "intervention" in dap["data"]
        assert "intervention" not in dap["plan"]

    def test_hp_sections(self) -> None:
        assert [s.key for s in BUILTIN_TEMPLATES["HP"].sections][:3] == [
            "chief_complaint",
            "history_of_present_illness",
            "review_of_systems",
        ]

    def test_omniloy_family_and_module_constants(self) -> None:
        assert SOAP is BUILTIN_TEMPLATES["SOAP"]
        assert {t.family for t in BUILTIN_TEMPLATES.values()} == {"omniloy"}
        assert SOAP.languages == ()


class TestLookup:
    def test_case_insensitive(self) -> None:
        assert get_template("soap") is BUILTIN_TEMPLATES["SOAP"]
        assert get_template("H&P") is BUILTIN_TEMPLATES["HP"]
        assert get_template(" History and Physical ") is BUILTIN_TEMPLATES["HP"]
        assert get_template("nonsense") is None

    def test_custom_names_stay_custom(self) -> None:
        for name in ("Ortho Follow-up", "my_template", "Research Form", "Custom X"):
            assert get_template(name) is None

    def test_families_are_namespaces(self) -> None:
        found = {f: get_template("soap", f) for f in ("omniloy", "nabla", "corti")}
        assert {f: t.key if t else None for f, t in found.items()} == {
            "omniloy": "SOAP",
            "nabla": "SOAP",
            "corti": "corti-soap",
        }
        nabla = found["nabla"]
        assert nabla is not None
        assert nabla.sections[0].key == "SOAP_SUBJECTIVE"
        assert nabla.family == "nabla"

    def test_generic_template_for_custom_names(self) -> None:
        template = generic_template("my_custom_note")
        assert template.key == "my_custom_note"
        assert template.name == "my custom note"
        assert [s.key for s in template.sections] == [
            "chief_complaint",
            "history_of_present_illness",
            "medications",
            "allergies",
            "physical_exam",
            "results",
            "assessment",
            "plan",
        ]


class TestLanguages:
    def test_language_chain(self) -> None:
        assert language_chain("de-CH") == ("de-ch", "de")
        assert language_chain("en_US") == ("en-us", "en")
        assert language_chain(None) == ()
        assert language_chain(" ") == ()

    def test_title_in_falls_back_to_english(self) -> None:
        section = SectionSpec(
            "plan", "Plan", ("plan",), titles=(("en", "Plan"), ("fr", "Conduite à tenir"))
        )
        assert section.title_in("fr-FR") == "Conduite à tenir"
        assert section.title_in("FR") == "Conduite à tenir"
        assert section.title_in("da") == "Plan"
        assert section.title_in(None) == "Plan"

    def test_supports_and_localized(self) -> None:
        section = SectionSpec("p", "Plan", ("plan",), titles=(("es", "Plan terapéutico"),))
        template = TemplateSpec("t", "T", (section,), languages=("en", "es"))
        assert template.supports("es-MX")
        assert not template.supports("fr")
        assert TemplateSpec("t", "T", (section,)).supports("fr")
        assert template.localized("es").sections[0].title == "Plan terapéutico"
        assert template.localized(None) is template
