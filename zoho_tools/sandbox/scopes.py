"""OAuth scopes and what each endpoint needs (reference, sections 1.2 and the v7 pages).

A scope is ``Service.group[.resource].OPERATION``: ``ZohoCRM.modules.ALL``,
``ZohoCRM.modules.contacts.READ``, ``ZohoCRM.modules.notes.ALL``, ``ZohoCRM.settings.ALL``,
``ZohoCRM.settings.tags.READ``, ``ZohoCRM.settings.fields.READ``, ``ZohoCRM.users.READ``,
``ZohoCRM.org.READ``, ``ZohoSearch.securesearch.READ``... Operations: READ, CREATE, UPDATE,
DELETE, WRITE (= CREATE + UPDATE + DELETE, [UNVERIFIED]) and ALL. Module scope names are
Zoho's lower-case names (``appointments`` for Appointments__s, ``services`` for Services__s).

How a request is judged (the error mapping is the sandbox's choice, per the issue):

- no scope of the token covers the resource at all -> 401 ``OAUTH_SCOPE_MISMATCH``;
- a scope covers the resource but not the operation (a ``contacts.READ`` token creating a
  contact) -> 403 ``NO_PERMISSION`` with ``details.permissions`` naming the missing permission
  (``Crm_Implied_Create_Contacts``; the naming is [UNVERIFIED]) and Zoho's per-page message.

Search needs the module's READ **and** ``ZohoSearch.securesearch.READ`` (as Zoho documents);
notes need ``ZohoCRM.modules.notes.*`` (and the parent module's scope on the related-list URL).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from zoho_tools.sandbox import errors
from zoho_tools.sandbox.metadata import ModuleDefinition

READ, CREATE, UPDATE, DELETE = "READ", "CREATE", "UPDATE", "DELETE"
_OPERATIONS = frozenset({READ, CREATE, UPDATE, DELETE, "WRITE", "ALL"})
_WRITE_COVERS = frozenset({CREATE, UPDATE, DELETE})
_CRM = "zohocrm"  # services compare case-insensitively
_VERBS = {READ: "View", CREATE: "Create", UPDATE: "Edit", DELETE: "Delete"}

DEFAULT_SCOPES: tuple[str, ...] = (
    "ZohoCRM.modules.ALL",
    "ZohoCRM.settings.ALL",
    "ZohoCRM.users.ALL",
    "ZohoCRM.org.ALL",
    "ZohoCRM.coql.READ",
    "ZohoSearch.securesearch.READ",
)


@dataclass(frozen=True, slots=True)
class Grant:
    """One parsed scope."""

    service: str
    group: str
    resource: str | None
    operation: str


@dataclass(frozen=True, slots=True)
class Need:
    """What one endpoint requires of the token."""

    service: str
    group: str
    resource: str | None
    operation: str
    message: str  # NO_PERMISSION message, Zoho's wording for that endpoint
    permission: str


def parse_scope(scope: str) -> Grant | None:
    """``scope`` as a :class:`Grant`, or None if it is not a well-formed scope."""
    parts = scope.strip().split(".")
    if len(parts) not in (3, 4) or parts[-1].upper() not in _OPERATIONS or not all(parts):
        return None
    resource = parts[2].lower() if len(parts) == 4 else None
    return Grant(parts[0].lower(), parts[1].lower(), resource, parts[-1].upper())


def split_scopes(text: str) -> tuple[str, ...]:
    """Scopes as Zoho accepts them in a request: comma-separated (spaces tolerated)."""
    return tuple(s for s in text.replace(" ", ",").split(",") if s)


@lru_cache(maxsize=256)
def grants_of(scopes: tuple[str, ...]) -> tuple[Grant, ...]:
    """Parsed scopes (cached: a token's scopes are parsed once per process)."""
    return tuple(g for g in map(parse_scope, scopes) if g is not None)


def authorize(grants: Iterable[Grant], needs: Iterable[Need]) -> None:
    """Raise the Zoho error for the first need the grants do not satisfy."""
    grants = tuple(grants)
    for need in needs:
        relevant = [g for g in grants if _covers_resource(g, need)]
        if not relevant:
            raise errors.scope_mismatch()
        if not any(_covers_operation(g, need.operation) for g in relevant):
            raise errors.no_permission(need.message, [need.permission])


def _covers_resource(grant: Grant, need: Need) -> bool:
    return (
        grant.service == need.service
        and grant.group == need.group
        and grant.resource in (None, need.resource)
    )


def _covers_operation(grant: Grant, operation: str) -> bool:
    return grant.operation in ("ALL", operation) or (
        grant.operation == "WRITE" and operation in _WRITE_COVERS
    )


# --- needs of the endpoints ---------------------------------------------------------------


def module_need(module: ModuleDefinition, operation: str, message: str) -> Need:
    permission = f"Crm_Implied_{_VERBS[operation]}_{module.api_name}"
    return Need(_CRM, "modules", module.scope, operation, message, permission)


def settings_need(resource: str, operation: str, message: str) -> Need:
    permission = f"Crm_Implied_{_VERBS[operation]}_{resource.title().replace('_', '')}"
    return Need(_CRM, "settings", resource, operation, message, permission)


SEARCH_NEED = Need(
    "zohosearch", "securesearch", None, READ, "Permission denied to read", "Crm_Implied_Search"
)
USERS_NEED = Need(
    _CRM, "users", None, READ, "Permission denied to read users", "Crm_Implied_View_Users"
)
ORG_NEED = Need(
    _CRM, "org", None, READ, "Permission denied to read org details", "Crm_Implied_View_Org"
)
