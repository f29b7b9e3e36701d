"""FHIR R4 resources told as one line of text each, from their own values only.

Each function takes a resource as JSON (already validated) and returns "" when it says nothing
worth a line::

    medication({"resourceType": "MedicationStatement", "status": "active",
                "medicationCodeableConcept": {"text": "Lisinopril 10 mg"},
                "dosage": [{"text": "once daily"}]}, {})
    # "Lisinopril 10 mg, once daily (active)"
"""

from __future__ import annotations

from typing import Any

# The FHIR `periodUnit` codes, for "twice per day".
_UNITS = {"s": "second", "min": "minute", "h": "hour", "d": "day", "wk": "week", "mo": "month"}
_TIMES = {1: "once", 2: "twice", 3: "three times", 4: "four times"}
_VITAL_CODES = frozenset({"vital-signs"})
_ROUTES = {"oral": "by mouth", "oral route": "by mouth", "oral use": "by mouth"}
_DATE_KEYS = (
    "effectiveDateTime",
    "effectivePeriod",
    "onsetDateTime",
    "onsetPeriod",
    "performedDateTime",
    "performedPeriod",
    "occurrenceDateTime",
    "authoredOn",
    "recordedDate",
    "dateAsserted",
    "issued",
    "period",
    "date",
)


def concept(value: Any) -> str:
    """A CodeableConcept's words: its text, else the first coding's display, else its code."""
    if not isinstance(value, dict):
        return ""
    if value.get("text"):
        return str(value["text"]).strip()
    for coding in value.get("coding") or []:
        if coding.get("display") or coding.get("code"):
            return str(coding.get("display") or coding.get("code")).strip()
    return ""


def code_of(value: Any) -> str:
    """The first coding's code of a CodeableConcept (clinical and verification statuses)."""
    if not isinstance(value, dict):
        return ""
    codings = value.get("coding") or []
    return str(codings[0].get("code") or "") if codings else concept(value)


def joined(*parts: str | None, sep: str = ": ") -> str:
    return sep.join(p.strip() for p in parts if p and p.strip())


def date_of(resource: dict[str, Any]) -> str | None:
    """The date the resource is about, as YYYY-MM-DD (ISO strings sort in time order)."""
    for key in _DATE_KEYS:
        value = resource.get(key)
        if isinstance(value, dict):
            value = value.get("start") or value.get("end")
        if isinstance(value, str) and value:
            return value[:10]
    return None


def medication(resource: dict[str, Any], names: dict[str, str]) -> str:
    reference = resource.get("medicationReference") or {}
    name = concept(resource.get("medicationCodeableConcept")) or names.get(
        str(reference.get("reference")), str(reference.get("display") or "")
    )
    if not name:
        return ""
    dosages = resource.get("dosage") or resource.get("dosageInstruction") or []
    dosage = "; ".join(filter(None, (_dosage(d) for d in dosages)))
    status = resource.get("status")
    return joined(name, dosage, sep=", ") + (f" ({status})" if status else "")


def _dosage(dosage: dict[str, Any]) -> str:
    if dosage.get("text"):
        return str(dosage["text"]).strip()
    parts = [_dose(dosage), _timing(dosage.get("timing") or {})]
    route = concept(dosage.get("route")).lower()
    parts.append(_ROUTES.get(route, f"via {route}") if route else "")
    if dosage.get("asNeededBoolean") or dosage.get("asNeededCodeableConcept"):
        reason = concept(dosage.get("asNeededCodeableConcept"))
        parts.append(f"as needed for {reason}" if reason else "as needed")
    return " ".join(p for p in parts if p)


def _dose(dosage: dict[str, Any]) -> str:
    for rate in dosage.get("doseAndRate") or []:
        quantity = quantity_text(rate.get("doseQuantity"))
        if quantity:
            return quantity
    return ""


def _timing(timing: dict[str, Any]) -> str:
    if concept(timing.get("code")):
        return concept(timing.get("code"))
    repeat = timing.get("repeat") or {}
    frequency, period = repeat.get("frequency"), repeat.get("period")
    unit = _UNITS.get(str(repeat.get("periodUnit")), "")
    if not frequency or not unit:
        return ""
    times = _TIMES.get(int(frequency), f"{frequency} times")
    if period in (None, 1):
        return "once daily" if (times, unit) == ("once", "day") else f"{times} per {unit}"
    return f"{times} every {_number(period)} {unit}s"


def quantity_text(quantity: Any) -> str:
    if not isinstance(quantity, dict) or quantity.get("value") is None:
        return ""
    unit = quantity.get("unit") or quantity.get("code") or ""
    return joined(_number(quantity["value"]), str(unit), sep=" ")


