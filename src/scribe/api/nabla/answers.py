"""Nabla's side of its async jobs: how a request's params read and its callback bodies look.

The work itself (download, recording, transcript, note) is the core's
(``scribe.async_requests.tasks``); importing this module registers Nabla's two job kinds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scribe.api.nabla import errors, views
from scribe.api.nabla.options import Options, write_draft
from scribe.async_requests.models import AsyncRequest
from scribe.async_requests.service import Failure
from scribe.async_requests.tasks import register_digest, register_listen
from scribe.clinical.types import NoteDraft, Utterance
from scribe.config import Settings
from scribe.errors import ScribeError
from scribe.providers.llm.base import NoteWriter
from scribe.recordings.service import Limits
from scribe.transcripts import service as transcript_service
from scribe.transcripts.models import Transcript

LISTEN = "nabla_listen"
DIGEST = "nabla_digest"


class NablaAnswers:
    """Nabla's params and callback bodies (vendors.md §3)."""

    def audio_limits(self, settings: Settings) -> Limits:
        nabla = settings.nabla
        return Limits(nabla.file_bytes, nabla.listen_async_seconds * 1000)

    def language(self, params: dict[str, Any]) -> str:
        return Options.from_params(params).language

    def wants_note(self, params: dict[str, Any]) -> bool:
        return Options.from_params(params).wants_note

    async def write_note(
        self, writer: NoteWriter, utterances: Sequence[Utterance], params: dict[str, Any]
    ) -> NoteDraft:
        return await write_draft(writer, utterances, Options.from_params(params))

    def success(
        self,
        request: AsyncRequest,
        transcript: Transcript,
        draft: NoteDraft | None,
        *,
        transcribed: bool,
    ) -> dict[str, Any]:
        options = Options.from_params(request.params)
        items = None
        if transcribed and options.wants_transcript:
            items = views.transcript_items(
                transcript.segments, split_by_sentence=options.split_by_sentence
            )
        note = None
        if draft is not None:
            said = transcript_service.utterances(transcript)
            note = views.note_body(draft, said, split_by_problem=options.split_by_problem)
        return views.success_payload(
            request.id, request.client_request_id, transcript=items, note=note
        )

    def failure_of(self, error: ScribeError) -> Failure:
        return errors.failure_of(error)

    def failure(self, request: AsyncRequest, failure: Failure) -> dict[str, Any]:
        return views.error_payload(
            request.id, request.client_request_id, failure.status, failure.message
        )


register_listen(LISTEN, NablaAnswers())
register_digest(DIGEST, NablaAnswers())
