"""Structured JSON logs carrying the request id. Callers log ids and counts, never clinical text.

Exception text is scrubbed before it is written: a driver's or a library's message can quote the
values it was given (bound parameters, a PostgreSQL ``DETAIL`` line, pydantic's ``input_value``,
a ``ValueError`` naming the bad literal), and those values are transcripts and notes.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else was passed through `extra=` and is emitted.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}


HIDDEN = "(hidden)"
# Rules for any text: each drops the values a message quotes, keeping what says where and why.
_VALUE_DUMPS = (
    # SQLAlchemy's "[parameters: (...)]" (its repr of the bound values is one line).
    (re.compile(r"\[parameters: [^\n]*"), "[parameters " + HIDDEN + "]"),
    # PostgreSQL's DETAIL (asyncpg and psycopg both print it): "Key (name)=(value)", "Failing
    # row contains (...)"; HINT and WHERE/CONTEXT lines may quote values too.
    (re.compile(r"^(\s*(?:DETAIL|HINT|CONTEXT|WHERE)):[^\n]*", re.MULTILINE), r"\1: " + HIDDEN),
    (re.compile(r"Failing row contains [^\n]*"), "Failing row contains " + HIDDEN),
    # pydantic's "input_value='...', input_type=str" (the value may hold commas).
    (
        re.compile(r"input_value=.*?(, input_type=|\]$)", re.MULTILINE),
        "input_value=" + HIDDEN + r"\1",
    ),
)
# In exception messages (never in source lines): quoted literals, the usual way to name a value.
_QUOTED = re.compile(r"(?<!<class )(?<!\w)'(?:[^'\\\n]|\\.)*'" "|" r'(?<!\w)"(?:[^"\\\n]|\\.)*"')
_FRAME = re.compile(r'^\s*File "[^"\n]*", line \d+')


def scrub(text: str) -> str:
    """Drop value dumps from any log text (a message, an exception, a traceback)."""
    for pattern, replacement in _VALUE_DUMPS:
        text = pattern.sub(replacement, text)
    return text


def scrub_exception(text: str) -> str:
    """Scrub a formatted exception: value dumps anywhere, quoted literals in its messages.

    Frame lines (``File "...", line N``) and the source lines under them are code, not data,
    and stay as they are, so a traceback still says where it happened.
    """
    lines, in_frame = [], False
    for line in scrub(text).split("\n"):
        if _FRAME.match(line):
            in_frame = True
        elif not (in_frame and line.startswith("    ")):
            in_frame = False
            line = _QUOTED.sub(lambda m: m.group(0)[0] + "…" + m.group(0)[0], line)
        lines.append(line)
    return "\n".join(lines)


class ScrubbingFormatter(logging.Formatter):
    """A formatter whose messages and exceptions are scrubbed (the text format)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = scrub(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: Any) -> str:
        return scrub_exception(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return scrub_exception(stack_info)


class JsonFormatter(ScrubbingFormatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": scrub(record.getMessage()),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _SKIPPED})
        if record.exc_info or record.exc_text:
            entry["exc"] = record.exc_text or self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


# Set on records by our factory, and shown as "exc" instead.
_SKIPPED = _STANDARD | {"exc_text"}


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
        if record.exc_info and not record.exc_text:
            # Formatters reuse a record's exc_text: any handler (uvicorn's, a test's capture)
            # then writes the scrubbed traceback, not one it formats itself.
            record.exc_text = scrub_exception(
                "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            )
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
        else ScrubbingFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")
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
