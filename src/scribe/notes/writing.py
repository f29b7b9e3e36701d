"""Asking a note writer for a draft, its refusal turned into the core's error once.

The engine (and a model) refuse a transcript with too little in it; every caller gets the same
error class, and each dialect renders it in its own status and wording::

    draft = await write_note(runtime.text, NoteRequest(utterances, template=spec))
    # TranscriptTooShortForNoteError: Corti 400 A0003, Nabla 422, Invox 400 transcriptTooShort
"""

from __future__ import annotations

from scribe.clinical.types import NoteDraft, TranscriptTooShortError
from scribe.errors import TranscriptTooShortForNoteError
from scribe.providers.llm.base import NoteRequest, NoteWriter

TOO_SHORT = "The transcript is too short to write a note from"


async def write_note(writer: NoteWriter, request: NoteRequest) -> NoteDraft:
    """The writer's draft; too little to write from is a ``TranscriptTooShortForNoteError``."""
    try:
        return await writer.write_note(request)
    except TranscriptTooShortError as exc:
        raise TranscriptTooShortForNoteError(f"{TOO_SHORT} ({exc})") from exc
