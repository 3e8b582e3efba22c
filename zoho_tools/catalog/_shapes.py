"""The shapes most built-in actions share: search, create, update, delete and get one record.

Each category file declares its actions by calling these factories with everything that differs
(descriptions, parameters, the Zoho record a create or update sends), so reading one category file
shows every action it holds. What is the same everywhere lives here, once:

- the v7 endpoint of each shape (``GET /{module}/search``, ``POST /{module}``,
  ``PUT /{module}/{{id}}``, ``DELETE /{module}/{{id}}``, ``GET /{module}/{{id}}``);
- the ``{"data": [record]}`` wrapper of writes;
- the read-only / destructive / idempotent hints and the confirmation of deletes;
- the least-privilege OAuth scopes in Zoho's naming (``ZohoCRM.modules.contacts.READ``, and
  ``ZohoSearch.securesearch.READ`` for search).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from zoho_tools.templates import ANY_VALUE, ActionTemplate, Param

#: Search results a model sees at once: enough to pick the right record, few enough to read out.
SEARCH_PAGE_SIZE = 10
#: Zoho's search API needs this scope besides the module's READ scope.
SEARCH_SCOPE = "ZohoSearch.securesearch.READ"

#: The call variables that built-in defaults refer to, with the few words that tell a model what
#: a default means ("Default: caller's number"). The runtime provides ``caller_phone`` and
#: ``call_id`` (from the voice platform), ``call_started_at``, ``call_duration``, ``now`` and
#: ``today`` (derived per call); an AI employee's configuration provides ``employee_id``,
#: ``service_id`` and ``owner_id``.
CALL_VARIABLES: Mapping[str, str] = {
    "caller_phone": "caller's number",
    "call_id": "this call's id",
    "call_started_at": "call start",
    "call_duration": "call length",
    "now": "now",
    "today": "today",
    "employee_id": "this agent",
    "service_id": "configured service",
    "owner_id": "configured owner",
}

#: Zoho's operation types in module scopes; adding and removing tags is documented as ``WRITE``.
Operation = Literal["READ", "CREATE", "UPDATE", "DELETE", "WRITE"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Module:
    """A Zoho CRM module as the catalog uses it.

    ``noun`` is the singular in action names (``create_contact``), ``scope`` the module's name in
    OAuth scopes (``ZohoCRM.modules.contacts.READ``), ``name_field`` the field holding a record's
    own name (``Deal_Name``: a deal also carries its account's ``Account_Name``), ``fields`` the
    record fields worth showing a model, and ``category`` the catalog category of its actions.
    """

    api_name: str
    noun: str
    plural: str
    category: str
    scope: str
    name_field: str
    fields: tuple[str, ...]

    def scope_for(self, operation: Operation) -> str:
        return f"ZohoCRM.modules.{self.scope}.{operation}"


def record_id() -> Param:
    """The ``id`` of the record an action works on. The model looks it up (a search action),
    so it has no question for the caller."""
    return Param(name="id", type="id", required=True)


def linked(name: str, module: str, **details: Any) -> Param:
    """A record of ``module`` (or ``"users"``) that an action links to, given by id or by name:
    ``account`` is ``"4876876000000624001"`` or ``"Acme Corp"``. A name is looked up before
    sending (one match is used, several become a question) and never reaches Zoho itself.

    One parameter rather than an id and a name beside it: a model passes whichever it has, and
    every parameter of every tool costs tokens on every turn. ``details`` are further
    :class:`Param` fields (a default, a description)."""
    return Param(name=name, type="id", lookup=module, **details)


#: What a task, call or meeting can be about besides a contact (Zoho's "What_Id", whose module is
#: named by the record's "$se_module").
RELATED_MODULES = ("Leads", "Accounts", "Deals", "Cases", "Quotes")
#: The record fields of such a link.
RELATED_TO = {"What_Id": {"id": "{{related_id}}"}, "$se_module": "{{related_module}}"}


def related_to() -> tuple[Param, Param]:
    """``related_module`` and ``related_id``: the lead, account, deal, case or quote an activity
    is about (Zoho's ``What_Id`` with ``$se_module``); the module is needed with the id."""
    return (
        Param(
            name="related_module",
            enum=RELATED_MODULES,
            required_when=("related_id", ANY_VALUE),
            ask="Is it a lead, account, deal, case or quote?",
        ),
        Param(name="related_id", type="id"),
    )


#: The record field an ``owner`` fills.
OWNER = {"Owner": {"id": "{{owner}}"}}


def owner() -> Param:
    """``owner``: who in the team a record belongs to (Zoho's ``Owner``), as a user's id, name or
    email; a name or email is looked up in the users before sending."""
    return linked("owner", "users")


def placeholder(name: str) -> str:
    """``{{name}}``: written out once here so templates stay readable."""
    return "{{" + name + "}}"


def search_action(
    module: Module, *, description: str, by_caller: str | None = None
) -> ActionTemplate:
    """``GET /{module}/search?word=...``: Zoho's search across the module's text fields, for a
    ``query`` of at least two letters or digits.

    For the modules of people and companies, ``by_caller`` is the question for the caller when
    there is no number to search: the query is then a name, phone number or email (a phone or
    email moves to Zoho's ``phone`` / ``email`` search), and defaults to the caller's number.
    The ``query`` has no description: the action's own says what it searches.
    """
    query = (
        Param(
            name="query",
            type="search_term",
            required=True,
            ask=by_caller,
            default=placeholder("caller_phone"),
        )
        if by_caller
        else Param(name="query", required=True, min_length=2)
    )
    return ActionTemplate(
        name=f"search_{module.noun}",
        title=f"Search {module.plural}",
        description=description,
        category=module.category,
        module=module.api_name,
        method="GET",
        path=f"/{module.api_name}/search",
        params=(query,),
        query={"word": placeholder(query.name), "per_page": SEARCH_PAGE_SIZE},
        read_only=True,
        idempotent=True,
        scopes=(module.scope_for("READ"), SEARCH_SCOPE),
        fields=module.fields,
    )


def create_action(
    module: Module,
    *,
    description: str,
    params: tuple[Param, ...],
    record: Mapping[str, Any],
    name: str | None = None,
    title: str | None = None,
) -> ActionTemplate:
    """``POST /{module}`` with ``{"data": [record]}``; optional fields not given are left out."""
    return ActionTemplate(
        name=name or f"create_{module.noun}",
        title=title or f"Create {module.noun}",
        description=description,
        category=module.category,
        module=module.api_name,
        method="POST",
        path=f"/{module.api_name}",
        params=params,
        body={"data": [dict(record)]},
        scopes=(module.scope_for("CREATE"),),
        fields=module.fields,
    )


def update_action(
    module: Module,
    *,
    description: str,
    params: tuple[Param, ...],
    record: Mapping[str, Any],
    name: str | None = None,
    title: str | None = None,
    destructive: bool = False,
) -> ActionTemplate:
    """``PUT /{module}/{{id}}`` with ``{"data": [record]}``: only the fields given change.

    ``destructive`` marks an update that undoes something (cancelling an appointment); such an
    update is confirmed with the caller first.
    """
    return ActionTemplate(
        name=name or f"update_{module.noun}",
        title=title or f"Update {module.noun}",
        description=description,
        category=module.category,
        module=module.api_name,
        method="PUT",
        path=f"/{module.api_name}/{placeholder('id')}",
        params=(record_id(), *params),
        body={"data": [dict(record)]},
        destructive=destructive,
        idempotent=True,
        confirm=destructive,
        scopes=(module.scope_for("UPDATE"),),
        fields=module.fields,
    )


def delete_action(module: Module, *, description: str) -> ActionTemplate:
    """``DELETE /{module}/{{id}}``: destructive, so the caller confirms it first."""
    return ActionTemplate(
        name=f"delete_{module.noun}",
        title=f"Delete {module.noun}",
        description=description,
        category=module.category,
        module=module.api_name,
        method="DELETE",
        path=f"/{module.api_name}/{placeholder('id')}",
        params=(record_id(),),
        destructive=True,
        idempotent=True,
        confirm=True,
        scopes=(module.scope_for("DELETE"),),
        fields=("id",),
    )


def get_action(
    module: Module, *, description: str, category: str, extra_scopes: tuple[str, ...] = ()
) -> ActionTemplate:
    """``GET /{module}/{{id}}``: one record, whole (bounded), including fields a search leaves
    out. ``extra_scopes``: what an action that reads more than the record needs."""
    return ActionTemplate(
        name=f"get_{module.noun}",
        title=f"Get {module.noun}",
        description=description,
        category=category,
        module=module.api_name,
        method="GET",
        path=f"/{module.api_name}/{placeholder('id')}",
        params=(record_id(),),
        read_only=True,
        idempotent=True,
        scopes=(module.scope_for("READ"), *extra_scopes),
        fields=module.fields,
    )
