"""Record that the patient agreed to the plan when the transcript shows them agreeing."""

from __future__ import annotations

import re
from collections.abc import Sequence

from scribe.clinical.negation import is_positive_answer
from scribe.clinical.sections import classify
from scribe.clinical.types import Utterance

AGREEMENT = "The patient understands and agrees with the recommended medical treatment plan."
_AGREES = re.compile(
    r"^\W*(?:(?:okay|ok|alright|all right|sure|yes|yeah|great|perfect|sounds good|that sounds"
    r" good|sounds like a plan|that makes sense|makes sense|thank you|thanks|doctor|doc)\W*)+$",
    re.I,
)


def plan_agreement(utterances: Sequence[Utterance]) -> tuple[str, ...] | None:
    """Return the ids of the last plan statement and the patient's assent to it, if any."""
    plan_id: str | None = None
    agreed: tuple[str, ...] | None = None
    for utterance in utterances:
        if utterance.speaker == "doctor" and _states_plan(utterance.text):
            plan_id, agreed = utterance.id, None
        elif utterance.speaker == "patient" and plan_id is not None and _assents(utterance.text):
            agreed = (plan_id, utterance.id)
    return agreed


def _states_plan(text: str) -> bool:
    return classify(text, "doctor") in {"plan", "prescriptions", "follow_up"}


def _assents(text: str) -> bool:
    return _AGREES.match(text) is not None or is_positive_answer(text)
