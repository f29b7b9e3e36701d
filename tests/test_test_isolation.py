"""How the tests themselves keep apart: their job kinds and settings never reach the shared app."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _test_trees() -> Iterator[tuple[str, ast.Module]]:
    for file in sorted(TESTS.rglob("*.py")):
        yield file.relative_to(TESTS).as_posix(), ast.parse(file.read_text())


def test_tests_register_job_kinds_in_a_registry_of_their_own() -> None:
    """A test kind in the production registry would run in every app of the session."""
    shared = []
    for path, tree in _test_trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (
                getattr(node.func, "id", None) == "handler"
                or ast.unparse(node.func) == "REGISTRY.handler"
            ):
                shared.append(path)
    assert shared == []


def test_tests_do_not_change_a_running_apps_settings() -> None:
    """Settings are read while the shared app's workers run: a test builds its own app instead."""
    patched = []
    for path, tree in _test_trees():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and ast.unparse(node.func) == "monkeypatch.setattr"
                and node.args
                and "settings" in ast.unparse(node.args[0])
            ):
                patched.append(path)
    assert patched == []
