"""A FHIR R4 bundle as items of the patient record: validated, then each resource told as text.

Only what the resources say becomes text: a medication with its dosage, a condition with its
clinical status, an allergy with its reactions, an observation with its value and unit::

    bundle = validate_bundle(payload)  # BundleError("bundle.entry[2].resource.status: ...")
    record_items(bundle)
    # [SourceItem("MedicationStatement/m1", "medication", "Lisinopril 10 mg, 1 tablet once daily
    #   by mouth (active)", "2024-05-01"), ...]

Validation uses the ``fhir.resources`` R4B models: R4B changed none of the resources read here
from R4, and the package ships no plain R4 module. Error messages give a path, never a value.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

from scribe.clinical import fhir_text as text
from scribe.clinical.summary import SourceItem, SourceKind

_REASONS = {
    "missing": "is required",
    "extra_forbidden": "is not an element of this resource",
    "json_invalid": "is not valid JSON",
}
_SKIPPED_STATUSES = frozenset({"entered-in-error"})


class BundleError(ValueError):
    """The payload is not a valid FHIR bundle; ``str()`` names where, never the value."""


@dataclass(frozen=True, slots=True)
class RecordExtract:
    items: tuple[SourceItem, ...]
    resources: int
    ignored: int


def validate_bundle(payload: Any) -> dict[str, Any]:
    """The bundle as given, once its shape and every resource have passed validation."""
    if not isinstance(payload, dict) or payload.get("resourceType") != "Bundle":
        raise BundleError("bundle.resourceType must be Bundle")
    entries = payload.get("entry", [])
    if not isinstance(entries, list):
        raise BundleError("bundle.entry must be a list")
    for index, entry in enumerate(entries):
        _check_entry(entry, f"bundle.entry[{index}]")
    try:
        Bundle.model_validate(payload)
    except ValidationError as exc:
        raise BundleError(_describe(exc)) from None
    except (KeyError, TypeError, ValueError):
        # fhir.resources raises these on shapes its models cannot even look up.
        raise BundleError("bundle is not a valid FHIR R4 bundle") from None
    return payload


def _check_entry(entry: Any, where: str) -> None:
    # An unknown resourceType makes fhir.resources raise a KeyError, not a validation error.
    resource = entry.get("resource") if isinstance(entry, dict) else None
    if resource is None:
        return
    kind = resource.get("resourceType") if isinstance(resource, dict) else None
    if not isinstance(kind, str) or not kind:
        raise BundleError(f"{where}.resource.resourceType is required")
    try:
        known = issubclass(get_fhir_model_class(kind), Resource)
    except (KeyError, ValueError):
        known = False
    if not known:
        raise BundleError(f"{where}.resource.resourceType is not a FHIR R4 resource")


def _describe(exc: ValidationError) -> str:
    first = exc.errors(include_input=False, include_url=False)[0]
    path = "bundle"
    for part in first.get("loc", ()):
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    # fhir.resources names its own error types "<model check>.missing" and the like.
    kind = str(first.get("type", "")).rsplit(".", 1)[-1]
    return f"{path} {_REASONS.get(kind, 'is invalid')}"


def record_items(bundle: dict[str, Any]) -> RecordExtract:
    """The record items a validated bundle holds, in bundle order."""
    resources = [r for r in _resources(bundle) if r.get("status") not in _SKIPPED_STATUSES]
    medications = _by_reference(r for r in resources if r.get("resourceType") == "Medication")
    items: list[SourceItem] = []
    for index, resource in enumerate(resources):
        item = _item(resource, index, medications)
        if item is not None:
            items.append(item)
    ignored = sum(1 for r in resources if r.get("resourceType") not in _RENDERERS)
    return RecordExtract(tuple(items), len(resources), ignored)


def _resources(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    entries = bundle.get("entry") or []
    return [e["resource"] for e in entries if isinstance(e.get("resource"), dict)]


def _by_reference(medications: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Medication resources by the references that can point at them, to name the drug."""
    names: dict[str, str] = {}
    for medication in medications:
        name = text.concept(medication.get("code"))
        if name and medication.get("id"):
            names[f"Medication/{medication['id']}"] = name
            names[f"#{medication['id']}"] = name
    return names


def _item(resource: dict[str, Any], index: int, medications: dict[str, str]) -> SourceItem | None:
    kind = str(resource.get("resourceType"))
    render = _RENDERERS.get(kind)
    if render is None:
        return None
    source_kind, rendered = render(resource, medications)
    if not rendered:
        return None
    source_id = f"{kind}/{resource.get('id') or index}"
    category = text.observation_category(resource) if kind == "Observation" else None
    return SourceItem(source_id, source_kind, rendered, text.date_of(resource), category)


Renderer = Callable[[dict[str, Any], dict[str, str]], tuple[SourceKind, str]]


def _medication(resource: dict[str, Any], names: dict[str, str]) -> tuple[SourceKind, str]:
    return "medication", text.medication(resource, names)


def _condition(resource: dict[str, Any], _: dict[str, str]) -> tuple[SourceKind, str]:
    return "condition", text.condition(resource)


def _allergy(resource: dict[str, Any], _: dict[str, str]) -> tuple[SourceKind, str]:
    return "allergy", text.allergy(resource)


def _observation(resource: dict[str, Any], _: dict[str, str]) -> tuple[SourceKind, str]:
    return "observation", text.observation(resource)


def _encounter(resource: dict[str, Any], _: dict[str, str]) -> tuple[SourceKind, str]:
    return "encounter", text.encounter(resource)


def _procedure(resource: dict[str, Any], _: dict[str, str]) -> tuple[SourceKind, str]:
    return "procedure", text.procedure(resource)


def _immunization(resource: dict[str, Any], _: dict[str, str]) -> tuple[SourceKind, str]:
    return "immunization", text.immunization(resource)


def _report(resource: dict[str, Any], _: dict[str, str]) -> tuple[SourceKind, str]:
    attached = " ".join(_attachment_texts(resource.get("presentedForm") or []))
    return "document", text.report(resource, attached)


def _document(resource: dict[str, Any], _: dict[str, str]) -> tuple[SourceKind, str]:
    attachments = [c.get("attachment") or {} for c in resource.get("content") or []]
    attached = " ".join(_attachment_texts(attachments))
    title = resource.get("description") or text.concept(resource.get("type"))
    return "document", text.joined(title, attached)


def _attachment_texts(attachments: Iterable[dict[str, Any]]) -> list[str]:
    """Inline plain-text attachments; binary ones (PDF, images) carry no text we can read."""
    texts = []
    for attachment in attachments:
        content_type = str(attachment.get("contentType") or "text/plain")
        if not content_type.startswith("text/") or not attachment.get("data"):
            continue
        try:
            texts.append(base64.b64decode(attachment["data"]).decode("utf-8", "replace"))
        except (binascii.Error, ValueError):
            continue
    return [t.strip() for t in texts if t.strip()]


_RENDERERS: dict[str, Renderer] = {
    "MedicationStatement": _medication,
    "MedicationRequest": _medication,
    "Condition": _condition,
    "AllergyIntolerance": _allergy,
    "Observation": _observation,
    "Encounter": _encounter,
    "Procedure": _procedure,
    "Immunization": _immunization,
    "DiagnosticReport": _report,
    "DocumentReference": _document,
}
