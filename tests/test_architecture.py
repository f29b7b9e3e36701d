"""The layering rules of docs/architecture.md, checked on the source tree.

Each rule walks the syntax trees of ``src/scribe``. Where a rule is not yet met everywhere, the
places that still break it are listed by name in ``PENDING``; a listed place that no longer breaks
the rule fails the test too, so the list can only shrink.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "scribe"

# The composition root wires every layer together, so it alone may import everything
# (models.py is its table registry, for Alembic and the tenant purge; cli/ is the command,
# each of its modules named so that a new one has to be added here on purpose).
CLI = {"cli/__init__.py", "cli/__main__.py", "cli/admin.py", "cli/engine.py", "cli/server.py"}
COMPOSITION_ROOT = {"main.py", "runtime.py", "tasks.py", "models.py", *CLI}

# The edge renders its 413/408/429 in the caller's dialect, so it may use the dialects' renderers.
EDGE = {"middleware.py"}

# Places that break a rule today, by rule; each names the issue-16 item that removes it.
PENDING: dict[str, set[str]] = {
    "session_in_api": set(),
    "rows_in_api": set(),
    "concrete_provider_checks": set(),
    "adapters_imported_outside_providers": set(),
    "core_imports_api": set(),
    # The core takes narrow Protocols (JobHost, JobServices, SweepHost…), not the Runtime.
    "core_imports_runtime": set(),
    "type_checking_hides_a_scribe_import": set(),
    # An error's case is its class (src/scribe/errors.py), rendered per dialect by class.
    "error_codes_as_strings": set(),
    "too_short_translated_outside_notes_writing": set(),
    # The core's error messages use its own words; a dialect renders the vendor's (item 3).
    "vendor_words_in_core_errors": set(),
    # A vendor's own section inside a core row's free-form JSON (item 3: typed columns instead).
    "vendor_sections_in_core_rows": set(),
    "import_cycles": set(),
}


@dataclass(frozen=True)
class Module:
    path: str  # relative to src/scribe
    tree: ast.Module

    @property
    def package(self) -> str:
        return self.path.split("/", 1)[0].removesuffix(".py")


@cache
def modules() -> tuple[Module, ...]:
    found = []
    for file in sorted(SRC.rglob("*.py")):
        rel = file.relative_to(SRC).as_posix()
        found.append(Module(rel, ast.parse(file.read_text(), filename=rel)))
    return tuple(found)


def imported(module: Module) -> Iterator[str]:
    """Every ``scribe.…`` module imported, wherever the import stands (TYPE_CHECKING too)."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "scribe":
                yield from (f"scribe.{alias.name}" for alias in node.names)
            else:
                yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def orm_classes() -> set[str]:
    """Names of the ORM models (classes deriving from the declarative ``Base``)."""
    names = set()
    for module in modules():
        for node in ast.walk(module.tree):
            if isinstance(node, ast.ClassDef):
                bases = {b.id for b in node.bases if isinstance(b, ast.Name)}
                if bases & {"Base", "TenantOwned", "Timestamped"}:
                    names.add(node.name)
    return names


def calls_on_session(module: Module) -> bool:
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Attribute) and node.attr in SESSION_METHODS:
            target = node.value
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name == "session":
                return True
    return False


SESSION_METHODS = {"add", "execute", "scalar", "scalars", "get", "flush", "delete", "commit"}


def builds_rows(module: Module, rows: set[str]) -> bool:
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in rows
        for node in ast.walk(module.tree)
    )


@cache
def provider_protocols() -> frozenset[str]:
    """Classes under ``providers/`` that are Protocols: the abilities callers may ask about."""
    names = set()
    for module in modules():
        if module.package == "providers":
            for node in ast.walk(module.tree):
                if isinstance(node, ast.ClassDef) and any(
                    getattr(base, "id", None) == "Protocol" for base in node.bases
                ):
                    names.add(node.name)
    return frozenset(names)


def concrete_provider_check(module: Module) -> bool:
    """An ``isinstance`` against a concrete class from ``scribe.providers`` (ask a Protocol)."""
    provider_names = set()
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("scribe.providers"):
            provider_names |= {a.asname or a.name for a in node.names}
    provider_names -= provider_protocols()
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "isinstance":
            classes = node.args[1]
            names = classes.elts if isinstance(classes, ast.Tuple) else [classes]
            if any(getattr(n, "id", None) in provider_names for n in names):
                return True
    return False


def type_checking_scribe_import(module: Module) -> bool:
    """An ``if TYPE_CHECKING:`` block importing a scribe module (a cycle kept out of sight)."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith("scribe"):
                    return True
    return False


# Field and resource names of the vendors' wire formats that the core has its own words for.
VENDOR_WORDS = re.compile(
    r"\b(primaryLanguage|[Ii]nteractions?|patientId|recordingId|interactionId)\b"
)


def speaks_vendor(module: Module) -> bool:
    """An error raised with a message in a vendor's words."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in error_classes():
            for arg in node.args:
                for part in ast.walk(arg):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        if VENDOR_WORDS.search(part.value):
                            return True
    return False


VENDORS = {"omniloy", "corti", "nabla", "clinia", "invox"}


def stores_vendor_section(module: Module) -> bool:
    """A ``meta=`` (or ``.meta[…]``) keyed by a vendor's name."""
    for node in ast.walk(module.tree):
        if (
            isinstance(node, ast.keyword)
            and node.arg == "meta"
            and isinstance(node.value, ast.Dict)
        ):
            keys = {k.value for k in node.value.keys if isinstance(k, ast.Constant)}
            if keys & VENDORS:
                return True
        if isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith(".meta"):
            if isinstance(node.slice, ast.Constant) and node.slice.value in VENDORS:
                return True
    return False


