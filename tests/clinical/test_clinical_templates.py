from scribe.clinical import BUILTIN_TEMPLATES, generic_template, get_template


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
        assert soap["objective"] == ("vitals", "exam", "results")
        assert soap["assessment"] == ("assessment",)
        assert {"plan", "prescriptions", "follow_up"} <= set(soap["plan"])

    def test_hp_sections(self) -> None:
        assert [s.key for s in BUILTIN_TEMPLATES["HP"].sections][:3] == [
            "chief_complaint",
            "history_of_present_illness",
            "review_of_systems",
        ]


class TestLookup:
    def test_case_insensitive(self) -> None:
        assert get_template("soap") is BUILTIN_TEMPLATES["SOAP"]
        assert get_template("H&P") is BUILTIN_TEMPLATES["HP"]
        assert get_template("nonsense") is None

    def test_generic_template_for_custom_names(self) -> None:
        template = generic_template("my_custom_note")
        assert template.key == "my_custom_note"
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
