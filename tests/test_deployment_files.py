"""The files ops teams run: docker-compose and .env.example agree with the settings."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scribe.api.limits import body_limits
from scribe.config import Settings

ROOT = Path(__file__).parents[1]


def test_compose_runs_api_worker_postgres_and_migrates_once() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"api", "worker", "postgres", "migrate"} <= set(services)
    assert services["worker"]["command"][:2] == ["scribe", "worker"]
    assert services["migrate"]["command"] == ["scribe", "migrate"]
    assert services["api"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "healthcheck" in services["api"]
    assert services["api"]["volumes"] == services["worker"]["volumes"]


def test_compose_scales_apis_behind_the_proxy_and_checks_every_process() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    # Replicas cannot share a host port: only the proxy publishes one.
    assert "ports" not in services["api"]
    assert "ports" not in services["worker"]
    assert services["api"]["deploy"]["replicas"] >= 2
    assert services["proxy"]["ports"] == ["8000:8000"]
    assert services["proxy"]["depends_on"]["api"]["condition"] == "service_healthy"
    mount = services["proxy"]["volumes"][0].split(":")[0]
    assert (ROOT / mount).is_file()
    for name in ("postgres", "api", "proxy", "worker"):
        assert services[name]["healthcheck"]["test"], name
    # The worker's health check reads the metrics port its command opens.
    port = services["worker"]["command"][services["worker"]["command"].index("--metrics-port") + 1]
    assert f":{port}/metrics" in " ".join(services["worker"]["healthcheck"]["test"])


def test_the_proxy_keeps_streams_uploads_and_long_waits_working() -> None:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    body_mb = int(conf.split("client_max_body_size ")[1].split("m;")[0])
    # The proxy lets the largest route's body through, and not a megabyte more.
    largest = body_limits(Settings()).largest
    assert body_mb == -(-largest // (1024 * 1024))
    assert "proxy_buffering off;" in conf  # Clinia's SSE summaries
    assert "proxy_set_header Upgrade $http_upgrade;" in conf  # Corti's WebSocket stream
    read_timeout = int(conf.split("proxy_read_timeout ")[1].split("s;")[0])
    jobs, nabla = Settings().jobs, Settings().nabla
    assert read_timeout > max(jobs.join_timeout_seconds, nabla.listen_wait_seconds)
    assert "resolver 127.0.0.11" in conf
    assert "set $api http://api:8000;" in conf


def test_env_example_lists_every_setting() -> None:
    listed = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    expected = set()
    for name, field in Settings.model_fields.items():
        annotation = field.annotation
        if annotation is not None and hasattr(annotation, "model_fields"):
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


def test_the_image_runs_as_a_non_root_user_owning_only_the_data_dir() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    users = [line.split()[1] for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert users == ["10001:10001"]  # the last USER wins: it must not be root
    assert "chown 10001:10001 /data" in dockerfile
    assert "chmod 0700 /data" in dockerfile