@cache
def error_classes() -> frozenset[str]:
    """Names of ``ScribeError`` and the classes deriving from it, anywhere under src/scribe."""
    bases_of = {
        node.name: {getattr(b, "id", None) or getattr(b, "attr", "") for b in node.bases}
        for module in modules()
        for node in ast.walk(module.tree)
        if isinstance(node, ast.ClassDef)
    }
    found = {"ScribeError"}
    while grown := {name for name, bases in bases_of.items() if bases & found} - found:
        found |= grown
    return frozenset(found)


def passes_error_code(module: Module) -> bool:
    """An error built with ``code="…"`` or ``resource="…"`` (a string where a class belongs)."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
            if name in error_classes() and any(
                k.arg in ("code", "resource") for k in node.keywords
            ):
                return True
    return False


def catches(module: Module, name: str) -> bool:
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            caught = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            if any(
                getattr(c, "id", None) == name or getattr(c, "attr", None) == name for c in caught
            ):
                return True
    return False


# The concrete adapters: the rest of the code reaches them only through their Protocols (their
# optional abilities included), so a caller never holds a vendor's model or client object.
ADAPTERS = {
    "scribe.providers.asr.whisper",
    "scribe.providers.asr.openai",
    "scribe.providers.llm.openai",
    "scribe.providers.llm.extractive",
    "scribe.providers.llm.fallback",
}


def violations(rule: str) -> set[str]:
    if rule == "session_in_api":
        return {m.path for m in modules() if m.package == "api" and calls_on_session(m)}
    if rule == "rows_in_api":
        rows = orm_classes()
        return {m.path for m in modules() if m.package == "api" and builds_rows(m, rows)}
    if rule == "concrete_provider_checks":
        return {
            m.path for m in modules() if m.package != "providers" and concrete_provider_check(m)
        }
    if rule == "adapters_imported_outside_providers":
        return {
            m.path
            for m in modules()
            if m.package != "providers"
            and m.path not in COMPOSITION_ROOT
            and any(name in ADAPTERS for name in imported(m))
        }
    if rule == "core_imports_runtime":
        return {
            m.path
            for m in modules()
            if m.package != "api"
            and m.path not in COMPOSITION_ROOT | {"dependencies.py"}
            and "scribe.runtime" in set(imported(m))
        }
    if rule == "type_checking_hides_a_scribe_import":
        return {m.path for m in modules() if type_checking_scribe_import(m)}
    if rule == "vendor_words_in_core_errors":
        return {m.path for m in modules() if m.package != "api" and speaks_vendor(m)}
    if rule == "vendor_sections_in_core_rows":
        return {m.path for m in modules() if stores_vendor_section(m)}
    if rule == "error_codes_as_strings":
        return {m.path for m in modules() if passes_error_code(m)}
    if rule == "too_short_translated_outside_notes_writing":
        return {
            m.path
            for m in modules()
            if m.package not in ("clinical", "providers", "evaluation")
            and m.path not in COMPOSITION_ROOT | {"notes/writing.py", "offline.py"}
            and catches(m, "TranscriptTooShortError")
        }
    if rule == "core_imports_api":
        return {
            m.path
            for m in modules()
            if m.package != "api"
            and m.path not in COMPOSITION_ROOT | EDGE
            and any(name.startswith("scribe.api") for name in imported(m))
        }
    if rule == "import_cycles":
        return {" → ".join(sorted(c)) for c in package_cycles()}
    raise AssertionError(rule)


def package_graph() -> dict[str, set[str]]:
    """Top-level package → the top-level packages it imports (the composition root left out)."""
    graph: dict[str, set[str]] = {}
    for module in modules():
        if module.path in COMPOSITION_ROOT:
            continue
        targets = graph.setdefault(module.package, set())
        for name in imported(module):
            parts = name.split(".")
            if parts[0] == "scribe" and len(parts) > 1 and parts[1] != module.package:
                if (SRC / parts[1]).is_dir() or (SRC / f"{parts[1]}.py").exists():
                    if not {f"{parts[1]}.py", f"{parts[1]}/__init__.py"} & COMPOSITION_ROOT:
                        targets.add(parts[1])
    return graph


def package_cycles() -> list[set[str]]:
    """Strongly connected components of more than one package (Tarjan)."""
    graph = package_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.mark.parametrize("rule", sorted(PENDING))
def test_rule_holds_outside_the_pending_list(rule: str) -> None:
    broken = violations(rule)
    assert broken - PENDING[rule] == set(), f"{rule} is broken by new code"
    assert PENDING[rule] - broken == set(), f"{rule}: fixed places must leave PENDING"


def test_statuses_are_enums_not_bare_strings() -> None:
    pattern = re.compile(r"\bstatus: Mapped\[str\]")
    bare = [m.path for m in modules() if pattern.search(ast.unparse(m.tree))]
    assert bare == []


def test_tenancy_is_filtered_in_the_query_not_compared_after_loading() -> None:
    """Reading a row first and comparing its tenant after is the style get_owned replaced."""
    pattern = re.compile(r"\.tenant_id != ")
    loaded_then_compared = [m.path for m in modules() if pattern.search(ast.unparse(m.tree))]
    assert loaded_then_compared == []
