"""Keep or drop a note sentence, by a linear model learned from clinicians' notes.

The model is logistic regression over a sentence's words, word pairs and category, trained by
`scribe train notes` (clinical/keep_training.py) on ACI-Bench training visits: a candidate
sentence is labelled "kept" when most of its content words appear in the clinician's note. It
ships as plain JSON weights (no code runs on load) in clinical/data/keep_model.json, trained on
ACI-Bench (Yim et al. 2023, CC BY 4.0); nothing is trained at run time.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

# Drop only what the model is fairly sure a clinician would not write: a missed drop costs a few
# words of precision, a wrong drop loses a fact.
DROP_BELOW = 0.03
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def features(text: str, category: str) -> list[str]:
    """The sentence's lower-case words, adjacent word pairs and its category."""
    words = _WORD.findall(text.lower())
    pairs = [f"{a}_{b}" for a, b in itertools.pairwise(words)]
    return [*words, *pairs, f"cat={category}"]


@dataclass(frozen=True, slots=True)
class KeepModel:
    weights: dict[str, float]
    bias: float
    drop_below: float = DROP_BELOW

    def probability(self, text: str, category: str) -> float:
        score = self.bias + sum(self.weights.get(f, 0.0) for f in set(features(text, category)))
        return 1 / (1 + math.exp(-max(min(score, 30.0), -30.0)))

    def keeps(self, text: str, category: str) -> bool:
        return self.probability(text, category) >= self.drop_below

    def to_json(self) -> str:
        body = {"bias": self.bias, "drop_below": self.drop_below, "weights": self.weights}
        return json.dumps(body, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> KeepModel:
        body = json.loads(text)
        weights = {str(k): float(v) for k, v in body["weights"].items()}
        return cls(weights, float(body["bias"]), float(body.get("drop_below", DROP_BELOW)))


def packaged_path() -> Path:
    """Where the packaged model lives in a source checkout (what `scribe train notes` writes)."""
    return Path(__file__).resolve().parent / "data" / "keep_model.json"


@lru_cache(maxsize=1)
def shipped_model() -> KeepModel | None:
    """The packaged model, or None when the package was built without it."""
    source = resources.files("scribe.clinical").joinpath("data/keep_model.json")
    if not source.is_file():
        return None
    return KeepModel.from_json(source.read_text(encoding="utf-8"))
