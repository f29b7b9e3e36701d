"""Structured JSON logs carrying the request id. Callers log ids and counts, never clinical text."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else was passed through `extra=` and is emitted.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


# Database drivers log statements with their parameters at DEBUG: that would be clinical text.
_PARAMETER_LOGGERS = ("aiosqlite", "asyncpg", "psycopg", "sqlalchemy.engine", "sqlalchemy.pool")


def prepare_logging() -> None:
    """Stamp records with the request id; keep parameter-echoing loggers at WARNING."""
    for name in _PARAMETER_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "scribe_request_id", False):
        logging.setLogRecordFactory(_with_request_id(factory))


def _with_request_id(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        request_id = request_id_var.get()
        if request_id is not None:
            record.request_id = request_id
        return record

    make.scribe_request_id = True  # type: ignore[attr-defined]
    return make


def wants_json(log_format: str, log_json: bool, *, terminal: bool) -> bool:
    """auto: JSON for machines (a pipe, a file, a container log), text for a person's terminal."""
    if log_format != "auto":
        return log_format == "json"
    return log_json and not terminal


def configure_logging(level: str = "INFO", *, json_output: bool = True) -> None:
    """Send every logger through one stderr handler (JSON unless asked otherwise)."""
    handler = logging.StreamHandler(sys.stderr)
    formatter: logging.Formatter = (
        JsonFormatter()
        if json_output
        else logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")
    )
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "procrastinate"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    prepare_logging()
    # Our middleware writes the access log with the route template and request id.
    logging.getLogger("uvicorn.access").disabled = True
