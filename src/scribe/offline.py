"""The pipeline without a server: what `scribe transcribe`, `scribe note` and `scribe eval` run.

The same providers and engine as the API, built from the same settings, with no database.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scribe import clinical
from scribe.clinical import catalogue
from scribe.clinical.types import NoteDraft, NoteStyle, SpeakerRole, TemplateSpec, Utterance
from scribe.config import Settings
from scribe.errors import BadRequestError
from scribe.evaluation import asr as asr_eval
from scribe.providers.asr import build_recognizer
from scribe.providers.asr.audio import probe
from scribe.providers.asr.base import TranscriptionRequest, TranscriptionResult
from scribe.providers.llm import build_text_provider
from scribe.providers.llm.base import NoteRequest
from scribe.transcripts import service as transcript_service

TEXT_SUFFIXES = frozenset({".txt", ".json", ".md"})


@dataclass(frozen=True, slots=True)
class Transcription:
    result: TranscriptionResult
    seconds: float


async def transcribe(
    settings: Settings,
    audio: Path,
    *,
    channel_roles: tuple[SpeakerRole, ...] | None = None,
    vocabulary: tuple[str, ...] = (),
    language: str | None = None,
) -> Transcription:
    """Recognise one audio file and assign speaker roles."""
    recognizer = build_recognizer(settings.asr)
    try:
        request = TranscriptionRequest(
            audio, language=language, channel_roles=channel_roles, vocabulary=vocabulary
        )
        started = time.perf_counter()
        result = await transcript_service.recognize(recognizer, request)
        return Transcription(result, time.perf_counter() - started)
    finally:
        await recognizer.aclose()


def transcription_json(result: TranscriptionResult) -> dict[str, Any]:
    """The `--json` shape of CONTRACT.md §6."""
    return {
        "segments": [
            {
                "start_ms": s.start_ms,
                "end_ms": s.end_ms,
                "channel": s.channel,
                "speaker": s.speaker,
                "text": s.text,
            }
            for s in result.segments
        ],
        "duration_ms": result.duration_ms,
        "language": result.language,
        "channels": result.channels,
    }


def transcription_text(result: TranscriptionResult) -> str:
    """One line per segment: ``[mm:ss.s-mm:ss.s] speaker: text``."""
    return "\n".join(
        f"[{_clock(s.start_ms)}-{_clock(s.end_ms)}] {s.speaker}: {s.text}" for s in result.segments
    )


def _clock(ms: int) -> str:
    minutes, rest = divmod(ms, 60_000)
    return f"{minutes:02d}:{rest / 1000:04.1f}"


def is_transcript_file(path: Path) -> bool:
    return path.suffix.lower() in TEXT_SUFFIXES


def read_transcript(path: Path) -> list[Utterance]:
    """A text transcript (speaker-labelled lines) or `scribe transcribe --json` output."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix.lower() != ".json":
        return clinical.parse_transcript(raw)
    try:
        segments = json.loads(raw)["segments"]
        return [_utterance(i, item) for i, item in enumerate(segments)]
    except (ValueError, KeyError, TypeError) as exc:
        raise BadRequestError(
            f"{path.name} is not a transcript: expected {{segments: [...]}}"
        ) from exc


def _utterance(index: int, item: dict[str, Any]) -> Utterance:
    label = item.get("speaker") or item.get("speaker_role")
    speaker: SpeakerRole = (
        "doctor" if label == "doctor" else "patient" if label == "patient" else "unspecified"
    )
    return Utterance(
        id=f"s{index}",
        text=str(item["text"]),
        speaker=speaker,
        start_ms=item.get("start_ms"),
        end_ms=item.get("end_ms"),
    )


def utterances_of(result: TranscriptionResult) -> list[Utterance]:
    """Recognised segments as engine input (ids s0, s1, ... in time order)."""
    return [
        Utterance(f"s{i}", s.text, s.speaker, s.start_ms, s.end_ms)
        for i, s in enumerate(result.segments)
    ]


async def write_note(
    settings: Settings, utterances: Sequence[Utterance], template: TemplateSpec, style: NoteStyle
) -> NoteDraft:
    """Write a note with the configured text provider."""
    provider = build_text_provider(settings.llm, settings.limits.note_transcript_words)
    try:
        return await provider.write_note(NoteRequest(utterances, template=template, style=style))
    finally:
        await provider.aclose()


def template_for(key: str, family: str | None = None) -> TemplateSpec:
    """A catalogue template (of one family, or the first that knows the key), else a generic one."""
    spec = catalogue.find(family, key) if family else catalogue.find_any(key)
    return spec or clinical.generic_template(key)


def note_json(draft: NoteDraft, template: TemplateSpec) -> dict[str, Any]:
    return {
        "template": template.key,
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "text": section.text,
                "segment_ids": list(section.segment_ids),
            }
            for section in draft.sections
        ],
    }


def note_text(draft: NoteDraft) -> str:
    """Titled sections separated by blank lines; empty sections are left out."""
    return "\n\n".join(f"{s.title.upper()}\n{s.text}" for s in draft.sections if s.text)


async def score_asr(settings: Settings, folder: Path) -> list[tuple[asr_eval.AsrScore, float]]:
    """Transcribe every reference pair in a folder: each score with its real-time factor."""
    scored = []
    for case in asr_eval.find_cases(folder):
        roles: tuple[SpeakerRole, ...] | None = (
            ("doctor", "patient") if probe(case.audio).channels >= 2 else None
        )
        done = await transcribe(settings, case.audio, channel_roles=roles)
        factor = done.seconds / max(case.duration_ms / 1000, 1e-3)
        scored.append((asr_eval.score(case, done.result.segments), factor))
    return scored
