"""Built-in actions that are a small plan of v7 requests rather than one, by action name.

Each plan runs with the executor's ``send`` (auth, retries and result mapping as for any action)
and answers one :class:`~zoho_tools.results.ActionResult`, so the orchestrator, the replies and
chaining treat it like any other action:

- ``identify_caller`` (:mod:`zoho_tools.identify`): the caller by their number, with what is
  open for them;
- ``get_contact``: the contact's full record (bounded), with its latest notes, its cases and its
  deals: ``GET /Contacts/{id}``, then in parallel ``GET /Contacts/{id}/Notes`` and ``criteria``
  searches of Cases (``Related_To``) and Deals (``Contact_Name``). A list Zoho could not answer
  (a missing scope, say) is left out and named in ``unavailable``.

Custom actions are never plans, whatever their name.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Protocol

from zoho_tools.identify import MAX_ITEMS, identify_caller, plan_read
from zoho_tools.rendering import ActionRequest, RenderedRequest
from zoho_tools.results import ActionResult
from zoho_tools.templates import ActionTemplate


class Runner(Protocol):
    """What a plan runs its requests with (an :class:`~zoho_tools.executor.Executor`)."""

    async def send(self, template: ActionTemplate, rendered: RenderedRequest) -> ActionResult: ...

    async def execute_one(self, request: ActionRequest) -> ActionResult: ...


Plan = Callable[[Runner, ActionRequest], Awaitable[ActionResult]]

# The related lists of a contact: where each comes from and the fields worth showing.
_RELATED: Mapping[str, tuple[str, str, tuple[str, ...]]] = {
    "notes": ("Notes", "", ("Note_Title", "Note_Content", "Modified_Time")),
    "cases": ("Cases", "Related_To", ("Case_Number", "Subject", "Status", "Priority")),
    "deals": ("Deals", "Contact_Name", ("Deal_Name", "Stage", "Amount", "Closing_Date")),
}


async def contact_with_related(runner: Runner, request: ActionRequest) -> ActionResult:
    """``get_contact``: the record, then its notes, cases and deals (see the module docstring)."""
    template = request.template
    found = await runner.execute_one(request)
    if not found.ok or not isinstance(found.data, Mapping):
        return found
    contact_id = str(request.arguments["id"])  # digits: checked as a record id
    requests = {}
    for key, (module, link, fields) in _RELATED.items():
        if module == "Notes":
            path = f"/Contacts/{contact_id}/Notes"
            query = {"fields": ",".join(fields), "per_page": str(MAX_ITEMS + 1)}
        else:
            path = f"/{module}/search"
            # The id is digits (checked as a record id): nothing in it needs escaping.
            query = {"criteria": f"({link}:equals:{contact_id})", "per_page": "50"}
        requests[key] = (
            plan_read(template.name, module),
            RenderedRequest("GET", path, query, None),
        )
    answers = await asyncio.gather(*(runner.send(t, r) for t, r in requests.values()))
    data = dict(found.data)
    unavailable = []
    for key, result in zip(requests, answers, strict=True):
        if result.status == "error":
            unavailable.append(key)
            continue
        records = result.records if result.ok and isinstance(result.records, list) else []
        fields = _RELATED[key][2]
        data[key] = [
            {k: r[k] for k in ("id", *fields) if r.get(k) not in (None, "", [])}
            for r in records[:MAX_ITEMS]
            if isinstance(r, Mapping)
        ]
        if len(records) > MAX_ITEMS or (result.more_records and records):
            data[f"{key}_more"] = True
    if unavailable:
        data["unavailable"] = unavailable
    return replace(found, data=data)


#: The built-in actions that are a plan of requests, by name.
PLANS: Mapping[str, Plan] = {
    "identify_caller": lambda runner, request: identify_caller(runner.send, request),
    "get_contact": contact_with_related,
}
