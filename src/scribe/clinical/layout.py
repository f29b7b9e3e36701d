"""Lay sections out as clinicians write them: labelled exam findings, problem-oriented plans.

What a label is and which sentence gets which is learned from clinicians' notes by
`scribe train notes` (clinical/layout_training.py): in ACI-Bench notes an exam line reads
"Respiratory: Lungs are clear." and a plan is written per problem, its lines labelled
"Medical Reasoning:", "Medical Treatment:", "Patient Education and Counseling:". The labels,
and a linear model (multinomial logistic regression over words) that picks one for a sentence,
ship as plain JSON in clinical/data/layout_model.json; nothing is trained at run time.

Every written line cites the utterances of the sentences it holds, so provenance survives::

    layout.plan([NoteSentence("Kidney stones recurred.", ("u1",)), ...])
    # [NoteSentence("Kidney stones.", ("u1",)), NoteSentence("Medical Reasoning: ...", ("u1",))]
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from scribe.clinical.keep import features
from scribe.clinical.lexicon import find_symptoms
from scribe.clinical.problem_titles import ProblemTitles
from scribe.clinical.problems import CONDITION_HEADINGS, problem_of
from scribe.clinical.types import NoteSentence

# Below this a finding keeps its own wording with no system label.
MIN_LABEL_PROBABILITY = 0.2
_MAX_PROBLEMS = 6
_ALREADY_LABELLED = re.compile(r"^[A-Z][A-Za-z /]{1,40}: ")
# "For your first problem, your back pain, ..." is how a clinician walks through the plan.
_NEW_PROBLEM = re.compile(
    r"\b(?:first|next|second|third|fourth|last|final|other|another) (?:problem|issue|thing)\b", re.I
)


@dataclass(frozen=True, slots=True)
class LineLabeller:
    """Labels and, per label, a bias and word weights: argmax of the linear scores."""

    labels: tuple[str, ...]
    biases: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]

    def probabilities(self, text: str, category: str) -> list[float]:
        scores = list(self.biases)
        for name in set(features(text, category)):
            for index, weight in enumerate(self.weights.get(name, ())):
                scores[index] += weight
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        return [value / sum(exps) for value in exps]

    def label(self, text: str, category: str, floor: float = 0.0) -> str | None:
        chances = self.probabilities(text, category)
        best = max(range(len(chances)), key=chances.__getitem__)
        return self.labels[best] if chances[best] >= floor else None

    def as_dict(self) -> dict[str, object]:
        return {
            "biases": list(self.biases),
            "labels": list(self.labels),
            "weights": {k: list(v) for k, v in sorted(self.weights.items())},
        }

    @classmethod
    def from_dict(cls, body: dict[str, object]) -> LineLabeller:
        weights = body["weights"]
        assert isinstance(weights, dict)
        return cls(
            tuple(str(label) for label in body["labels"]),  # type: ignore[attr-defined]
            tuple(float(b) for b in body["biases"]),  # type: ignore[attr-defined]
            {str(k): tuple(float(w) for w in v) for k, v in weights.items()},
        )


@dataclass(frozen=True, slots=True)
class Layout:
    """How notes are laid out: exam labeller, plan labeller, whether plans go by problem, and
    the problem headings learned from notes (without them, a short list of chronic conditions)."""

    exam: LineLabeller | None
    plan: LineLabeller | None
    by_problem: bool
    titles: ProblemTitles = field(default_factory=ProblemTitles)

    def to_json(self) -> str:
        body = {
            "by_problem": self.by_problem,
            "exam": self.exam.as_dict() if self.exam else None,
            "plan": self.plan.as_dict() if self.plan else None,
            "problems": self.titles.as_dict(),
        }
        return json.dumps(body, sort_keys=True, separators=(",", ":")) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Layout:
        body = json.loads(text)
        exam, plan = (
            LineLabeller.from_dict(body[k]) if body[k] else None for k in ("exam", "plan")
        )
        return cls(
            exam, plan, bool(body["by_problem"]), ProblemTitles.from_dict(body.get("problems"))
        )

    def findings(self, sentences: Sequence[NoteSentence]) -> list[NoteSentence]:
        """Exam sentences as "System: finding" lines where the labeller is fairly sure."""
        if self.exam is None:
            return list(sentences)
        written = []
        for sentence in sentences:
            if _ALREADY_LABELLED.match(sentence.text):
                written.append(sentence)
                continue
            label = self.exam.label(sentence.text, "exam", MIN_LABEL_PROBABILITY)
            text = f"{label}: {sentence.text}" if label else sentence.text
            written.append(NoteSentence(text, sentence.segment_ids))
        return written

    def problems(self, sentences: Sequence[NoteSentence]) -> list[NoteSentence]:
        """A plan per problem: its name, then one labelled line per kind of statement."""
        if self.plan is None or not self.by_problem or not sentences:
            return list(sentences)
        groups = _problem_groups([s.text for s in sentences], self.titles)
        if len(groups) < 2 or len(groups) > _MAX_PROBLEMS:
            return _labelled(self.plan, sentences, range(len(sentences)))
        written: list[NoteSentence] = []
        for title, indices, opener in groups:
            written.append(NoteSentence(f"{title}.", sentences[opener].segment_ids))
            written += _labelled(self.plan, sentences, indices)
        return written


def _names_condition(title: str, text: str) -> bool:
    """A condition, or a body part's pain; not a symptom given as a reason, nor an organ scanned."""
    lowered = title.lower()
    if lowered in find_symptoms(text):
        return False
    return lowered in CONDITION_HEADINGS or lowered.endswith(" pain")


