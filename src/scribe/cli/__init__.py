"""The `scribe` command: serve | worker | migrate | keys | transcribe | note | eval."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from scribe.cli import admin, engine, server
from scribe.cli.server import alembic_config
from scribe.config import Settings
from scribe.logs import configure_logging, wants_json
from scribe.retention import commands as retention_commands

__all__ = ["alembic_config", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    settings = Settings()
    json_output = wants_json(settings.log_format, settings.log_json, terminal=sys.stderr.isatty())
    configure_logging(settings.log_level, json_output=json_output)
    result: int = args.func(settings, args)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scribe", description=__doc__)
    commands = parser.add_subparsers(required=True, dest="command")
    # In this order in --help: the server, a tenant's settings, the offline engines, retention.
    server.add_parsers(commands)
    admin.add_parsers(commands)
    engine.add_parsers(commands)
    retention_commands.add_parsers(commands)
    return parser
