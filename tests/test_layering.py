"""The package's layers, read from the source: which module may import which.

Every ``import`` and ``from ... import`` of every module under ``zoho_tools`` counts, wherever it
is written: at the top, inside a function (the lazy imports) or under ``if TYPE_CHECKING`` (a
type-only import still ties one layer to another). Relative imports are resolved, and
``from zoho_tools import sandbox`` counts as importing ``zoho_tools.sandbox``.

A rule that does not hold yet lists its current offenders in :data:`KNOWN_OFFENDERS`; the test
also fails when a listed offender no longer offends, so the list only ever shrinks.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = "zoho_tools"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE


@dataclass(frozen=True)
class Rule:
    """Modules under one of ``importers`` import nothing under one of ``forbidden``, except
    what lies under one of ``allowed`` (a layer may import itself)."""

    name: str
    importers: tuple[str, ...]
    forbidden: tuple[str, ...]
    allowed: tuple[str, ...] = ()


RULES = (
    Rule(
        "the sandbox models Zoho on its own: it imports nothing of zoho_tools outside itself",
        importers=("zoho_tools.sandbox",),
        forbidden=("zoho_tools",),
        allowed=("zoho_tools.sandbox",),
    ),
    Rule(
        "the pure layers (orchestrator, catalog, schemas, adapters) send no HTTP and hold no "
        "credentials: no httpx, no zoho_tools.auth",
        importers=(
            "zoho_tools.orchestrator",
            "zoho_tools.catalog",
            "zoho_tools.schemas",
            "zoho_tools.adapters",
        ),
        forbidden=("httpx", "zoho_tools.auth"),
    ),
    Rule(
        "auth is a library the wiring uses, not the other way round: of zoho_tools it imports "
        "only the root of the exception tree and the Redis helpers it shares with other state",
        importers=("zoho_tools.auth",),
        forbidden=("zoho_tools",),
        allowed=("zoho_tools.auth", "zoho_tools.errors", "zoho_tools.shared"),
    ),
)

#: (importing module, imported module) pairs that break a rule today, allowed until they are
#: fixed. Keep this accurate: the test fails when a pair here no longer offends.
KNOWN_OFFENDERS: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def imports_of(path: Path) -> list[Import]:
    """Every module the file at ``path`` imports."""
    return imports_in(path.read_text(encoding="utf-8"), module_name(path), is_package(path))


def imports_in(source: str, importer: str, package: bool) -> list[Import]:
    """Every module ``source`` (the module ``importer``, a package's ``__init__`` if
    ``package``) imports, at any depth of its syntax tree."""
    # What a relative import is relative to: the module itself if it is a package.
    base = importer.split(".") if package else importer.split(".")[:-1]
    found: list[Import] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(importer, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)]
                source_module = ".".join([*anchor, node.module] if node.module else anchor)
            else:
                source_module = node.module or ""
            found.append(Import(importer, source_module, node.lineno))
            # ``from zoho_tools import sandbox`` imports the submodule zoho_tools.sandbox.
            found += [
                Import(importer, f"{source_module}.{alias.name}", node.lineno)
                for alias in node.names
                if _exists(f"{source_module}.{alias.name}")
            ]
    return found


def _exists(module: str) -> bool:
    if not module.startswith(f"{PACKAGE}.") and module != PACKAGE:
        return False
    relative = Path(*module.split("."))
    return (ROOT.parent / relative.with_suffix(".py")).is_file() or (
        ROOT.parent / relative / "__init__.py"
    ).is_file()


def under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(f"{p}.") for p in prefixes)


def all_imports() -> list[Import]:
    return [found for path in sorted(ROOT.rglob("*.py")) for found in imports_of(path)]


def violations(rule: Rule, imports: list[Import]) -> list[Import]:
    return [
        i
        for i in imports
        if under(i.importer, rule.importers)
        and under(i.imported, rule.forbidden)
        and not under(i.imported, rule.allowed)
    ]


def breach(rule: Rule, found: Import) -> str:
    """The failure line: the importing module, the imported one and the rule."""
    return f"{found.importer} (line {found.line}) imports {found.imported}, but {rule.name}"


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return all_imports()


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.importers[0])
def test_rule_holds(rule: Rule, imports: list[Import]) -> None:
    offending = [
        i for i in violations(rule, imports) if (i.importer, i.imported) not in KNOWN_OFFENDERS
    ]
    assert not offending, "\n".join(breach(rule, i) for i in offending)


def test_known_offenders_still_offend(imports: list[Import]) -> None:
    """An offender that was fixed must leave :data:`KNOWN_OFFENDERS`, so the allowance shrinks."""
    offending = {(i.importer, i.imported) for rule in RULES for i in violations(rule, imports)}
    fixed = sorted(KNOWN_OFFENDERS - offending)
    assert not fixed, "\n".join(
        f"{importer} no longer imports {imported}: remove the pair from KNOWN_OFFENDERS in "
        "tests/test_layering.py"
        for importer, imported in fixed
    )


def test_the_reader_sees_lazy_relative_and_type_only_imports() -> None:
    """The reader finds the imports the rules depend on, however they are written."""
    source = """
from __future__ import annotations
from typing import TYPE_CHECKING
from . import store
from ..auth import zoho_auth
from zoho_tools import connection
if TYPE_CHECKING:
    from zoho_tools.config import Settings
def later() -> None:
    import httpx
"""
    found = {i.imported for i in imports_in(source, "zoho_tools.sandbox.probe", package=False)}
    assert found == {
        "__future__",
        "typing",
        "zoho_tools.sandbox",
        "zoho_tools.sandbox.store",
        "zoho_tools.auth",
        "zoho_tools.auth.zoho_auth",
        "zoho_tools",
        "zoho_tools.connection",
        "zoho_tools.config",
        "httpx",
    }
    # In a package's __init__, a relative import is relative to the package itself.
    in_init = imports_in("from .store import Store", "zoho_tools.sandbox", package=True)
    assert [i.imported for i in in_init] == ["zoho_tools.sandbox.store"]


def test_a_broken_rule_names_the_importer_the_imported_and_the_rule() -> None:
    imports = imports_in("import httpx", "zoho_tools.catalog.probe", package=False)
    rule = next(r for r in RULES if "zoho_tools.catalog" in r.importers)
    [found] = violations(rule, imports)
    assert breach(rule, found) == (
        "zoho_tools.catalog.probe (line 1) imports httpx, but the pure layers (orchestrator, "
        "catalog, schemas, adapters) send no HTTP and hold no credentials: no httpx, no "
        "zoho_tools.auth"
    )
    # Its own layer is allowed to the sandbox, and nothing else of zoho_tools.
    sandbox = RULES[0]
    own = imports_in("from .store import Store", "zoho_tools.sandbox.probe", package=False)
    assert violations(sandbox, own) == []
    other = imports_in("from zoho_tools.results import x", "zoho_tools.sandbox.p", package=False)
    assert [i.imported for i in violations(sandbox, other)] == ["zoho_tools.results"]
