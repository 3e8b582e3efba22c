"""The auth layer stands on its own: it takes a token store and an ``httpx.AsyncClient``, and
knows nothing of settings, the sandbox or how they are wired (``zoho_tools.connection`` does
that). Checked on the source, imports inside functions included."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import zoho_tools.auth

AUTH = Path(zoho_tools.auth.__file__).parent
#: What the auth layer may import from the rest of the package: the root of the exception tree,
#: and the Redis key and lock helpers its Redis store shares with the other shared state.
ALLOWED = {"zoho_tools.errors", "zoho_tools.shared"}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", sorted(AUTH.glob("*.py")), ids=lambda p: p.name)
def test_auth_imports_nothing_of_settings_sandbox_or_wiring(path: Path) -> None:
    ours = {m for m in _imports(path) if m == "zoho_tools" or m.startswith("zoho_tools.")}
    outside = {m for m in ours if not m.startswith("zoho_tools.auth")} - ALLOWED
    assert not outside, f"{path.name} imports {sorted(outside)}"