def _problem_title(text: str, titles: ProblemTitles) -> str | None:
    """The problem a sentence opens: a learned heading it names (or its spoken cue), a body
    part's pain, or whatever it names when it announces the next problem."""
    if titles.headings:
        learned = titles.title(text)
        if learned is not None:
            return learned
        named = problem_of(text)
        if named is None:
            return None
        pain = named.lower().endswith(" pain") and named.lower() not in find_symptoms(text)
        return named if pain or _NEW_PROBLEM.search(text) is not None else None
    # A layout trained before headings were learned: the short list of chronic conditions.
    named = problem_of(text)
    if named is not None and (
        _NEW_PROBLEM.search(text) is not None or _names_condition(named, text)
    ):
        return named
    return None


def _problem_groups(
    texts: Sequence[str], titles: ProblemTitles
) -> list[tuple[str, list[int], int]]:
    """(title, sentence indices, index of the sentence naming it) per problem, in order.

    A problem opens where a sentence names a problem heading learned from clinicians' notes
    (or a body part's pain, not a mere symptom, which plans name as reasons: "for pain") or
    announces the next problem; the rest follow the problem before them, and leading ones join
    the first.
    """
    groups: list[tuple[str, list[int], int]] = []
    leading: list[int] = []
    current: tuple[str, list[int], int] | None = None
    for index, text in enumerate(texts):
        title = _problem_title(text, titles)
        if title is not None:
            # Back to a problem named before: the sentences go on with that one.
            current = next((g for g in groups if g[0].lower() == title.lower()), None)
            if current is None:
                current = (title, [], index)
                groups.append(current)
        if current is None:
            leading.append(index)
        else:
            current[1].append(index)
    if groups:
        title, indices, opener = groups[0]
        groups[0] = (title, sorted([*leading, *indices]), opener)
    return groups


def _labelled(
    model: LineLabeller, sentences: Sequence[NoteSentence], indices: Sequence[int]
) -> list[NoteSentence]:
    """Join a problem's sentences under their labels, labels in the model's order."""
    lines: dict[str, list[NoteSentence]] = {}
    for index in indices:
        sentence = sentences[index]
        label = model.label(sentence.text, "plan") or model.labels[0]
        lines.setdefault(label, []).append(sentence)
    written = []
    for label in (label for label in model.labels if label in lines):
        members = lines[label]
        ids: dict[str, None] = {}
        for member in members:
            ids.update(dict.fromkeys(member.segment_ids))
        text = " ".join(member.text for member in members)
        written.append(NoteSentence(f"{label}: {text}", tuple(ids)))
    return written


def packaged_path() -> Path:
    """Where the packaged layout lives in a source checkout (what `scribe train notes` writes)."""
    return Path(__file__).resolve().parent / "data" / "layout_model.json"


@lru_cache(maxsize=1)
def shipped_layout() -> Layout | None:
    """The packaged layout, or None when the package was built without it."""
    source = resources.files("scribe.clinical").joinpath("data/layout_model.json")
    if not source.is_file():
        return None
    return Layout.from_json(source.read_text(encoding="utf-8"))
