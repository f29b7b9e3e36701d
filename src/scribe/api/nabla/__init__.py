"""Nabla Copilot server API (seed 003): listen, listen_async, digest, digest_async."""
