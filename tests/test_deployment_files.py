"""The files ops teams run: docker-compose and .env.example agree with the settings."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scribe.config import Settings

ROOT = Path(__file__).parents[1]


def test_compose_runs_api_worker_postgres_and_migrates_once() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"api", "worker", "postgres", "migrate"} <= set(services)
    assert services["worker"]["command"] == ["scribe", "worker"]
    assert services["migrate"]["command"] == ["scribe", "migrate"]
    assert services["api"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "healthcheck" in services["api"]
    assert services["api"]["volumes"] == services["worker"]["volumes"]


def test_env_example_lists_every_setting() -> None:
    listed = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    expected = set()
    for name, field in Settings.model_fields.items():
        annotation = field.annotation
        if hasattr(annotation, "model_fields"):
            expected |= {f"SCRIBE_{name}__{sub}".upper() for sub in annotation.model_fields}
        else:
            expected.add(f"SCRIBE_{name}".upper())
    assert expected == listed


def test_settings_read_nested_and_comma_separated_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCRIBE_OUTBOUND_ALLOWED_HOSTS", "files.test, hooks.test")
    monkeypatch.setenv("SCRIBE_JOBS__CONCURRENCY", "7")
    monkeypatch.setenv("SCRIBE_DATABASE_URL", "postgresql://u:p@db:5432/scribe")
    settings = Settings()
    assert settings.outbound_allowed_hosts == ["files.test", "hooks.test"]
    assert settings.jobs.concurrency == 7
    assert settings.sqlalchemy_url == "postgresql+asyncpg://u:p@db:5432/scribe"
    assert settings.libpq_url == "postgresql://u:p@db:5432/scribe"
    assert settings.job_backend == "procrastinate"
