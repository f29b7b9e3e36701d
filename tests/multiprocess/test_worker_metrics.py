"""The worker's own metrics endpoint (`scribe worker --metrics-port`), served in this process.

The multi-process tests scrape real workers; these pin down the endpoint's HTTP behaviour.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from scribe.config import JobSettings
from scribe.jobs.metrics_server import serve_metrics
from scribe.runtime import Runtime
from tests.multiprocess.conftest import free_port


async def test_metrics_of_this_process_are_served(runtime: Runtime) -> None:
    port = free_port()
    async with serve_metrics(runtime, "127.0.0.1", port):
        runtime.metrics.observe_job("scrape_probe", "completed", 0.2)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            response = await client.get("/metrics")
            head = await client.head("/metrics")
            missing = await client.get("/other")
            posted = await client.post("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert 'scribe_jobs_total{kind="scrape_probe",outcome="completed"} 1.0' in response.text
    assert "scribe_jobs_queued " in response.text
    assert "scribe_provider_fallbacks" in response.text
    assert (head.status_code, head.content) == (200, b"")
    assert int(head.headers["content-length"]) > 0
    assert missing.status_code == 404
    assert posted.status_code == 405


async def test_garbage_and_silence_do_not_stop_the_endpoint(runtime: Runtime) -> None:
    port = free_port()
    async with serve_metrics(runtime, "127.0.0.1", port):
        _, garbage = await asyncio.open_connection("127.0.0.1", port)
        garbage.write(b"\x00" * 20000)  # past the head limit, never a blank line
        await garbage.drain()
        garbage.close()
        silent = await asyncio.open_connection("127.0.0.1", port)  # sends nothing at all
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(f"http://127.0.0.1:{port}/metrics")
        silent[1].close()
    assert response.status_code == 200


def test_the_port_is_off_unless_set() -> None:
    assert JobSettings().metrics_port is None
    assert JobSettings.model_validate({"metrics_port": " "}).metrics_port is None
    assert JobSettings.model_validate({"metrics_port": "9464"}).metrics_port == 9464
    with pytest.raises(ValueError, match="metrics_port"):
        JobSettings.model_validate({"metrics_port": "0"})
