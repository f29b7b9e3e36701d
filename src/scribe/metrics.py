"""Prometheus instruments, one registry per runtime (several apps can share a process).

Labels carry route templates, methods, statuses, job kinds and task names only: never raw
paths, ids or clinical text::

    metrics = Metrics()
    metrics.observe_request("GET", "/v2/interactions/{id}", 200, 0.012)
    body = metrics.render(jobs={"queued": 3, "running": 1}, fallbacks=[("note", 2)])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, Metric

# The classic text format generate_latest writes. prometheus-client 0.26 points
# CONTENT_TYPE_LATEST at version=1.0.0, which older Prometheus servers refuse to negotiate.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Request and job durations, seconds: fast API calls up to minutes-long recognition jobs.
_HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_JOB_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)
# Recognition time over audio time: below 1 is faster than real time.
_RTF_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0)


class Metrics:
    """The registry and instruments of one runtime; scrape-time values are passed to render."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.http_requests = Counter(
            "scribe_http_requests",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.http_duration = Histogram(
            "scribe_http_request_duration_seconds",
            "HTTP request duration by method and route template.",
            ["method", "route"],
            buckets=_HTTP_BUCKETS,
            registry=self.registry,
        )
        self.jobs = Counter(
            "scribe_jobs",
            "Jobs finished by kind and outcome (completed or failed).",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.job_duration = Histogram(
            "scribe_job_duration_seconds",
            "Duration of one job attempt by kind and outcome.",
            ["kind", "outcome"],
            buckets=_JOB_BUCKETS,
            registry=self.registry,
        )
        self.jobs_queued = Gauge(
            "scribe_jobs_queued", "Jobs waiting to run.", registry=self.registry
        )
        self.jobs_running = Gauge("scribe_jobs_running", "Jobs being run.", registry=self.registry)
        self.asr_real_time_factor = Histogram(
            "scribe_asr_real_time_factor",
            "Speech recognition time divided by audio duration.",
            buckets=_RTF_BUCKETS,
            registry=self.registry,
        )
        self._fallbacks = _FallbackCollector()
        self.registry.register(self._fallbacks)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.http_requests.labels(method, route, str(status)).inc()
        self.http_duration.labels(method, route).observe(seconds)

    def observe_job(self, kind: str, outcome: str, seconds: float | None) -> None:
        """Count a finished job; ``seconds`` is None when it failed without running."""
        self.jobs.labels(kind, outcome).inc()
        if seconds is not None:
            self.job_duration.labels(kind, outcome).observe(seconds)

    def observe_real_time_factor(self, value: object) -> None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.asr_real_time_factor.observe(float(value))

    def render(self, *, jobs: Mapping[str, int], fallbacks: Iterable[tuple[str, int]]) -> bytes:
        """The text exposition, with the values read at scrape time."""
        self.jobs_queued.set(jobs.get("queued", 0))
        self.jobs_running.set(jobs.get("running", 0))
        self._fallbacks.counts = dict(fallbacks)
        return generate_latest(self.registry)


class _FallbackCollector:
    """Exports the provider's own fallback counter as it stands at scrape time."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def collect(self) -> Iterable[Metric]:
        family = CounterMetricFamily(
            "scribe_provider_fallbacks",
            "Answers the embedded engine gave because the LLM provider failed, by task.",
            labels=["task"],
        )
        for task, count in sorted(self.counts.items()):
            family.add_metric([task], count)
        yield family
