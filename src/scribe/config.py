"""Settings: environment variables with the SCRIBE_ prefix, nested groups joined by `__`."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url


class LLMSettings(BaseModel):
    # openai: any chat-completions server, with the embedded engine as the fallback.
    provider: Literal["extractive", "openai"] = "extractive"
    # A bare origin gets /v1 appended; a URL with a path is used as given (see providers.llm).
    base_url: str | None = None
    model: str | None = None
    api_key: SecretStr | None = None
    timeout_seconds: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=2, ge=0, le=10)
    # First retry waits about this long, doubling each time, plus jitter.
    retry_backoff_seconds: float = Field(default=0.5, ge=0)
    temperature: float = Field(default=0.0, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1)
    # json_object for servers without json_schema structured output (older vLLM, llama.cpp).
    response_format: Literal["json_schema", "json_object"] = "json_schema"
    # Azure OpenAI: send the api-key header and ?api-version= instead of a bearer token.
    api_version: str | None = None

    @field_validator("base_url", "model", "api_key", "max_tokens", "api_version", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # .env.example lists every setting, so an empty value must mean "not set".
        return None if isinstance(value, str) and not value.strip() else value


class ASRSettings(BaseModel):
    provider: Literal["whisper", "openai"] = "whisper"
    # openai: the server's root URL, with or without the trailing /v1.
    base_url: str | None = None
    # whisper: a CTranslate2 model directory or a faster-whisper model name (empty: the bundled
    # tiny.en); openai: the server's model name (empty: whisper-1).
    model: str | None = None
    api_key: SecretStr | None = None
    # whisper: fetch a model given by name from the Hugging Face Hub when it is not cached.
    allow_download: bool = False
    device: Literal["cpu", "cuda", "auto"] = "cpu"
    compute_type: str = "int8"
    # whisper: CTranslate2 threads per transcription, and files transcribed at once; 0 derives
    # them from the cores so that concurrency x cpu_threads <= cores (4 threads per file, or
    # every core when there are fewer; see whisper.transcription_threads).
    cpu_threads: int = Field(default=0, ge=0)
    # Batch jobs (uploads, Nabla, the CLI) are not real time: beam 5 is more accurate on every
    # visit we measured (bench/asr.py). The live stream re-decodes its tail every pass, so it keeps
    # greedy decoding for latency.
    beam_size: int = Field(default=5, ge=1, le=10)
    stream_beam_size: int = Field(default=1, ge=1, le=10)
    # whisper: files transcribed at once (0: cores // cpu_threads); the jobs beyond wait their turn.
    concurrency: int = Field(default=0, ge=0, le=32)
    # Silero VAD before Whisper. Without it, long noise or silence sends Whisper through its
    # temperature fallbacks window after window (an hour of room tone took over 20 minutes);
    # with 120 s windows and beam 5 it cost no measurable WER in bench/asr.py (it did cost
    # words on a noisy visit with 600 s windows, so windows stay short).
    vad_filter: bool = True
    stream_vad_filter: bool = True
    # Terms to bias recognition towards in every request (drug names, local place names).
    vocabulary: Annotated[tuple[str, ...], NoDecode] = ()
    # Batch jobs: add to the request's and the tenant's terms the drug and condition names of the
    # encounter's context (the patient's record, earlier transcripts), then fill the hotwords with
    # the most prescribed drugs (clinical.vocabulary.FREQUENT_DRUGS). Both off by default: on
    # tiny.en together they nearly double drug-name recall but cost about 3 WER points
    # (bench/asr_vocabulary.py, README).
    encounter_vocabulary: bool = False
    frequent_drugs: bool = False
    # whisper, batch jobs: how the vocabulary is used. every_window puts it before every 30 s
    # window as hotwords; targeted decodes plainly and decodes again, with the hotwords, only the
    # stretches holding a word that sounds like a term, keeping just the words that became one
    # (providers/asr/_vocabulary.py). Targeted is the default: on 6 dev and 6 held-out visits it
    # found the drug names without the WER every_window costs (bench/asr_vocabulary.py, README).
    vocabulary_decoding: Literal["every_window", "targeted"] = "targeted"
    # whisper: audio is decoded and transcribed in windows of about this length; peak memory
    # grows by about 1 MB per second of window, whatever the file's length.
    chunk_seconds: float = Field(default=120.0, ge=30.0)
    # openai: per request, and retries on connection errors, timeouts, 429 and 5xx.
    timeout_seconds: float = Field(default=300.0, gt=0)
    max_retries: int = Field(default=3, ge=0, le=10)

    @field_validator("vocabulary", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(term.strip() for term in value.split(",") if term.strip())
        return value


class JobSettings(BaseModel):
    # auto: in-process on SQLite, procrastinate on PostgreSQL.
    backend: Literal["auto", "inprocess", "procrastinate"] = "auto"
    # With procrastinate, also run a worker inside the API process (single-node PostgreSQL).
    run_in_api: bool = False
    queue_name: str = "scribe"
    concurrency: int = Field(default=4, ge=1, le=64)
    heartbeat_seconds: float = Field(default=10.0, gt=0)
    stale_after_seconds: float = Field(default=60.0, gt=0)
    max_attempts: int = Field(default=3, ge=1)
    join_timeout_seconds: float = Field(default=600.0, gt=0)
    recovery_interval_seconds: float = Field(default=30.0, gt=0)
    # `scribe worker` serves its own Prometheus metrics on this port (empty: not served).
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_host: str = "127.0.0.1"

    @field_validator("metrics_port", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


class LimitSettings(BaseModel):
    json_body_bytes: int = 2 * 1024 * 1024
    omniloy_transcript_bytes: int = 1024 * 1024
    # Corti recording uploads (its documented 150 MB and 120 minutes), answered 400 A0016.
    recording_bytes: int = Field(default=150 * 1024 * 1024, gt=0)
    recording_seconds: int = Field(default=120 * 60, gt=0)
    # Corti answers a transcript in the create response when it is ready within this long,
    # else 202 with the transcript still processing (as the real API does after 25 s).
    corti_sync_transcript_seconds: float = Field(default=25.0, ge=0)
    # Omniloy Codify: medical_note and the decoded pdf_file (its base64 JSON body may be larger
    # than json_body_bytes; the route's own cap follows from these two).
    codify_note_bytes: int = Field(default=50 * 1024, gt=0)
    codify_pdf_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    # A request body that sends no byte for this long is cut with 408, so a trickling client
    # cannot hold a worker slot (or, before this, a pooled connection) for ever.
    body_stall_seconds: float = Field(default=30.0, gt=0)
    # Request headers past either limit are a 431 (also uvicorn's h11 incomplete-event cap).
    header_bytes: int = Field(default=32 * 1024, ge=1024)
    header_count: int = Field(default=100, ge=8)
    # Failed authentications (401s) per client address, and per client id on the login routes,
    # within the window; past it, 429 with Retry-After. In-process: each replica counts its own.
    auth_failures: int = Field(default=20, ge=1)
    auth_failure_window_seconds: float = Field(default=60.0, gt=0)
    # Words of transcript the embedded engine writes a note from; past it, 413
    # transcript_too_long in the dialect's shape (a note from 5 hours of speech takes seconds).
    note_transcript_words: int = Field(default=50_000, gt=0)

    @property
    def codify_body_bytes(self) -> int:
        """A JSON body carrying a full-size note and PDF (base64 adds a third), with slack."""
        return self.codify_pdf_bytes * 4 // 3 + self.codify_note_bytes + 64 * 1024


class OutboundSettings(BaseModel):
    # file_url downloads and callbacks: seconds to connect (DNS included) and between bytes read.
    connect_timeout_seconds: float = Field(default=10.0, gt=0)
    read_timeout_seconds: float = Field(default=60.0, gt=0)
    # A whole download, so a server trickling bytes cannot hold a job for ever.
    download_timeout_seconds: float = Field(default=900.0, gt=0)
    # Redirects are followed by hand, each Location checked against the outbound policy.
    max_redirects: int = Field(default=5, ge=0, le=20)


class WebhookSettings(BaseModel):
    # Tries in all, the first included. The defaults retry after 30 s, 2 min, 8 min, 32 min,
    # 2 h 8 min, 8 h 32 min, 12 h: the last try is about 23 h 22 min after the first.
    max_attempts: int = Field(default=8, ge=1, le=50)
    first_retry_seconds: float = Field(default=30.0, ge=0)
    backoff_factor: float = Field(default=4.0, ge=1)
    max_delay_seconds: float = Field(default=12 * 3600.0, ge=0)
    # Per try: the receiver must answer within this long or the try counts as failed.
    timeout_seconds: float = Field(default=10.0, gt=0)


class NablaSettings(BaseModel):
    # Nabla's documented audio limits: /listen (synchronous) and /listen_async, in seconds.
    listen_seconds: int = Field(default=10 * 60, gt=0)
    listen_async_seconds: int = Field(default=60 * 60, gt=0)
    # Bytes of one audio file, uploaded or downloaded from file_url.
    file_bytes: int = Field(default=500 * 1024 * 1024, gt=0)
    # A client_request_id repeated by the same tenant within this long gets the first request.
    idempotency_hours: float = Field(default=24.0, ge=0)
    # /listen answers within this long or gives up with 504 (the job still finishes).
    listen_wait_seconds: float = Field(default=900.0, gt=0)


class CliniaSettings(BaseModel):
    # PDF/TIFF uploads to POST /ai/v1/ingest (Clinia's documented 20 MB), answered 413 beyond.
    document_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    # A ": ping" comment on a summary stream silent this long, so proxies keep it open.
    keepalive_seconds: float = Field(default=15.0, gt=0)


class RetentionSettings(BaseModel):
    # Audio is deleted this many days after the last job that used it finished (or after upload
    # when none did); None or 0: kept for ever. Audio of queued or running work is never deleted.
    audio_days: int | None = Field(default=None, ge=0)
    # Also delete the transcripts made from that audio (notes stay; their transcript link clears).
    delete_transcripts: bool = False
    # How often `scribe worker` (and `scribe serve` when it runs jobs) sweeps.
    sweep_interval_seconds: float = Field(default=3600.0, gt=0)
    # Recordings deleted per transaction.
    batch_size: int = Field(default=500, ge=1, le=10_000)

    @field_validator("audio_days", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


MIN_KEY_LENGTH = 24
MIN_KEY_BITS = 96.0


def check_key_strength(key: str) -> None:
    """Refuse a bootstrap key a guesser could find: short, or few distinct characters."""
    # Shannon entropy of the key's own characters, times its length: "aaaa…" or "abab…" scores
    # near nothing, 32 random hex digits about 120 bits.
    counts = [key.count(char) for char in set(key)]
    bits = -sum(n * math.log2(n / len(key)) for n in counts)
    if len(key) < MIN_KEY_LENGTH or bits < MIN_KEY_BITS:
        raise ValueError(
            f"SCRIBE_BOOTSTRAP_API_KEY is too weak: use at least {MIN_KEY_LENGTH} random "
            "characters (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
        )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SCRIBE_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    data_dir: Path = Path("./data")
    database_url: str | None = None
    # PostgreSQL: `scribe serve` migrates at start (under an advisory lock); SQLite always does.
    auto_migrate: bool = False
    bootstrap_api_key: SecretStr | None = None
    # The URL clients reach this server at (e.g. https://scribe.example.org): Corti's
    # websocketUrl is built from it rather than from the request's Host header.
    public_base_url: str | None = None
    # Signs the access tokens of the login routes (Corti, Invox); empty: generated into data_dir.
    token_secret: SecretStr | None = None
    # Encrypts stored webhook secrets (any string); empty: a key generated into data_dir.
    secret_key: SecretStr | None = None
    outbound_allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    log_level: str = "INFO"
    log_json: bool = True
    # auto: JSON when stderr is not a terminal (and SCRIBE_LOG_JSON), one readable line on one.
    log_format: Literal["auto", "json", "text"] = "auto"
    enable_docs: bool = True
    # GET /console: the browser console (static files; its API calls carry the user's key).
    enable_console: bool = True
    # GET /metrics answers without credentials, like /healthz: keep it off public networks.
    enable_metrics: bool = True
    llm: LLMSettings = Field(default_factory=LLMSettings)
    asr: ASRSettings = Field(default_factory=ASRSettings)
    jobs: JobSettings = Field(default_factory=JobSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    outbound: OutboundSettings = Field(default_factory=OutboundSettings)
    webhooks: WebhookSettings = Field(default_factory=WebhookSettings)
    clinia: CliniaSettings = Field(default_factory=CliniaSettings)
    nabla: NablaSettings = Field(default_factory=NablaSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)

    @field_validator("public_base_url", mode="before")
    @classmethod
    def _blank_url_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("public_base_url")
    @classmethod
    def _absolute_http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("SCRIBE_PUBLIC_BASE_URL must start with http:// or https://")
        return value.rstrip("/") if value else value

    @field_validator("bootstrap_api_key", mode="before")
    @classmethod
    def _blank_key_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("bootstrap_api_key")
    @classmethod
    def _strong_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            check_key_strength(value.get_secret_value())
        return value

    @field_validator("outbound_allowed_hosts", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [host.strip() for host in value.split(",") if host.strip()]
        return value

    @property
    def sqlalchemy_url(self) -> str:
        """The async driver URL: aiosqlite for SQLite, asyncpg for PostgreSQL."""
        if not self.database_url:
            return f"sqlite+aiosqlite:///{(self.data_dir / 'scribe.db').resolve()}"
        url = make_url(self.database_url)
        if url.get_backend_name() == "postgresql":
            url = url.set(drivername="postgresql+asyncpg")
        elif url.get_backend_name() == "sqlite":
            url = url.set(drivername="sqlite+aiosqlite")
        return url.render_as_string(hide_password=False)

    @property
    def is_postgres(self) -> bool:
        return make_url(self.sqlalchemy_url).get_backend_name() == "postgresql"

    @property
    def libpq_url(self) -> str:
        """The plain libpq URL psycopg (and so procrastinate) connects with."""
        url = make_url(self.sqlalchemy_url).set(drivername="postgresql")
        return url.render_as_string(hide_password=False)

    @property
    def job_backend(self) -> Literal["inprocess", "procrastinate"]:
        if self.jobs.backend != "auto":
            return self.jobs.backend
        return "procrastinate" if self.is_postgres else "inprocess"
