"""Rewrite spoken first- and second-person dialogue as third-person clinical prose."""

from __future__ import annotations

import re

from scribe.clinical.gender import Gender
from scribe.clinical.person import shift_person
from scribe.clinical.types import SpeakerRole

_JOINS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\s+(n't|'s|'re|'ve|'ll|'m|'d)\b", re.I), r"\1"),
    (re.compile(r"\bgon na\b|\bgonna\b", re.I), "going to"),
    (re.compile(r"\bwan na\b|\bwanna\b", re.I), "want to"),
    (re.compile(r"\bgotta\b", re.I), "have to"),
    (re.compile(r"\bkinda\b", re.I), "kind of"),
    (re.compile(r"\bsorta\b", re.I), "sort of"),
    (re.compile(r"\bcause\b", re.I), "because"),
)
_FILLERS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\b(?:um+|uh+|erm|er|ah|hmm+|mm-hmm|uh-huh|mhm)\b\s*,?", re.I),
    re.compile(r"(?:,\s*you know\b\s*,?|\byou know\s*,|^you know\b)", re.I),
    re.compile(r",\s*\bi mean\b\s*,", re.I),
    re.compile(r",\s*like\s*,", re.I),
    re.compile(r"\bgo ahead and\s+", re.I),
    re.compile(r"\b[a-z]+-\s+(?=[,a-z])", re.I),  # a word broken off mid-way: "ex- exerting"
)
_STUTTER = re.compile(r"\b(\w+)\s*,\s*(?=\1\b)", re.I)
_REPEAT = re.compile(r"\b(?!had\b|that\b)(\w+)(?:\s+\1\b)+", re.I)
# "right" or "now" open a sentence as filler only when a comma follows: "right knee" is a fact.
_LEADING = re.compile(
    r"^(?:(?:so|okay|ok|well|alright|all right|and|but|yeah|yes|yep|oh|anyway|hey|um|uh)\b"
    r"[\s,.;:!-]*|nope\b[\s,.!]*|(?:right|now|like|also|then|see|no)\s*,\s*)+",
    re.I,
)
_TAG_QUESTION = re.compile(
    r"[,\s]*\b(?:okay|ok|right|alright|all right|yeah|does that sound good|sound good"
    r"|does that make sense|does that sound like a plan)\s*[?.!]*\s*$",
    re.I,
)
_DOCTOR_OPENERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:i|we)(?:'m| am|'re| are) going to\s+", re.I), "Plan to "),
    (re.compile(r"^(?:i|we)(?:'d| would) like to\s+", re.I), "Plan to "),
    (re.compile(r"^(?:i|we) want to\s+", re.I), "Plan to "),
    (re.compile(r"^let(?:'s| us)\s+", re.I), "Plan to "),
    (
        re.compile(
            r"^let me\s+(?=write|give|prescribe|order|send|start|put|get|schedule|refer)", re.I
        ),
        "Plan to ",
    ),
    (re.compile(r"^(?:i|we)(?:'ll| will)\s+", re.I), "Will "),
)
_ADVICE = re.compile(r"\b(?:i(?:'d| would) like you to|i want you to|i need you to)\b", re.I)
_TEST_WORDS = (
    r"(?:x-?rays?|mri|ct|cat scan|labs?|lab work|blood work|bloodwork|results?|echo\w*|ekg|ecg"
    r"|ultrasound|scan|urinalysis|a1c|cbc|biopsy|imaging|mammogram|test results?|vital signs|vitals"
    r"|(?:physical |heart |lung |abdominal |neurologic\w* |skin )?exam(?:ination)?)"
)
_YOUR_TEST = re.compile(rf"\byour (?={_TEST_WORDS}\b)", re.I)
_LEADING_THE_TEST = re.compile(rf"^the (?={_TEST_WORDS}\b)", re.I)
_EMPHATIC_DO = re.compile(r"\bi do (see|appreciate|hear|feel|notice|note)\b", re.I)
_ACRONYMS = {
    "mri": "MRI",
    "ct": "CT",
    "ekg": "EKG",
    "ecg": "ECG",
    "x-ray": "X-ray",
    "x-rays": "X-rays",
    "xray": "X-ray",
    "bp": "BP",
    "copd": "COPD",
    "a1c": "A1c",
    "cbc": "CBC",
    "hiv": "HIV",
    "adhd": "ADHD",
    "ptsd": "PTSD",
    "gerd": "GERD",
    "uti": "UTI",
    "icu": "ICU",
    "nsaid": "NSAID",
    "nsaids": "NSAIDs",
    "covid": "COVID",
    "dvt": "DVT",
    "tsh": "TSH",
    "ldl": "LDL",
    "hdl": "HDL",
    "bmi": "BMI",
    "cpap": "CPAP",
    "egd": "EGD",
    "gi": "GI",
    "ent": "ENT",
    "ibs": "IBS",
    "i": "I",
    "dr": "Dr",
    "mg": "mg",
    "acl": "ACL",
}
_ACRONYM = re.compile(r"\b(" + "|".join(re.escape(k) for k in _ACRONYMS) + r")\b", re.I)


def to_clinical(sentence: str, speaker: SpeakerRole) -> str:
    """Rewrite a spoken sentence as third-person clinical prose, adding no facts."""
    return clinical_voice(clean_speech(sentence), speaker)


def clinical_voice(cleaned: str, speaker: SpeakerRole, gender: Gender | None = None) -> str:
    """Finish a sentence already passed through clean_speech in the clinical third person."""
    if speaker == "patient":
        cleaned = shift_person(cleaned, "i", gender)
    elif speaker == "doctor":
        cleaned = _doctor_voice(cleaned, gender)
    return finish(cleaned)


def clean_speech(sentence: str) -> str:
    """Strip fillers, stutters and tokeniser spacing from a spoken sentence."""
    text = " ".join(sentence.replace("\u2019", "'").split())
    for pattern, replacement in _JOINS:
        text = pattern.sub(replacement, text)
    for pattern in _FILLERS:
        text = pattern.sub(" ", text)
    text = _REPEAT.sub(r"\1", _STUTTER.sub("", text))
    text = _fix_spacing(text)
    text = _TAG_QUESTION.sub("", text)
    return _LEADING.sub("", text).strip()


def _fix_spacing(text: str) -> str:
    text = re.sub(r"\s+([,.;:!?%])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r",(?=[A-Za-z])", ", ", text)
    text = re.sub(r"\s*(?:\.\.\.|…)\s*", ", ", text)
    text = re.sub(r"^[\s,.;:\-]+", "", text)
    return " ".join(text.split())


def _doctor_voice(text: str, gender: Gender | None) -> str:
    text = _EMPHATIC_DO.sub(r"I \1", text)
    text = _ADVICE.sub("you should", text)
    for pattern, replacement in _DOCTOR_OPENERS:
        if pattern.match(text):
            text = pattern.sub(replacement, text, count=1)
            break
    text = _YOUR_TEST.sub("the ", text)
    text = _LEADING_THE_TEST.sub("", text)
    return shift_person(text, "you", gender)


def finish(text: str) -> str:
    """Capitalise, restore acronyms and end the sentence with a single period."""
    text = _ACRONYM.sub(lambda m: _ACRONYMS[m.group(1).lower()], text)
    text = re.sub(r"[\s,;:\-]+$", "", text.strip())
    text = re.sub(r"[.!?]+$", "", text)
    if not text:
        return ""
    return text[0].upper() + text[1:] + "."
