"""Classify a transcript sentence into a note category with weighted keyword patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scribe.clinical.lexicon import find_symptoms, is_drug_name
from scribe.clinical.negation import negated_symptoms
from scribe.clinical.types import Category, SpeakerRole

_ANY: frozenset[SpeakerRole] = frozenset({"doctor", "patient", "unspecified"})
_DOCTOR: frozenset[SpeakerRole] = frozenset({"doctor", "unspecified"})
_PATIENT: frozenset[SpeakerRole] = frozenset({"patient", "unspecified"})


@dataclass(frozen=True, slots=True)
class _Rule:
    category: Category
    pattern: re.Pattern[str]
    weight: int = 2
    speakers: frozenset[SpeakerRole] = _ANY


def _rule(
    category: Category, pattern: str, weight: int = 2, speakers: frozenset[SpeakerRole] = _ANY
) -> _Rule:
    return _Rule(category, re.compile(pattern), weight, speakers)


_IMAGING = (
    r"(?:x-?rays?|mri|ct(?: scan)?|cat scan|ultrasound|echo\w*|ekg|ecg|labs?|lab work|blood work"
    r"|bloodwork|results?|a1c|hemoglobin|cholesterol|urinalysis|urine (?:test|sample)|biopsy"
    r"|culture|scan|imaging|mammogram|colonoscopy|test|pft|stress test|cbc|panel|levels?)"
)
_PLAN_OPENERS = (
    r"(?:i'm|i am|we're|we are) (?:going to|gonna|gon na) \w+|(?:i'll|we'll|i will|we will) \w+"
    r"|let me (?:write|give|prescribe|order|send|start|put|get|schedule|refer)"
    r"|i(?:'d| would) like (?:to|you to)|i want (?:you )?to|let's|let us|i recommend|i'd recommend"
    r"|you should|you need to|we need to|make sure (?:you|to)|go ahead and|plan is|the plan"
)
_RULES: tuple[_Rule, ...] = (
    _rule(
        "chief_complaint",
        r"\b(?:what brings you|brings you in|here (?:today )?(?:for|because|with"
        r"|to)|presents? (?:today )?(?:with|for)|presenting (?:with|for)|chief complaint|came in"
        r" (?:today )?(?:for|because)|reason for (?:the |your |today's )?visit|referred (?:by|to"
        r"|for))",
        4,
    ),
    _rule("chief_complaint", r"\b\d+[- ]year[- ]old\b", 3),
    _rule(
        "hpi",
        r"\b(?:how long|when did (?:it|this|that|the \w+) start|started|began|since|ago"
        r"|for (?:the past |about |over )?(?:a |\w+ )?(?:days?|weeks?|months?|years?)|worse|better"
        r"|on a scale|radiat\w*|comes and goes|constant|sharp|dull|throbbing|hurts?|hurting"
        r"|sore|pain|symptoms?|episodes?)\b",
        1,
    ),
    _rule(
        "hpi",
        r"\b(?:i've been|i have been|i've had|i have had|i feel|i felt|i get|i got|i noticed"
        r"|i'm having|i am having|it hurts|my \w+ (?:hurts|is|has been|feels|was))\b",
        2,
        _PATIENT,
    ),
    _rule(
        "hpi",
        r"\b(?:my|the) (?:\w+ )?(?:knee|back|head|chest|stomach|belly|leg|arm|foot|feet|shoulder"
        r"|neck|hip|hand|wrist|ankle|throat|elbow|forearm|toe|finger|skin|joints?)\b",
        1,
        _PATIENT,
    ),
    _rule("ros", r"\breview of systems\b|\bros\b", 4),
    _rule(
        "past_history",
        r"\b(?:history of|diagnosed with|past medical|medical history|surgery"
        r"|surgeries|operation|hospitali[sz]ed|\w+ectomy|\w+plasty|had (?:a|an|my) \w+ (?:removed"
        r"|replaced|repaired)|since i was|years ago|in the past|chronic|previously)\b",
        2,
    ),
    _rule(
        "past_history",
        r"\b(?:diabetes|hypertension|high blood pressure|asthma|copd|heart failure"
        r"|heart attack|stroke|cancer|arthritis|thyroid|kidney disease|cholesterol)\b",
        1,
    ),
    _rule(
        "family_history",
        r"\b(?:family history|runs in (?:the|my|your) family|(?:my|your|her|his)"
        r" (?:mom|mother|dad|father|brother|sister|parents?|grand\w+|aunt|uncle|siblings?)\b"
        r"(?:.*\b(?:had|has|died|history|diagnosed|cancer|diabetes|disease|heart|stroke)\b))",
        4,
    ),
    _rule("family_history", r"\b(?:in|of) (?:my|your|the|our) family\b", 3),
    _rule(
        "social_history",
        r"\b(?:smok\w*|cigarettes?|tobacco|vap\w+|alcohol|drink(?:s|ing)?"
        r"(?! water)|beer|wine|liquor|drugs? use|marijuana|cannabis|recreational|for work|work as"
        r"|job|retired|lives? (?:with|alone)|married|exercise|diet|hobb\w+|sports?|run(?:ning)?"
        r"|gym|walk(?:ing)? (?:the|every)|caffeine|coffee)\b",
        2,
    ),
    _rule(
        "medications",
        r"\b(?:medications?|medicines?|meds|pills?|taking|take|inhaler|supplements?"
        r"|prescriptions?|over the counter|dose|mg|milligrams?)\b",
        1,
    ),
    _rule(
        "medications",
        r"\b(?:i take|i'm taking|i am taking|i've been taking|you're taking|you take"
        r"|are you taking|you're on|i'm on|currently on)\b",
        2,
    ),
    _rule("allergies", r"\ballerg\w*|\bnkda\b", 5),
    _rule(
        "vitals",
        r"\b(?:vital signs?|vitals|blood pressure|heart rate|pulse|temperature|temp"
        r"|respiratory rate|oxygen(?: saturation| level)?|o2 sat\w*|pulse ox|bmi|weigh\w*)\b"
        r"[^.?!]{0,30}?(?:\d|looks? (?:good|great|normal|fine|stable|elevated|high|low)|is (?:good"
        r"|normal|fine|elevated|high|low))",
        4,
        _DOCTOR,
    ),
    _rule(
        "exam",
        r"\b(?:on (?:your |the )?(?:physical )?exam\w*|exam (?:shows|reveals|is)|physical exam"
        r"|i (?:do )?(?:see|appreciate|feel|hear|notice|note) (?:some|a|an|no|any|mild|moderate"
        r"|severe|significant|slight|good|normal|decreased|increased|full|\w+ness|\w+ing\b)"
        r"|tender\w*|range of motion"
        r"|murmur|lungs? (?:are |sound )?clear|crackles|wheez\w*|rales|edema|palpat\w*|erythema"
        r"|effusion|reflexes|strength|sensation|gait|bruising|swelling|pulses|no (?:evidence|sign)"
        r" of|heart (?:sounds|exam)|lung exam|abdomen|soft|non-?tender|bilateral\w*|normal"
        r"|distention|let me (?:take a look|examine|listen|feel)|press(?:ing)? (?:here|on))\b",
        2,
        _DOCTOR,
    ),
    _rule(
        "results",
        rf"\b{_IMAGING}\b[^.?!]*\b(?:show\w*|reveal\w*|came back|demonstrat\w*|look\w*"
        r"|was|were|is|are|normal|abnormal|elevated|negative|positive|unremarkable|\d)",
        3,
        _DOCTOR,
    ),
    _rule("results", r"\b(?:the results?|your results?|lab results?|test results?|imaging)\b", 2),
    _rule(
        "assessment",
        r"\b(?:i think (?:that )?(?:you|it|this|that|your|we)|diagnos\w*|likely"
        r"|consistent with|probably|my assessment|impression|looks like you have|sounds like"
        r"|suggest\w* of|due to|secondary to|related to|differential|well[- ]controlled|stable"
        r"|worsening|improving|you have (?:a|an) \w+|this is (?:a|an) \w+|your first problem"
        r"|for your (?:first |second |third |last |next )?(?:problem|issue)|in terms of your"
        r"|regarding your|with regards to your)\b",
        3,
        _DOCTOR,
    ),
    _rule("plan", rf"\b(?:{_PLAN_OPENERS})\b", 3, _DOCTOR),
    _rule(
        "plan",
        r"\b(?:order\w*|schedul\w*|refer\w*|physical therapy|therapy|ice|rest|elevat\w*"
        r"|brace|splint|surgery|injection|monitor\w*|continue|increase|decrease|stop|start|hold"
        r"|call (?:me|us|the office)|if you (?:have|notice|develop|get|see)|recommend\w*|advise\w*"
        r"|educat\w*|counsel\w*|weigh yourself|avoid|check your)\b",
        2,
        _DOCTOR,
    ),
    _rule(
        "prescriptions",
        r"\b(?:prescri\w*|refill\w*|rx|start you on|put you on|send (?:in )?a"
        r"|sent (?:in )?a|pharmacy|\d+ (?:mg|milligrams?))\b",
        3,
        _DOCTOR,
    ),
    _rule(
        "follow_up",
        r"\b(?:follow[- ]?up|follow up|come back|return|see you (?:again |back )?in"
        r"|next (?:visit|appointment)|check back|touch base|be in touch|recheck|in (?:a |one |two"
        r" |three |four |six |\d+ )(?:days?|weeks?|months?))\b",
        3,
        _DOCTOR,
    ),
    _rule(
        "behavior",
        r"\b(?:mood|anxious|anxiety|depress\w*|sad|hopeless|panic|irritab\w*|crying"
        r"|tearful|isolat\w*|motivation|thoughts of|self-harm|suicid\w*|stress\w*|overwhelmed"
        r"|angry|worried|affect|appeared|presented as|nightmares|flashbacks)\b",
        3,
    ),
    _rule(
        "intervention",
        r"\b(?:we (?:practiced|discussed|worked on|reviewed|explored|talked about)"
        r"|i (?:taught|introduced|provided|educated|encouraged|validated|explained)|cbt|cognitive"
        r"|mindfulness|breathing (?:exercise|technique)s?|coping (?:skills|strategies)"
        r"|psychoeducation|role[- ]play|grounding|journaling|relaxation)\b",
        4,
        _DOCTOR,
    ),
    _rule(
        "response",
        r"\b(?:that (?:helps|helped|makes sense|sounds helpful)|i(?:'ll| will) try"
        r"|it helped|i found it helpful|i feel better|receptive|responded well|engaged)\b",
        4,
    ),
    _rule(
        "goals",
        r"\b(?:goals?|i want to (?:be able|get back|lose|quit|stop|reduce|improve|feel)"
        r"|hope to|i'd like to (?:be able|get back|lose|quit)|work(?:ing)? (?:on|toward))\b",
        4,
    ),
)
# Ties go to the category listed first: the more specific kinds come before the broad ones.
_PRIORITY: tuple[Category, ...] = (
    "allergies",
    "prescriptions",
    "follow_up",
    "vitals",
    "results",
    "exam",
    "family_history",
    "ros",
    "chief_complaint",
    "assessment",
    "plan",
    "intervention",
    "goals",
    "response",
    "social_history",
    "medications",
    "past_history",
    "behavior",
    "hpi",
)
_SMALL_TALK_WORDS = frozenset(
    "hi hello hey good morning afternoon evening how are you doing today i'm im fine well great"
    " okay ok alright all right yeah yes yep no nope sure thanks thank mm-hmm mhm uh-huh um uh so"
    " nice to meet see too perfect awesome bye goodbye care take have a day and the that's it"
    " sounds wonderful excellent cool gotcha got really oh wow hmm".split()
)
_MAX_HITS = 2
_ASSISTANT = re.compile(r"\b(?:dragon|dax|alexa|siri)\b")
# The doctor narrating the visit itself ("let me take a look") says nothing about the patient.
_NARRATION = re.compile(
    r"\b(?:(?:want to|going to|let me|let's|i'll|i will|i'd like to) (?:just )?(?:do|take|have|get)"
    r" (?:a )?(?:quick |brief )?(?:look|listen|physical exam\w*|exam\w*|feel)|take a listen"
    r"|check some things out|(?:look at|review|go over) (?:some of )?(?:your|the) results"
    r"|(?:lay|lie|hop) (?:down|back|up)|let(?:'s| me| us) (?:just )?(?:talk|chat|go over|review)"
    r"|(?:talk|go over)\b[^.?!]{0,30}\b(?:my |the |your )?(?:assessment|plan)\b)"
)
# Explaining a finding to the patient, or sympathy and chat, adds nothing a note records.
_ASIDE = re.compile(
    r"\b(?:what (?:that|this|all that|all this) means|(?:that|this) (?:just )?means (?:that )?you"
    r"|i'm sorry to hear|sorry to hear that|sounds like fun|that's great|that's awesome"
    r"|i hope you|nice to (?:meet|see) you|good to see you)\b"
)


def classify(sentence: str, speaker: SpeakerRole) -> Category | None:
    """Return the note category of a sentence, or None for small talk and filler."""
    text = _normalise(sentence)
    if is_small_talk(text):
        return None
    scores = _scores(text, speaker)
    if not scores:
        return None
    best = max(scores.values())
    category = next(c for c in _PRIORITY if scores.get(c) == best)
    return _refine(category, text, speaker)


def is_small_talk(sentence: str) -> bool:
    """Tell whether a sentence is a greeting, filler, or an aside to a dictation assistant."""
    text = _normalise(sentence)
    if _ASSISTANT.search(text) or _NARRATION.search(text) or _ASIDE.search(text):
        return True
    words = re.findall(r"[a-z][a-z'\-]*", text)
    if find_symptoms(text):
        return False
    return all(word in _SMALL_TALK_WORDS for word in words)


def is_assistant_address(sentence: str) -> bool:
    """Tell whether a sentence only wakes a dictation assistant ("hey, dragon?")."""
    text = _normalise(sentence)
    return _ASSISTANT.search(text) is not None and len(text.split()) <= 3


def _normalise(sentence: str) -> str:
    text = re.sub(r"\s+n't\b", "n't", sentence.lower())
    return re.sub(r"\bgon na\b", "going to", re.sub(r"\bwan na\b", "want to", text))


def _scores(text: str, speaker: SpeakerRole) -> dict[Category, int]:
    scores: dict[Category, int] = {}
    for rule in _RULES:
        if speaker in rule.speakers:
            hits = _distinct_hits(rule.pattern, text)
            if hits:
                scores[rule.category] = scores.get(rule.category, 0) + rule.weight * hits
    if find_symptoms(text) and speaker != "doctor":
        scores["hpi"] = scores.get("hpi", 0) + 2
    if _names_drug(text):
        key: Category = "prescriptions" if "plan" in scores else "medications"
        scores[key] = scores.get(key, 0) + 3
    return scores


def _distinct_hits(pattern: re.Pattern[str], text: str) -> int:
    # A second, different cue of the same kind is real evidence; a third adds little.
    found: set[str] = set()
    for match in pattern.finditer(text):
        found.add(match.group(0))
        if len(found) == _MAX_HITS:
            break
    return len(found)


def _names_drug(text: str) -> bool:
    return any(is_drug_name(word) for word in re.findall(r"[a-z]+", text))


def _refine(category: Category, text: str, speaker: SpeakerRole) -> Category:
    # A sentence that only denies symptoms is a review of systems, not a complaint.
    if category == "hpi" and find_symptoms(text) and negated_symptoms(text) == find_symptoms(text):
        return "ros"
    if category == "plan" and _names_drug(text):
        return "prescriptions"
    return category
