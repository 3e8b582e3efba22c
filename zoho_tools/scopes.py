"""Which OAuth scopes the catalog's actions need, and which of them a grant leaves out.

Each action declares its least-privilege scopes in Zoho's naming
(``ZohoCRM.modules.contacts.READ``, ``ZohoSearch.securesearch.READ``). A grant covers a needed
scope when it holds it, or ``ALL`` at any level above it (``ZohoCRM.modules.ALL`` covers every
module operation; ``ZohoCRM.settings.ALL`` covers ``ZohoCRM.settings.tags.READ``), or ``WRITE``
for a create, update or delete; names compare without regard to case, as Zoho's do.

The Self Client scopes the product's quick start gives, ``ZohoCRM.modules.ALL`` and
``ZohoCRM.settings.ALL``, leave out the users (``list_users``, ``get_user``, an ``owner`` by
name) and Zoho's search scope (every search, ``identify_caller``, names for lookups):
:data:`SELF_CLIENT_SCOPES` is the list that covers every action.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from zoho_tools.templates import ActionTemplate

#: Scopes that cover every built-in action, to paste into Zoho's API console for a Self Client.
SELF_CLIENT_SCOPES: tuple[str, ...] = (
    "ZohoCRM.modules.ALL",
    "ZohoCRM.settings.ALL",
    "ZohoCRM.users.READ",
    "ZohoSearch.securesearch.READ",
)

_WRITE_COVERS = frozenset({"create", "update", "delete"})


def covers(granted: Iterable[str], needed: str) -> bool:
    """Whether scopes ``granted`` cover the scope ``needed`` (see the module docstring)."""
    held = {scope.strip().casefold() for scope in granted}
    parts = needed.casefold().split(".")
    if needed.casefold() in held:
        return True
    for level in range(1, len(parts)):
        if ".".join([*parts[:level], "all"]) in held:
            return True
    operation = parts[-1]
    return operation in _WRITE_COVERS and ".".join([*parts[:-1], "write"]) in held


def uncovered(granted: Iterable[str], actions: Iterable[ActionTemplate]) -> dict[str, list[str]]:
    """The scopes ``actions`` need that ``granted`` does not cover, each with the actions that
    need it (in catalog order)."""
    granted = tuple(granted)
    missing: dict[str, list[str]] = {}
    for action in actions:
        for scope in action.scopes:
            if not covers(granted, scope):
                missing.setdefault(scope, []).append(action.name)
    return missing


def describe_missing(missing: Mapping[str, list[str]], *, shown: int = 3) -> list[str]:
    """One line per missing scope: the scope and a few of the actions that need it."""
    lines = []
    for scope, names in missing.items():
        more = f" and {len(names) - shown} more" if len(names) > shown else ""
        lines.append(f"{scope} (needed by {', '.join(names[:shown])}{more})")
    return lines
