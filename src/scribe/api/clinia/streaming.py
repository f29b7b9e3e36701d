"""The summary stream on the wire: ``id: <n>`` and ``data: <json>`` only, no ``event:`` lines.

By the time this runs the request's session is closed: the plan holds everything read. The
summary is stored in a fresh session once every section was sent, and ``summary-end`` (success
with its id, or the error) is always the last event. A client that disconnects cancels the
generator, which closes the provider's stream; nothing is stored for an abandoned summary::

    id: 1
    data: {"type":"text-start","payload":{"sectionTitle":"Medications","sectionIndex":0}}
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from sse_starlette import EventSourceResponse, ServerSentEvent

from scribe.errors import ScribeError
from scribe.runtime import Runtime
from scribe.summaries import service as summary_service
from scribe.summaries.service import SummaryEvent, SummaryEventKind, SummaryPlan, SummaryWriter
from scribe.summaries.stream import audit_failed, store_streamed

logger = logging.getLogger(__name__)
_SEP = "\n"


def respond(runtime: Runtime, plan: SummaryPlan) -> EventSourceResponse:
    return EventSourceResponse(
        _frames(runtime, plan),
        headers={"Cache-Control": "no-cache"},
        ping=runtime.settings.clinia.keepalive_seconds,
        ping_message_factory=lambda: ServerSentEvent(comment="ping", sep=_SEP),
        sep=_SEP,
    )


async def _frames(runtime: Runtime, plan: SummaryPlan) -> AsyncIterator[ServerSentEvent]:
    ids = itertools.count(1)
    async for kind, payload in _events(runtime, plan):
        data = json.dumps({"type": kind, "payload": payload}, separators=(",", ":"))
        yield ServerSentEvent(data=data, id=str(next(ids)), sep=_SEP)


async def _events(runtime: Runtime, plan: SummaryPlan) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    with summary_service.streams_in_progress.tracking():
        if plan.problem is not None:
            yield _failed(plan.problem)
            return
        writer = SummaryWriter(runtime.text, plan)
        try:
            async for event in writer.events():
                yield _on_the_wire(event)
            summary_id = await store_streamed(runtime.sessionmaker, plan, writer.sections)
        except Exception as exc:
            yield _failed(_reason(exc))
            await audit_failed(runtime.sessionmaker, plan)
            return
        yield "summary-end", {"status": "success", "summaryId": summary_id}


_EVENT_TYPES = {
    SummaryEventKind.START: "text-start",
    SummaryEventKind.DELTA: "text-delta",
    SummaryEventKind.END: "text-end",
}


def _on_the_wire(event: SummaryEvent) -> tuple[str, dict[str, Any]]:
    """Clinia's event type and payload for a core summary event."""
    payload: dict[str, Any] = {"sectionTitle": event.title, "sectionIndex": event.index}
    if event.kind is SummaryEventKind.DELTA:
        payload["text"] = event.text
    return _EVENT_TYPES[event.kind], payload


def _failed(reason: str) -> tuple[str, dict[str, Any]]:
    return "summary-end", {"status": "error", "error": reason}


def _reason(exc: Exception) -> str:
    if isinstance(exc, ScribeError):  # provider errors: a status or a cause, never record text
        logger.warning("summary generation failed", extra={"error_code": exc.error_code})
        return f"Summary generation failed: {exc.message}"
    logger.exception("summary generation crashed", extra={"error_type": type(exc).__name__})
    return "Summary generation failed: internal error"
