"""``identify_caller``: who is calling, in one tool call, from the caller's number.

Zoho has no single endpoint for "who owns this number, and what is open for them", so the action
is a small plan of plain v7 requests, sent through the executor (auth, retries and result mapping
as for any action):

1. ``GET /Contacts/search?phone=…``, ``/Leads/search`` and ``/Accounts/search`` in parallel;
2. the caller is the first contact found, else the first lead, else the first account (a company
   line); a contact's account comes from its ``Account_Name`` lookup;
3. for a contact or an account, in parallel: its open cases, open deals and meetings from now on
   (``criteria`` searches on Cases, Deals and Events).

The result is one record, bounded and short enough to read out: ``module``, ``id``, ``name``,
``account_id``, ``account_name``, up to :data:`MAX_ITEMS` of each list, and ``other_matches``
when more than one record has the number. It chains like any other (``{{identify_caller.id}}``,
``{{identify_caller.account_id}}``). A list that Zoho could not answer is left out and named in
``unavailable``; a failure of the people searches themselves is the action's error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import cache
from typing import Any

from zoho_tools.rendering import ActionRequest, RenderedRequest, escape_criteria
from zoho_tools.results import ActionResult, display_name
from zoho_tools.templates import ActionTemplate
from zoho_tools.variables import MissingVariable

#: The items of each list a caller's summary shows (the count says how many there are).
MAX_ITEMS = 3
#: Where a caller's number is looked for, in order of preference.
CALLER_MODULES = ("Contacts", "Leads", "Accounts")

Send = Callable[[ActionTemplate, RenderedRequest], Awaitable[ActionResult]]

#: The lists of a caller's open items: the module each is read from and the fields shown.
_CALLER_LISTS = {
    "open_cases": ("Cases", ("Case_Number", "Subject", "Status", "Priority")),
    "open_deals": ("Deals", ("Deal_Name", "Stage", "Amount", "Closing_Date")),
    "upcoming_events": ("Events", ("Event_Title", "Start_DateTime")),
}


@cache
def plan_read(action: str, module: str) -> ActionTemplate:
    """A read-only ``GET`` of ``module`` under ``action``'s name, for one request of a plan, so
    its results and errors say ``action``. The path only describes it: each request of a plan
    carries its own."""
    return ActionTemplate(
        name=action,
        title=action.replace("_", " ").capitalize(),
        description="",
        category="lookups",
        module=module,
        method="GET",
        path=f"/{module}",
        read_only=True,
        idempotent=True,
    )


async def identify_caller(send: Send, request: ActionRequest) -> ActionResult:
    """Run the plan for ``request`` (an ``identify_caller`` request) with ``send``
    (:meth:`~zoho_tools.executor.Executor.send`)."""
    action = request.template.name
    phone = str(request.arguments["phone"])
    found = await asyncio.gather(
        *(
            send(plan_read(action, module), _get(module, {"phone": phone, "per_page": "10"}))
            for module in CALLER_MODULES
        )
    )
    matches = [
        (module, record)
        for module, result in zip(CALLER_MODULES, found, strict=True)
        if result.ok and isinstance(result.records, list)
        for record in result.records
        if isinstance(record, Mapping) and record.get("id")
    ]
    if not matches:
        failed = next((result for result in found if result.status == "error"), None)
        if failed is not None:
            return failed
        return ActionResult(
            action=action,
            status="empty",
            count=0,
            message="No contact, lead or account has this number.",
            hint="Greet the caller, ask for their name and search by it; offer to create them.",
            request=found[0].request,
        )
    module, record = matches[0]
    caller: dict[str, Any] = {
        "module": module,
        "id": str(record["id"]),
        "name": display_name(record, module),
    }
    account = record.get("Account_Name") if module == "Contacts" else None
    if module == "Accounts":
        caller["account_id"], caller["account_name"] = caller["id"], caller["name"]
    elif isinstance(account, Mapping) and account.get("id"):
        caller["account_id"], caller["account_name"] = str(account["id"]), account.get("name")
    if module == "Leads" and record.get("Company"):
        caller["company"] = record["Company"]
    if len(matches) > 1:
        caller["other_matches"] = [
            {"module": m, "id": str(r["id"]), "name": display_name(r, m)}
            for m, r in matches[1 : 1 + MAX_ITEMS]
        ]
    if module != "Leads":
        caller.update(await _open_items(send, action, module, caller["id"], request))
    return ActionResult(
        action=action,
        status="ok",
        message="caller identified",
        data=caller,
        records=caller,
        request=found[CALLER_MODULES.index(module)].request,
    )


async def _open_items(
    send: Send, action: str, module: str, record_id: str, request: ActionRequest
) -> dict[str, Any]:
    link = {"Contacts": ("Related_To", "Contact_Name", "Who_Id")}.get(
        module, ("Account_Name", "Account_Name", "What_Id")
    )
    rid = escape_criteria(record_id)
    criteria = {
        "open_cases": f"(({link[0]}:equals:{rid})and(Status:not_equal:Closed))",
        "open_deals": f"({link[1]}:equals:{rid})",
    }
    try:
        now = escape_criteria(str(request.scope.lookup("now")))
        criteria["upcoming_events"] = (
            f"(({link[2]}:equals:{rid})and(Start_DateTime:greater_equal:{now}))"
        )
    except MissingVariable:  # a scope without the derived variables: no notion of "from now"
        pass
    keys = list(criteria)
    answers = await asyncio.gather(
        *(
            send(
                plan_read(action, _CALLER_LISTS[key][0]),
                _get(_CALLER_LISTS[key][0], {"criteria": criteria[key], "per_page": "50"}),
            )
            for key in keys
        )
    )
    items: dict[str, Any] = {}
    unavailable = []
    for key, result in zip(keys, answers, strict=True):
        if result.status == "error":
            unavailable.append(key)
            continue
        records = result.records if result.ok and isinstance(result.records, list) else []
        if key == "open_deals":
            # Zoho's closed stages are "Closed Won", "Closed Lost" and "Closed-Lost to
            # Competition"; an org's own closed stages follow the same naming.
            records = [r for r in records if not str(r.get("Stage") or "").startswith("Closed")]
        if key == "upcoming_events":
            records = sorted(records, key=lambda r: str(r.get("Start_DateTime") or ""))
        items[key] = [_brief(r, _CALLER_LISTS[key][1]) for r in records[:MAX_ITEMS]]
        if len(records) > MAX_ITEMS:
            items[f"{key}_count"] = len(records)
    if unavailable:
        items["unavailable"] = unavailable
    return items


def _brief(record: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    return {k: record[k] for k in ("id", *fields) if record.get(k) not in (None, "", [])}


def _get(module: str, query: dict[str, str]) -> RenderedRequest:
    return RenderedRequest(method="GET", path=f"/{module}/search", query=query, json=None)
