"""The embedded ICD-10-CM coder: finds coded findings in a note and quotes the evidence.

Rules a human outpatient coder follows, applied to every matched finding:

- negated ("denies chest pain"), family history ("mother has diabetes"), resolved or uncertain
  ("possible GERD", "suspected anxiety") findings are not coded;
- when the note has an assessment/plan section, only findings there are coded, the rest are
  discarded as "not addressed in the assessment and plan";
- a symptom code is dropped when a definitive diagnosis was coded in the same paragraph (the
  symptom is integral to it).

confidence_percent reflects the strength of the match (see ``_confidence``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from scribe.clinical.coding_terms import TERMS, Term
from scribe.clinical.icd10 import description, is_code, normalise
from scribe.clinical.negation import is_negated

NOT_A_CODE = "not an ICD-10-CM code"
_JUSTIFICATION_CHARS = 300
_HEADING = re.compile(
    r"^\s*(?:#+\s*)?([A-Z][A-Z /&]{2,40}?)\s*:?\s*$|^\s*([A-Z][A-Za-z /&]{2,40}):\s", re.MULTILINE
)
_ASSESSMENT = re.compile(r"assessment|plan|impression|diagnos", re.IGNORECASE)
_FAMILY = re.compile(
    r"\bfamily history\b|\b(?:mother|father|mom|dad|sister|brother|grandmother|grandfather"
    r"|aunt|uncle|parents?|siblings?)\b",
    re.IGNORECASE,
)
_UNCERTAIN = re.compile(
    r"\b(?:possible|possibly|probable|likely|suspect(?:ed|s)?|rule out|r/o|concern for"
    r"|differential|risks? of|versus|vs|etiolog(?:y|ies)|may have|could be|questionable)\b",
    re.IGNORECASE,
)
_RESOLVED = re.compile(r"\b(?:resolved|in the past|no longer|previously had)\b", re.IGNORECASE)
_RIGHT = re.compile(r"\bright\b", re.IGNORECASE)
_LEFT = re.compile(r"\bleft\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CodeAssessment:
    code: str
    description: str
    justification: str
    confidence_percent: float


@dataclass(frozen=True, slots=True)
class ProposedCode:
    """A code someone else (an LLM provider) suggests, with its reason and confidence."""

    code: str
    justification: str = ""
    confidence_percent: float = 50.0


@dataclass(frozen=True, slots=True)
class CodingResult:
    final: list[CodeAssessment]
    discarded: list[CodeAssessment]


@dataclass(frozen=True, slots=True)
class _Sentence:
    text: str
    paragraph: int
    in_assessment: bool


@dataclass(frozen=True, slots=True)
class _Match:
    term: Term
    sentence: _Sentence
    start: int
    end: int

    @property
    def phrase(self) -> str:
        return self.sentence.text[self.start : self.end]


_PATTERNS: tuple[tuple[Term, re.Pattern[str]], ...] = tuple(
    (term, re.compile(r"\b(?:" + "|".join(term.patterns) + r")\b", re.IGNORECASE)) for term in TERMS
)


def code_note(text: str) -> CodingResult:
    """Code a clinical note: final codes with quoted evidence, and the findings not coded."""
    sentences = list(_sentences(text))
    has_assessment = any(s.in_assessment for s in sentences)
    final: dict[str, CodeAssessment] = {}
    discarded: dict[str, CodeAssessment] = {}
    coded_paragraphs: dict[int, list[Term]] = {}
    for match in (m for s in sentences for m in _matches(s)):
        reason = _discard_reason(match, has_assessment)
        if reason is None:
            _keep_best(final, _assess(match, has_assessment, ""))
            coded_paragraphs.setdefault(match.sentence.paragraph, []).append(match.term)
        else:
            _keep_best(discarded, _assess(match, has_assessment, reason))
    return _finish(final, discarded, sentences, coded_paragraphs)


def validate_codes(
    proposed: Iterable[ProposedCode],
) -> tuple[list[CodeAssessment], list[CodeAssessment]]:
    """Split proposed codes into valid ones (official description) and invalid ones."""
    valid: list[CodeAssessment] = []
    invalid: list[CodeAssessment] = []
    for item in proposed:
        confidence = max(0.0, min(100.0, item.confidence_percent))
        if is_code(item.code):
            code = normalise(item.code)
            valid.append(CodeAssessment(code, description(code), item.justification, confidence))
        else:
            invalid.append(CodeAssessment(item.code.strip(), "", NOT_A_CODE, confidence))
    return valid, invalid


def _sentences(text: str) -> Iterator[_Sentence]:
    in_assessment = False
    for paragraph, block in enumerate(re.split(r"\n\s*\n", text)):
        for line in block.splitlines():
            heading = _heading(line)
            if heading is not None:
                in_assessment = _ASSESSMENT.search(heading) is not None
            for part in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9•\-])", line.strip()):
                if part.strip():
                    yield _Sentence(part.strip(), paragraph, in_assessment)


def _heading(line: str) -> str | None:
    found = _HEADING.match(line)
    if found is None:
        return None
    return found.group(1) or found.group(2)


def _matches(sentence: _Sentence) -> list[_Match]:
    """Every term match in the sentence, longest first where two overlap."""
    found = [
        _Match(term, sentence, m.start(), m.end())
        for term, pattern in _PATTERNS
        for m in pattern.finditer(sentence.text)
    ]
    found.sort(key=lambda m: (m.start, m.start - m.end))
    kept: list[_Match] = []
    for match in found:
        if not kept or match.start >= kept[-1].end:
            kept.append(match)
    return kept


def _discard_reason(match: _Match, has_assessment: bool) -> str | None:
    before = match.sentence.text[: match.start]
    if is_negated(match.sentence.text, match.phrase):
        return "negated"
    if _FAMILY.search(before):
        return "family history, not the patient's condition"
    if _RESOLVED.search(match.sentence.text):
        return "resolved or historical"
    if _UNCERTAIN.search(before):
        return "uncertain diagnosis (outpatient coding codes confirmed findings only)"
    if has_assessment and not match.sentence.in_assessment:
        return "not addressed in the assessment and plan"
    return None


def _assess(match: _Match, has_assessment: bool, reason: str) -> CodeAssessment:
    code = _sided_code(match)
    quote = _quote(match.sentence.text)
    justification = f"{reason}: {quote}" if reason else quote
    confidence = _confidence(match, has_assessment, code)
    return CodeAssessment(code, description(code), justification, confidence)


def _sided_code(match: _Match) -> str:
    term = match.term
    if term.right is None or term.left is None:
        return term.code
    right = _RIGHT.search(match.sentence.text) is not None
    left = _LEFT.search(match.sentence.text) is not None
    if right and not left:
        return term.right
    if left and not right:
        return term.left
    return term.code


def _confidence(match: _Match, has_assessment: bool, code: str) -> float:
    """Score a match: where it sits, how specific it is, whether it needed a missing side.

    95 for a finding in the assessment/plan, 85 in a note without sections, 60 elsewhere;
    +4 when the sentence is the finding itself (a problem-list heading); -10 when the code
    needs a side the note does not give; -10 for a symptom code.
    """
    if match.sentence.in_assessment:
        score = 95.0
    else:
        score = 60.0 if has_assessment else 85.0
    if len(match.sentence.text) <= len(match.phrase) + 20:
        score += 4
    if match.term.right is not None and code == match.term.code:
        score -= 10
    if not match.term.specific:
        score -= 10
    return max(5.0, min(99.0, score))


def _quote(sentence: str) -> str:
    if len(sentence) <= _JUSTIFICATION_CHARS:
        return sentence
    return sentence[: _JUSTIFICATION_CHARS - 1].rstrip() + "…"


def _keep_best(found: dict[str, CodeAssessment], item: CodeAssessment) -> None:
    current = found.get(item.code)
    if current is None or item.confidence_percent > current.confidence_percent:
        found[item.code] = item


def _finish(
    final: dict[str, CodeAssessment],
    discarded: dict[str, CodeAssessment],
    sentences: list[_Sentence],
    coded_paragraphs: dict[int, list[Term]],
) -> CodingResult:
    integral = _integral_symptoms(coded_paragraphs)
    for code in integral & final.keys():
        item = final.pop(code)
        reason = "symptom integral to a coded diagnosis"
        discarded[code] = CodeAssessment(
            code, item.description, f"{reason}: {item.justification}", item.confidence_percent
        )
    _combine_hypertension(final)
    for code in final.keys() & discarded.keys():
        del discarded[code]
    return CodingResult(_ordered(final), _ordered(discarded))


def _combine_hypertension(final: dict[str, CodeAssessment]) -> None:
    """Hypertension with heart failure is I11.0: ICD-10-CM presumes the link (I.C.9.a)."""
    if "I10" in final and any(code.startswith("I50") for code in final):
        item = final.pop("I10")
        final["I11.0"] = CodeAssessment(
            "I11.0", description("I11.0"), item.justification, item.confidence_percent
        )


def _integral_symptoms(coded_paragraphs: dict[int, list[Term]]) -> set[str]:
    """Symptom codes that share a paragraph with a definitive diagnosis."""
    symptoms: set[str] = set()
    for terms in coded_paragraphs.values():
        if any(t.specific for t in terms):
            symptoms.update(
                c for t in terms if not t.specific for c in (t.code, t.right, t.left) if c
            )
    return symptoms


def _ordered(found: dict[str, CodeAssessment]) -> list[CodeAssessment]:
    return sorted(found.values(), key=lambda a: (-a.confidence_percent, a.code))
