import json
from importlib import resources

from scribe.clinical.vocabulary import (
    FREQUENT_DRUGS,
    HOTWORD_LIMIT,
    drug,
    find_conditions,
    find_drugs,
    hotwords,
    is_brand,
    is_drug,
    recognition_terms,
)


class TestDrugs:
    def test_brand_resolves_to_its_generic(self) -> None:
        found = drug("Motrin")
        assert found is not None
        assert (found.key, found.drugbank) == ("ibuprofen", "DB01050")
        assert is_brand("motrin")
        assert not is_brand("ibuprofen")

    def test_finds_names_of_several_words_in_order(self) -> None:
        text = "Continue Advair and Tylenol; start polyethylene glycol."
        found = [(m.mention.surface, m.drug.key) for m in find_drugs(text)]
        assert found == [
            ("Advair", "fluticasone and salmeterol"),
            ("Tylenol", "acetaminophen"),
            ("polyethylene glycol", "polyethylene glycol"),
        ]

    def test_offsets_point_at_the_name(self) -> None:
        text = "Prescribed Lisinopril 10 mg."
        (mention,) = find_drugs(text)
        assert text[mention.mention.start : mention.mention.end] == "Lisinopril"

    def test_ordinary_words_are_not_drugs(self) -> None:
        assert not any(is_drug(word) for word in ("the", "pain", "water", "sugar", "glucose"))
        assert find_drugs("Her glucose and creatinine were normal.") == []


class TestConditions:
    def test_category_titles_with_codes(self) -> None:
        found = [(m.surface, m.term) for m in find_conditions("History of asthma and gout.")]
        assert found == [("asthma", "J45"), ("gout", "M10")]


class TestRecognitionTerms:
    def test_names_from_the_record_each_once(self) -> None:
        record = ["Problems: type 2 diabetes mellitus. Meds: Glucophage 500 mg, metformin."]
        assert recognition_terms(record) == ["glucophage", "metformin", "type 2 diabetes mellitus"]

    def test_limit(self) -> None:
        assert len(recognition_terms(["aspirin ibuprofen naproxen"], limit=2)) == 2


class TestShippedData:
    def test_attributed_and_small(self) -> None:
        data = resources.files("scribe.clinical").joinpath("data/vocabulary.json")
        body = json.loads(data.read_text(encoding="utf-8"))
        assert body["attribution"] == "clinical/data/ATTRIBUTION.md"
        assert len(body["drugs"]) > 15_000
        assert len(data.read_bytes()) < 10_000_000


class TestHotwords:
    def test_tenant_then_context_then_frequent_each_once(self) -> None:
        terms = hotwords(["Ozempic", "Metformin"], ["Meds: metformin, Norvasc."], limit=5)
        assert terms == ["Ozempic", "Metformin", "norvasc", "amlodipine", FREQUENT_DRUGS[0]]

    def test_short_without_frequent_drugs(self) -> None:
        assert hotwords([], ["no drug named here"], frequent=False) == []
        assert len(hotwords()) == HOTWORD_LIMIT
        assert all(is_drug(term) for term in FREQUENT_DRUGS)
