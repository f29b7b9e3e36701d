from scribe.clinical import (
    Medication,
    Vital,
    extract_allergies,
    extract_medications,
    extract_vitals,
)


class TestExtractMedications:
    def test_names_doses_and_frequencies(self) -> None:
        text = (
            "I take lisinopril 20 mg a day and metformin 500 milligrams twice a day, "
            "plus albuterol 2 puffs every 6 hours as needed."
        )
        assert extract_medications(text) == [
            Medication("lisinopril", "20 mg", "daily", generic="lisinopril"),
            Medication("metformin", "500 milligrams", "twice a day", generic="metformin"),
            Medication("albuterol", "2 puffs", "every 6 hours", generic="albuterol"),
        ]

    def test_route_and_generic_of_a_brand(self) -> None:
        text = "Start Motrin 600 mg by mouth three times a day; albuterol inhaler as needed."
        assert extract_medications(text) == [
            Medication("motrin", "600 mg", "three times a day", "PO", "ibuprofen"),
            Medication("albuterol", None, "as needed", "inhaled", "albuterol"),
        ]

    def test_names_of_several_words(self) -> None:
        found = extract_medications("She takes vitamin d and polyethylene glycol daily.")
        assert [m.name for m in found] == ["vitamin d", "polyethylene glycol"]

    def test_street_drugs_are_not_medications(self) -> None:
        assert extract_medications("He used cocaine and marijuana in college.") == []

    def test_recognises_class_suffixes_and_brand_names(self) -> None:
        names = [m.name for m in extract_medications("on Lasix, candesartan and bisoprolol")]
        assert names == ["lasix", "candesartan", "bisoprolol"]

    def test_each_drug_once_keeping_first_details(self) -> None:
        found = extract_medications("lasix 40 mg daily. We will increase the lasix to 80 mg.")
        assert found == [Medication("lasix", "40 mg", "daily", generic="furosemide")]

    def test_april_is_not_a_drug(self) -> None:
        assert extract_medications("It started in April.") == []


class TestExtractVitals:
    def test_spoken_vitals(self) -> None:
        text = (
            "blood pressure is 120 over 80, heart rate 72, temperature 98.6 degrees, "
            "respiratory rate 16, O2 sat 98%, weight 180 pounds, BMI 27.5"
        )
        assert extract_vitals(text) == [
            Vital("blood pressure", "120/80", None),
            Vital("heart rate", "72", None),
            Vital("temperature", "98.6", "degrees"),
            Vital("respiratory rate", "16", None),
            Vital("oxygen saturation", "98", "%"),
            Vital("weight", "180", "pounds"),
            Vital("bmi", "27.5", None),
        ]

    def test_units_are_normalised(self) -> None:
        assert extract_vitals("BP 130/85 mmHg, pulse of 88 bpm") == [
            Vital("blood pressure", "130/85", "mmHg"),
            Vital("heart rate", "88", "bpm"),
        ]

    def test_no_value_no_vital(self) -> None:
        assert extract_vitals("Your blood pressure looks good.") == []


class TestExtractAllergies:
    def test_allergic_to_lists(self) -> None:
        assert extract_allergies("I'm allergic to penicillin and sulfa.") == ["penicillin", "sulfa"]

    def test_noun_allergy(self) -> None:
        assert extract_allergies("She has a latex allergy.") == ["latex"]

    def test_none_known(self) -> None:
        assert extract_allergies("No known drug allergies.") == []
        assert extract_allergies("I'm not allergic to anything.") == []
        assert extract_allergies("Any allergies to medications?") == []
