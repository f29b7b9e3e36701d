"""Settings: environment variables with the SCRIBE_ prefix, nested groups joined by `__`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url


class LLMSettings(BaseModel):
    provider: Literal["extractive"] = "extractive"
    base_url: str | None = None
    model: str | None = None
    api_key: SecretStr | None = None
    timeout_seconds: float = 60.0


class ASRSettings(BaseModel):
    provider: Literal["whisper", "openai"] = "whisper"
    base_url: str | None = None
    model: str | None = None
    api_key: SecretStr | None = None


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


class LimitSettings(BaseModel):
    json_body_bytes: int = 2 * 1024 * 1024
    omniloy_transcript_bytes: int = 1024 * 1024


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SCRIBE_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    data_dir: Path = Path("./data")
    database_url: str | None = None
    bootstrap_api_key: SecretStr | None = None
    outbound_allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    log_level: str = "INFO"
    log_json: bool = True
    enable_docs: bool = True
    llm: LLMSettings = Field(default_factory=LLMSettings)
    asr: ASRSettings = Field(default_factory=ASRSettings)
    jobs: JobSettings = Field(default_factory=JobSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)

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
