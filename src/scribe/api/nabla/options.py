"""What a Nabla request asks for, checked once: languages, templates, outputs, styles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from scribe.api.nabla.errors import UnsupportedTemplateError
from scribe.api.nabla.schemas import NoteOptions
from scribe.clinical import catalogue
from scribe.clinical.types import (
    NoteDraft,
    NoteStyle,
    TemplateSpec,
    Utterance,
)
from scribe.errors import UnsupportedLanguageError
from scribe.notes import writing
from scribe.providers.llm.base import NoteRequest, NoteWriter

# The deprecated short forms (seed 003) and what they stand for.
_ALIASES = {"en": "en-US", "fr": "fr-FR"}
_NO_NOTES = frozenset({"es-ES", "es-MX"})


@dataclass(frozen=True, slots=True)
class Options:
    """A request's choices in canonical form; kept on the async request as its params."""

    outputs: tuple[str, ...]
    language: str
    template: str
    style: NoteStyle
    split_by_problem: bool
    split_by_sentence: bool = False

    @property
    def wants_note(self) -> bool:
        return "note" in self.outputs

    @property
    def wants_transcript(self) -> bool:
        return "transcript_item" in self.outputs

    def as_params(self) -> dict[str, Any]:
        params = asdict(self)
        params["outputs"] = list(self.outputs)
        return params

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Options:
        return cls(**{**params, "outputs": tuple(params["outputs"])})


def options_of(
    body: NoteOptions, outputs: Sequence[str], *, split_by_sentence: bool = False
) -> Options:
    """Canonical options, or a 400 naming the combination Nabla does not support."""
    language = _ALIASES.get(body.language, body.language)
    wanted = tuple(dict.fromkeys(outputs))
    if "note" in wanted:
        if language in _NO_NOTES:
            raise UnsupportedLanguageError(f"Generating a note in {language} is not supported")
        template_spec(body.note_template, language)
    return Options(
        outputs=wanted,
        language=language,
        template=body.note_template,
        style="bullet_points" if body.section_style == "bullet_points" else "paragraphs",
        # Nabla applies it to English notes only and ignores it otherwise.
        split_by_problem=body.split_by_problem and language.startswith("en"),
        split_by_sentence=split_by_sentence,
    )


def template_spec(key: str, language: str) -> TemplateSpec:
    """The Nabla template with titles in the language; 400 where it is not offered."""
    spec = catalogue.find("nabla", key, language)
    if spec is None:
        raise UnsupportedTemplateError(f"note_template {key} is not available in {language}")
    return spec


async def write_draft(
    writer: NoteWriter, utterances: Sequence[Utterance], options: Options
) -> NoteDraft:
    """The note for the chosen template; 422 when the transcript is too short for one."""
    spec = template_spec(options.template, options.language)
    request = NoteRequest(utterances, template=spec, style=options.style, language=options.language)
    return await writing.write_note(writer, request)
