"""Names for lookups: find the records that a name in a tool call can mean (the loop's I/O).

Where an action takes a record id, it also takes the record's name instead (``account``: an id or
"Acme Corp", a parameter with a :attr:`~zoho_tools.templates.Param.lookup`). The orchestrator stays
pure: it answers :class:`~zoho_tools.orchestrator.NeedsLookup`, the agent loop calls
:func:`look_up` here, and steps the call again. How a name is searched:

- a record module: ``GET /{module}/search?word={name}`` (Zoho's search across the module's text
  fields, every word must match), up to :data:`MAX_CANDIDATES` records;
- ``users`` (an owner): ``GET /users?type=ActiveUsers``, matched by email, full name, or a part of
  the name (a first name).

Which records a name means: the ones whose name is exactly the name given (ignoring case and
spacing), if any; otherwise every record found. So "Acme Corp" is the account of that name even
when "Acme Corporation" also exists, while "Acme" matches both and becomes a question.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import cache
from typing import Any

from zoho_tools.normalize import searchable
from zoho_tools.orchestrator import Choice, NameLookup, name_key
from zoho_tools.rendering import RenderedRequest
from zoho_tools.results import ActionResult, display_name
from zoho_tools.templates import ActionTemplate

#: Records fetched per name: more than anyone would choose from on the phone.
MAX_CANDIDATES = 10

Send = Callable[[ActionTemplate, RenderedRequest], Awaitable[ActionResult]]

# A detail that tells records of the same name apart, by module (the first one present).
_DISTINGUISHING_FIELDS: Mapping[str, tuple[str, ...]] = {
    "Contacts": ("Account_Name", "Email", "Phone", "Mobile"),
    "Leads": ("Company", "Email", "Phone"),
    "Accounts": ("Billing_City", "Phone", "Website"),
    "Deals": ("Stage", "Account_Name", "Closing_Date"),
    "users": ("email",),
}


@cache
def _search(action: str, module: str) -> ActionTemplate:
    users = module == "users"
    return ActionTemplate(
        name=action,
        title="Find by name",
        description="",
        category="lookups",
        module=None if users else module,
        method="GET",
        path="/users" if users else f"/{module}/search",
        read_only=True,
        idempotent=True,
        records_key="users" if users else "data",
    )


async def look_up(
    send: Send, action: str, lookups: Sequence[NameLookup]
) -> tuple[dict[tuple[str, str], tuple[Choice, ...]], ActionResult | None]:
    """What each name of ``lookups`` can mean, by :attr:`NameLookup.key`, and the first error of
    Zoho's if a search failed (its names are then left out). ``send`` is
    :meth:`~zoho_tools.executor.Executor.send`; searches of one call run in parallel."""
    import asyncio

    unique = {lookup.key: lookup for lookup in lookups}
    found: dict[tuple[str, str], tuple[Choice, ...]] = {}
    for key, lookup in list(unique.items()):
        if lookup.module != "users" and not searchable(lookup.name):
            found[key] = ()  # Zoho cannot search it (fewer than two letters or digits)
            del unique[key]
    answers = await asyncio.gather(
        *(send(_search(action, lookup.module), _request(lookup)) for lookup in unique.values())
    )
    error = None
    for (key, lookup), result in zip(unique.items(), answers, strict=True):
        if result.status == "error":
            error = error or result
            continue
        records = result.records if result.ok and isinstance(result.records, list) else []
        found[key] = meant(lookup, records)
    return found, error


def meant(lookup: NameLookup, records: Sequence[Any]) -> tuple[Choice, ...]:
    """The records that ``lookup.name`` means among ``records`` (see the module docstring)."""
    module = lookup.module
    users = module == "users"
    wanted = name_key(module, lookup.name)[1]
    candidates = [
        r for r in records if isinstance(r, Mapping) and r.get("id") and display_name(r, module)
    ]
    if users:
        candidates = [u for u in candidates if _user_matches(u, wanted)]
    exact = [
        r
        for r in candidates
        if name_key(module, display_name(r, module))[1] == wanted
        or (users and str(r.get("email", "")).casefold() == wanted)
    ]
    return tuple(_choice(module, r) for r in (exact or candidates)[:MAX_CANDIDATES])


def _user_matches(user: Mapping[str, Any], wanted: str) -> bool:
    name = " ".join(str(user.get("full_name", "")).casefold().split())
    email = str(user.get("email", "")).casefold()
    return wanted in (email, name) or wanted in name.split()


def _choice(module: str, record: Mapping[str, Any]) -> Choice:
    detail = ""
    for key in _DISTINGUISHING_FIELDS.get(module, ()):
        value = record.get(key)
        if isinstance(value, Mapping):
            value = value.get("name")
        if value not in (None, ""):
            detail = str(value)
            break
    return Choice(id=str(record["id"]), name=display_name(record, module), detail=detail)


def _request(lookup: NameLookup) -> RenderedRequest:
    if lookup.module == "users":
        query = {"type": "ActiveUsers", "per_page": "200"}
        return RenderedRequest(method="GET", path="/users", query=query, json=None)
    query = {"word": lookup.name, "per_page": str(MAX_CANDIDATES)}
    return RenderedRequest(method="GET", path=f"/{lookup.module}/search", query=query, json=None)
