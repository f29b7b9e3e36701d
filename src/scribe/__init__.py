"""scribe: a self-hosted ambient clinical documentation server."""

__version__ = "0.1.0"
