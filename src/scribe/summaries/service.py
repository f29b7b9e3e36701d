"""Summaries: plan one from a template and a patient's record, write it as events, store it.

Planning reads the database; writing does not, so a stream holds no session while it runs::

    plan = await plan_summary(session, principal, "patient-1", "clinia-hpi-medications")
    writer = SummaryWriter(runtime.text, plan)
    async for event in writer.events():  # START, DELTA..., END per section
        ...
    summary = await save(session, plan, writer.sections)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scribe.auth.service import Principal
from scribe.clinical.grounding import source_segments
from scribe.errors import SummaryNotFoundError, SummaryTemplateNotFoundError
from scribe.notes import evidence
from scribe.patients import service as patient_service
from scribe.patients.ids import new_ulid
from scribe.providers.llm.base import SectionSummarizer, SourceItem, SummaryRequest
from scribe.summaries.models import Summary, SummaryStatus
from scribe.templates import service as template_service
from scribe.tenancy import get_owned

FAMILY = "clinia"
SUCCESS = SummaryStatus.SUCCESS
NO_PATIENT = "No data has been ingested for this patientId"
EMPTY_RECORD = "The patient's record holds nothing to summarize yet (is ingestion still running?)"


@dataclass(frozen=True, slots=True)
class SectionPlan:
    index: int
    title: str
    request: SummaryRequest


@dataclass(frozen=True, slots=True)
class SummaryPlan:
    tenant_id: str
    patient_key: str
    patient_id: str | None
    template_id: str
    sections: tuple[SectionPlan, ...]
    actor: str | None = None
    # Why no summary can be written (unknown patient, empty record): told inside the stream.
    problem: str | None = None


class SummaryEventKind(StrEnum):
    START = "start"  # a section begins
    DELTA = "delta"  # more of its text
    END = "end"  # the section is complete


@dataclass(frozen=True, slots=True)
class SummaryEvent:
    """One step of a summary being written; a dialect names it on its wire."""

    kind: SummaryEventKind
    index: int  # the section's position in the template
    title: str
    text: str = ""  # the new text of a DELTA


async def plan_summary(
    session: AsyncSession, principal: Principal, patient_key: str, template_id: str
) -> SummaryPlan:
    """Everything the stream needs, read now; an unknown template is a 404."""
    spec = await template_service.find(session, principal.tenant_id, template_id, family=FAMILY)
    if spec is None:
        raise SummaryTemplateNotFoundError("Summary template not found")
    patient = await patient_service.find_patient(session, principal.tenant_id, patient_key)
    items = await patient_service.record_of(session, principal.tenant_id, patient_key)
    sections = tuple(
        SectionPlan(index, s.title, SummaryRequest(s.title, items or (), s.instructions or None))
        for index, s in enumerate(spec.sections)
    )
    problem = NO_PATIENT if items is None else (EMPTY_RECORD if not items else None)
    return SummaryPlan(
        tenant_id=principal.tenant_id,
        patient_key=patient_key,
        patient_id=patient.id if patient else None,
        template_id=spec.key,
        sections=sections,
        actor=principal.actor,
        problem=problem,
    )


class SummaryWriter:
    """Streams each section of a plan through the provider, keeping the texts it sent."""

    def __init__(self, provider: SectionSummarizer, plan: SummaryPlan) -> None:
        self._provider = provider
        self._plan = plan
        self.sections: list[dict[str, Any]] = []

    async def events(self) -> AsyncIterator[SummaryEvent]:
        for section in self._plan.sections:
            index, title = section.index, section.title
            yield SummaryEvent(SummaryEventKind.START, index, title)
            parts: list[str] = []
            stream = self._provider.stream_section(section.request)
            try:
                async for piece in stream:
                    if piece:
                        parts.append(piece)
                        yield SummaryEvent(SummaryEventKind.DELTA, index, title, piece)
            finally:
                # Stops the provider's work (an HTTP stream) when the client went away.
                if aclose := getattr(stream, "aclose", None):
                    await aclose()
            yield SummaryEvent(SummaryEventKind.END, index, title)
            text = "".join(parts).strip()
            evidence_ = _evidence(section, text)
            self.sections.append(
                {"index": index, "title": title, "text": text, "evidence": evidence_}
            )


def _evidence(section: SectionPlan, text: str) -> list[evidence.SentenceEvidence]:
    """Each sentence with the record items it rests on (a model cites none: found by wording)."""
    return evidence.of_text(text, [q for item in section.request.items for q in _quotes(item)])


def _quotes(item: SourceItem) -> list[evidence.SegmentQuote]:
    """A record item as quotes; a document by sentence (``document/<id>#s<n>``), not whole."""
    if item.kind != "document":
        return [evidence.quote_item(item)]
    return [
        evidence.quote_item(SourceItem(f"{item.id}#{u.id}", item.kind, u.text))
        for u in source_segments(item.text)
    ]


async def save(
    session: AsyncSession, plan: SummaryPlan, sections: Sequence[dict[str, Any]]
) -> Summary:
    assert plan.patient_id is not None  # a plan with a problem writes nothing
    summary = Summary(
        id=new_ulid("sum"),
        tenant_id=plan.tenant_id,
        patient_id=plan.patient_id,
        patient_key=plan.patient_key,
        template_id=plan.template_id,
        status=SUCCESS,
        sections=[dict(section) for section in sections],
        created_by=plan.actor,
    )
    session.add(summary)
    await session.flush()
    return summary


def evidence_of(summary: Summary) -> evidence.Evidence:
    """A stored summary's evidence by section index (none for one stored before it was kept)."""
    return {str(s["index"]): list(s.get("evidence", ())) for s in summary.sections}


async def get(session: AsyncSession, tenant_id: str, summary_id: str) -> Summary:
    missing = SummaryNotFoundError("Summary not found")
    return await get_owned(session, Summary, tenant_id, summary_id, missing)


async def list_for_patient(
    session: AsyncSession, tenant_id: str, patient_key: str
) -> Sequence[Summary]:
    """The patient's summaries, newest first."""
    query = (
        select(Summary)
        .where(Summary.tenant_id == tenant_id, Summary.patient_key == patient_key)
        .order_by(Summary.created_at.desc(), Summary.id.desc())
    )
    return (await session.scalars(query)).all()


class _Gauge:
    """Summary streams being written right now (a client that left must bring it down)."""

    def __init__(self) -> None:
        self.value = 0

    @contextmanager
    def tracking(self) -> Iterator[None]:
        self.value += 1
        try:
            yield
        finally:
            self.value -= 1


streams_in_progress = _Gauge()
