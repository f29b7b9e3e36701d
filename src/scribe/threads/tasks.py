"""The agent_run job: an extraction run writes a clinical note, a chat run answers a question."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scribe import clinical
from scribe.clinical.types import Utterance
from scribe.jobs.runner import JobContext, handler
from scribe.notes import service as note_service
from scribe.notes import writing
from scribe.notes.models import Note
from scribe.providers.llm.base import ChatRequest, NoteRequest
from scribe.templates import service as template_service
from scribe.threads import service
from scribe.threads.models import Message, Run
from scribe.transcripts import service as transcript_service

_INSTRUCTION = re.compile(
    r"^\s*(please\s+)?(generate|extract|create|write|produce|make|build|summari[sz]e|fill)\b"
    r".*\b(note|soap|birp|dap|girp|template|summary|report|documentation)\b",
    re.IGNORECASE,
)
_TEMPLATE_WORD = re.compile(r"\b([A-Za-z][A-Za-z0-9_&-]{1,31})\b")


@handler(service.AGENT_RUN)
async def run_agent(ctx: JobContext) -> dict[str, Any]:
    run = await ctx.session.get_one(Run, ctx.job.input["run_id"])
    thread = await service.get_thread(ctx.session, run.tenant_id, run.thread_id)
    own = [m for m in thread.messages if m.run_id == run.id]
    if run.kind == "extraction":
        note = await _extract(ctx, run, own)
        reply = json.dumps(note_service.content_of(note), ensure_ascii=False)
        result: dict[str, Any] = {"note_id": note.id}
    else:
        reply = await _chat(ctx, run, thread.messages, own)
        result = {}
    await service.append_messages(ctx.session, thread.id, run.id, [("assistant", reply)])
    return result


async def _extract(ctx: JobContext, run: Run, own: Sequence[Message]) -> Note:
    session, tenant_id = ctx.session, run.tenant_id
    transcript_id = run.config.get("transcription_id")
    encounter_id = None
    if transcript_id:
        transcript = await transcript_service.get(session, tenant_id, str(transcript_id))
        utterances = transcript_service.utterances(transcript)
        encounter_id = transcript.encounter_id
    else:
        utterances = clinical.parse_transcript(_transcript_text(own))
    existing = await _note_to_fill(session, run)
    default = existing.template_key if existing else "SOAP"
    template_key = _template_key(run, own) or default
    template = await template_service.resolve(session, tenant_id, template_key)
    draft = await writing.write_note(ctx.text, NoteRequest(utterances, template=template))
    source = note_service.DraftSource(
        transcript_id=str(transcript_id) if transcript_id else None,
        encounter_id=encounter_id,
        thread_id=run.thread_id,
        run_id=run.id,
        created_by=run.created_by,
    )
    if existing is not None:
        note = await note_service.fill_from_draft(session, existing, draft, source)
    else:
        note = await note_service.create_from_draft(session, tenant_id, draft, source)
    run.note_id = note.id
    return note


async def _note_to_fill(session: AsyncSession, run: Run) -> Note | None:
    """The note named in config.configurable.clinical_note_id, if any."""
    note_id = run.config.get("clinical_note_id")
    return await note_service.get(session, run.tenant_id, str(note_id)) if note_id else None


async def _chat(
    ctx: JobContext, run: Run, history: Sequence[Message], own: Sequence[Message]
) -> str:
    question = next((m.content for m in reversed(own) if m.role == "user"), "")
    utterances = await _chat_context(ctx.session, run, [m for m in history if m.run_id != run.id])
    earlier = [(m.role, m.content) for m in history if m.run_id != run.id]
    return await ctx.text.answer(ChatRequest(question, utterances, history=earlier))


async def _chat_context(
    session: AsyncSession, run: Run, earlier: Sequence[Message]
) -> list[Utterance]:
    """What the conversation is about: a named transcription, the one an earlier run used, or
    the thread's earlier user messages."""
    transcript_id = run.config.get("transcription_id") or await _thread_transcript_id(session, run)
    if transcript_id:
        transcript = await transcript_service.get(session, run.tenant_id, str(transcript_id))
        return transcript_service.utterances(transcript)
    return clinical.parse_transcript(_transcript_text([m for m in earlier if m.role == "user"]))


async def _thread_transcript_id(session: AsyncSession, run: Run) -> str | None:
    return await session.scalar(
        select(Note.transcript_id)
        .join(Run, Run.note_id == Note.id)
        .where(Run.thread_id == run.thread_id, Note.transcript_id.is_not(None))
        .order_by(Run.created_at.desc())
        .limit(1)
    )


def _transcript_text(messages: Sequence[Message]) -> str:
    """The user messages' text without instruction lines such as 'Generate a SOAP note'."""
    lines = [
        line
        for m in messages
        if m.role == "user"
        for line in m.content.splitlines()
        if not _is_instruction(line)
    ]
    return "\n".join(lines)


def _is_instruction(line: str) -> bool:
    return len(line.split()) <= 30 and _INSTRUCTION.match(line) is not None


def _template_key(run: Run, own: Sequence[Message]) -> str | None:
    """The template asked for: in config, else a built-in named in the instructions."""
    configured = run.config.get("template")
    if isinstance(configured, str) and configured.strip():
        return configured.strip()
    for message in own:
        for line in message.content.splitlines():
            if message.role == "system" or _is_instruction(line):
                for word in _TEMPLATE_WORD.findall(line):
                    spec = template_service.builtin(word)
                    if spec is not None:
                        return spec.key
    return None
