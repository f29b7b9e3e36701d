"""Prometheus /metrics: request and job counters by template, queue depth, no PHI, switch-off."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from scribe.config import Settings
from scribe.main import create_app
from scribe.metrics import Metrics
from tests.conftest import client_for

VISIT = (Path(__file__).parent / "data" / "visit_knee.txt").read_text()


def sample(text: str, name: str, **labels: str) -> float:
    """The sum of the samples called ``name`` whose labels include ``labels``."""
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name and labels.items() <= s.labels.items()
    )


def sample_names(text: str) -> set[str]:
    return {s.name for family in text_string_to_metric_families(text) for s in family.samples}


async def scrape(app: FastAPI) -> str:
    async with client_for(app, None) as anonymous:
        response = await anonymous.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return response.text


async def extraction_run(client: httpx.AsyncClient) -> list[str]:
    """Transcription → thread → extraction run → join; the ids it created."""
    created = await client.post(
        "/v1/transcriptions/create", json={"duration_seconds": 180, "original_transcript": VISIT}
    )
    assert created.status_code == 201, created.text
    transcription_id = created.json()["transcription"]["id"]
    thread_id = (await client.post("/v1/lang-graph/threads", json={})).json()["thread_id"]
    run = await client.post(
        f"/v1/lang-graph/threads/{thread_id}/runs",
        json={
            "input": {"messages": [{"role": "user", "content": "Generate a clinical note"}]},
            "config": {
                "configurable": {"thread_id": thread_id, "transcription_id": transcription_id}
            },
        },
        headers={"x-is-chat": "false"},
    )
    assert run.status_code == 201, run.text
    run_id = run.json()["run_id"]
    joined = await client.get(
        f"/v1/lang-graph/threads/{thread_id}/runs/{run_id}/join", params={"timeout": 30}
    )
    assert joined.status_code == 200, joined.text
    return [transcription_id, thread_id, run_id]


class TestRequests:
    async def test_counted_by_route_template_and_status(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        before = await scrape(app)
        async with client_for(app, None) as anonymous:
            assert (await anonymous.get("/healthz")).status_code == 200
            assert (await anonymous.get("/no-such-page/abc123")).status_code == 404
        missing = await client.get("/v1/clinical-notes/note-does-not-exist-42")
        assert missing.status_code == 404
        after = await scrape(app)

        def grew(**labels: str) -> float:
            name = "scribe_http_requests_total"
            return sample(after, name, **labels) - sample(before, name, **labels)

        assert grew(method="GET", route="/healthz", status="200") == 1
        assert grew(method="GET", route="<unmatched>", status="404") == 1
        assert grew(method="GET", route="/v1/clinical-notes/{note_id}", status="404") == 1
        assert sample(after, "scribe_http_request_duration_seconds_count", route="/healthz") >= 1
        assert "note-does-not-exist-42" not in after
        assert "abc123" not in after

    async def test_metrics_needs_no_credentials_and_is_not_behind_a_dialect(
        self, app: FastAPI
    ) -> None:
        text = await scrape(app)
        assert "scribe_http_requests_total" in sample_names(text)


class TestJobs:
    async def test_a_finished_job_is_counted_without_its_ids_or_text(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        before = await scrape(app)
        ids = await extraction_run(client)
        after = await scrape(app)
        labels = {"kind": "agent_run", "outcome": "completed"}
        assert sample(after, "scribe_jobs_total", **labels) == (
            sample(before, "scribe_jobs_total", **labels) + 1
        )
        assert sample(after, "scribe_job_duration_seconds_count", **labels) >= 1
        for value in ids:
            assert value not in after
        for phrase in ("ibuprofen", "penicillin", "ladder", "thompson", "knee"):
            assert phrase not in after.lower()

    async def test_queue_depth_is_read_at_scrape_time(self, app: FastAPI) -> None:
        names = sample_names(await scrape(app))
        assert {"scribe_jobs_queued", "scribe_jobs_running"} <= names


class TestScrapeTimeValues:
    """The values the route hands to ``Metrics.render`` and the recogniser's speed."""

    def test_provider_fallbacks_and_real_time_factor(self) -> None:
        metrics = Metrics()
        metrics.observe_real_time_factor(0.2)
        metrics.observe_real_time_factor(None)  # a provider that did not measure it
        text = metrics.render(jobs={"queued": 3}, fallbacks=[("note", 2)]).decode()
        assert sample(text, "scribe_provider_fallbacks_total", task="note") == 2
        assert sample(text, "scribe_asr_real_time_factor_count") == 1
        assert sample(text, "scribe_jobs_queued") == 3
        assert sample(text, "scribe_jobs_running") == 0

    def test_each_metrics_has_its_own_registry(self) -> None:
        first, second = Metrics(), Metrics()
        first.observe_request("GET", "/healthz", 200, 0.01)
        text = second.render(jobs={}, fallbacks=()).decode()
        assert sample(text, "scribe_http_requests_total") == 0


class TestSwitchedOff:
    @pytest.fixture
    async def quiet_app(self, settings: Settings) -> AsyncIterator[FastAPI]:
        # Its own queue and no worker: it must not take the suite app's jobs on PostgreSQL.
        jobs = settings.jobs.model_copy(update={"queue_name": "metrics-off-tests"})
        app = create_app(
            settings.model_copy(update={"enable_metrics": False, "jobs": jobs}), run_jobs=False
        )
        async with app.router.lifespan_context(app):
            yield app

    async def test_metrics_is_not_found(self, quiet_app: FastAPI) -> None:
        async with client_for(quiet_app, None) as anonymous:
            assert (await anonymous.get("/metrics")).status_code == 404
            assert (await anonymous.get("/healthz")).status_code == 200
