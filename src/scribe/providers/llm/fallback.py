"""A provider that answers with a fallback (the embedded engine) when the primary fails.

Any ``ProviderError`` of the primary (timeout, unreachable, refused, invalid JSON, output not
matching the schema, empty output) or a bare ``TimeoutError`` sends the same request to the
fallback; ``TranscriptTooShortError`` and programming errors propagate, since they are answers
or bugs, not provider failures::

    provider = FallbackProvider(OpenAIChatProvider(settings.llm), ExtractiveProvider())
    draft = await provider.write_note(request)  # from the model, or else from the engine
    provider.fallbacks["note"]  # how many notes the engine wrote instead

Streams fall back only before their first increment. Once text has been sent the caller holds
part of the primary's answer, and appending the fallback's whole answer would duplicate or
contradict it, so a later failure raises ``StreamInterruptedError`` and the caller ends its
stream with an error (Clinia's ``summary-end`` with ``status: "error"``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Literal, TypeVar

from scribe.clinical.types import NoteDraft
from scribe.providers.base import ProviderError
from scribe.providers.llm.base import (
    ChatRequest,
    CodingRequest,
    FieldsRequest,
    FieldValues,
    NoteRequest,
    ProposedCode,
    SummaryRequest,
    TextProvider,
)
from scribe.providers.llm.errors import StreamInterruptedError

logger = logging.getLogger(__name__)

Task = Literal["note", "chat", "summary", "fields", "coding"]
_T = TypeVar("_T")
_FAILURES = (ProviderError, TimeoutError)


class FallbackProvider:
    """Answers from ``primary``, or from ``fallback`` when the primary fails."""

    def __init__(self, primary: TextProvider, fallback: TextProvider) -> None:
        self.primary = primary
        self.fallback = fallback
        self.name = primary.name
        # Per task: answers the fallback gave instead, and streams cut after their first text.
        self.fallbacks: Counter[Task] = Counter()
        self.interrupted: Counter[Task] = Counter()

    def fallback_counts(self) -> Iterable[tuple[str, int]]:
        """The fallback's answers so far, per task; see ``CountsFallbacks``."""
        return self.fallbacks.items()

    async def write_note(self, request: NoteRequest) -> NoteDraft:
        return await self._either(
            "note",
            lambda: self.primary.write_note(request),
            lambda: self.fallback.write_note(request),
        )

    async def answer(self, request: ChatRequest) -> str:
        return await self._either(
            "chat", lambda: self.primary.answer(request), lambda: self.fallback.answer(request)
        )

    async def fill_fields(self, request: FieldsRequest) -> FieldValues:
        return await self._either(
            "fields",
            lambda: self.primary.fill_fields(request),
            lambda: self.fallback.fill_fields(request),
        )

    async def propose_codes(self, request: CodingRequest) -> list[ProposedCode]:
        return await self._either(
            "coding",
            lambda: self.primary.propose_codes(request),
            lambda: self.fallback.propose_codes(request),
        )

    async def stream_section(self, request: SummaryRequest) -> AsyncIterator[str]:
        started = False
        stream = self.primary.stream_section(request)
        try:
            async for text in stream:
                started = True
                yield text
            return
        except _FAILURES as exc:
            if started:
                self._interrupted("summary", exc)
                raise StreamInterruptedError("the summary stream broke off") from exc
            self._fell_back("summary", exc)
        finally:
            await _close(stream)
        stream = self.fallback.stream_section(request)
        try:
            async for text in stream:
                yield text
        finally:
            await _close(stream)

    async def aclose(self) -> None:
        try:
            await self.primary.aclose()
        finally:
            await self.fallback.aclose()

    async def _either(
        self,
        task: Task,
        primary: Callable[[], Awaitable[_T]],
        fallback: Callable[[], Awaitable[_T]],
    ) -> _T:
        try:
            return await primary()
        except _FAILURES as exc:
            self._fell_back(task, exc)
        return await fallback()

    def _fell_back(self, task: Task, exc: BaseException) -> None:
        self.fallbacks[task] += 1
        logger.warning(
            "text provider failed; answered by the fallback",
            extra={"task": task, "reason": type(exc).__name__, "provider": self.primary.name},
        )

    def _interrupted(self, task: Task, exc: BaseException) -> None:
        self.interrupted[task] += 1
        logger.warning(
            "text provider stream broke off after sending text",
            extra={"task": task, "reason": type(exc).__name__, "provider": self.primary.name},
        )


async def _close(stream: AsyncIterator[str]) -> None:
    # An abandoned async generator would keep its HTTP response open until garbage collection.
    aclose = getattr(stream, "aclose", None)
    if aclose is not None:
        await aclose()