def _number(value: Any) -> str:
    # FHIR decimals arrive as Decimal or float: 10.0 reads as "10".
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def condition(resource: dict[str, Any]) -> str:
    name = concept(resource.get("code"))
    if not name:
        return ""
    statuses = [code_of(resource.get("clinicalStatus"))]
    verification = code_of(resource.get("verificationStatus"))
    if verification == "entered-in-error":
        return ""
    if verification and verification != "confirmed":
        statuses.append(verification)
    status = ", ".join(s for s in statuses if s)
    return name + (f" ({status})" if status else "")


def allergy(resource: dict[str, Any]) -> str:
    name = concept(resource.get("code"))
    if not name or code_of(resource.get("verificationStatus")) == "entered-in-error":
        return ""
    reactions = []
    for reaction in resource.get("reaction") or []:
        signs = ", ".join(filter(None, (concept(m) for m in reaction.get("manifestation") or [])))
        severity = reaction.get("severity")
        reactions.append(signs + (f" ({severity})" if signs and severity else ""))
    status = code_of(resource.get("clinicalStatus"))
    line = f"Allergy to {name}" + (f" ({status})" if status and status != "active" else "")
    reaction_text = "; ".join(r for r in reactions if r)
    return line + (f": {reaction_text}" if reaction_text else "")


def observation(resource: dict[str, Any]) -> str:
    name = concept(resource.get("code"))
    value = _value(resource) or _components(resource)
    if not name or not value:
        return ""
    interpretation = ", ".join(
        filter(None, (concept(i) for i in resource.get("interpretation") or []))
    )
    return f"{name} {value}" + (f" ({interpretation.lower()})" if interpretation else "")


def _value(resource: dict[str, Any]) -> str:
    if "valueQuantity" in resource:
        return quantity_text(resource["valueQuantity"])
    if "valueCodeableConcept" in resource:
        return concept(resource["valueCodeableConcept"])
    for key in ("valueString", "valueInteger", "valueDateTime"):
        if resource.get(key) is not None:
            return str(resource[key])
    if resource.get("valueBoolean") is not None:
        return "positive" if resource["valueBoolean"] else "negative"
    return ""


def _components(resource: dict[str, Any]) -> str:
    """Blood pressure and the like: 128/82 mmHg when the units agree, else name value pairs."""
    parts = [
        (concept(c.get("code")), c.get("valueQuantity") or {})
        for c in resource.get("component") or []
    ]
    values = [q for _, q in parts if q.get("value") is not None]
    if not values:
        return ""
    units = {q.get("unit") or q.get("code") for q in values}
    if len(units) == 1 and len(values) == 2:
        return "/".join(_number(q["value"]) for q in values) + f" {units.pop() or ''}".rstrip()
    return ", ".join(joined(name, quantity_text(q), sep=" ") for name, q in parts if q)


def observation_category(resource: dict[str, Any]) -> str | None:
    codes = [code_of(c) for c in resource.get("category") or []]
    if any(code in _VITAL_CODES for code in codes):
        return "vital-signs"
    return next((code for code in codes if code), None)


def encounter(resource: dict[str, Any]) -> str:
    kinds = [concept(t) for t in resource.get("type") or []]
    kind = next((k for k in kinds if k), "") or str(
        (resource.get("class") or {}).get("display") or ""
    )
    reasons = ", ".join(filter(None, (concept(r) for r in resource.get("reasonCode") or [])))
    if not kind and not reasons:
        return ""
    return joined(
        f"Encounter: {kind}" if kind else "Encounter", f"for {reasons}" if reasons else "", sep=" "
    )


def procedure(resource: dict[str, Any]) -> str:
    name = concept(resource.get("code"))
    status = resource.get("status")
    if not name:
        return ""
    return f"Procedure: {name}" + (f" ({status})" if status and status != "completed" else "")


def immunization(resource: dict[str, Any]) -> str:
    name = concept(resource.get("vaccineCode"))
    if not name:
        return ""
    given = resource.get("status") != "not-done"
    return f"Immunization: {name}" + ("" if given else " (not given)")


def report(resource: dict[str, Any], attached: str) -> str:
    name = concept(resource.get("code"))
    conclusion = resource.get("conclusion") or ""
    codes = ", ".join(filter(None, (concept(c) for c in resource.get("conclusionCode") or [])))
    body = joined(conclusion, codes, attached, sep=" ")
    return joined(name, body) if body else ""
