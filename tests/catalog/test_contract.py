"""The catalog's contract with Zoho, checked on every action against the embedded sandbox.

Each action is called once, the way an agent calls it (:func:`~zoho_tools.arguments.prepare`,
then :meth:`~zoho_tools.executor.Executor.execute` of a sandbox executor), with a value for every
parameter it declares. The values are generated from the declaration, not listed per action: the
first enum value, a value per parameter type (:data:`SAMPLES`), and for a record id a live record
of the module the declaration points at (the demo seed has one of every module). The sandbox
models Zoho, not the catalog, so it is the judge. Per action:

- Zoho accepts the request (a 2xx answer; a search that finds nothing is Zoho's 204);
- nothing the model sent is silently dropped: every argument arrives where its declaration says
  (path, query or body), and the sandbox saw no field Zoho would silently ignore;
- a create asks for exactly the fields the org's metadata (``/settings/fields`` and the layouts)
  makes mandatory, apart from the few the catalog deliberately asks for on top
  (:data:`ASKED_BEYOND_ZOHO`);
- every enum that fills a picklist field offers only values of that picklist.

A linked record (``account``: an id or a name) is sent here as an id: the agent loop turns a name
into the id first (``tests/agent/test_names.py``). ``next_page`` is not a request of its own: its
token becomes the request of the search it continues (``tests/test_paging.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import httpx
import pytest

from zoho_tools.arguments import prepare
from zoho_tools.catalog import CATALOG
from zoho_tools.connection import demo_variables, sandbox_executor
from zoho_tools.org import ModuleMetadata, parse
from zoho_tools.paging import NEXT_PAGE
from zoho_tools.rendering import ActionRequest
from zoho_tools.sandbox import LoggedRequest, Sandbox
from zoho_tools.templates import ActionTemplate, Param, placeholders_in
from zoho_tools.variables import VariableScope

ACTIONS = [action for action in CATALOG.values() if action.name != NEXT_PAGE]

#: One value per parameter type, valid for any parameter of the type (the tests' clock stands in
#: January 2027, so the dates lie ahead). Numbers are moved into a parameter's declared range.
SAMPLES: Mapping[str, Any] = {
    "string": "Contract check",
    "text": "Written by the catalog's contract test.",
    "integer": 7,
    "number": 3,
    "boolean": True,
    "date": "2027-02-15",
    "datetime": "2027-02-15T10:00:00-05:00",
    "duration": "05:30",
    "phone": "+15557654321",
    "email": "contract.check@example.com",
    "search_term": "Contract check",
}
#: Record ids whose module no declaration names: a quote line's product, an event participant
#: (whose module its ``type`` says).
ID_MODULES: Mapping[str, str] = {"product_id": "Products"}
PARTICIPANT_MODULES: Mapping[str, str] = {"contact": "Contacts", "lead": "Leads", "user": "users"}
#: (action, parameter) the catalog requires although Zoho does not (none today: create_note's
#: title is optional, as Zoho's Note_Title is).
ASKED_BEYOND_ZOHO: set[tuple[str, str]] = set()
#: Where a parameter's value lands in a record: ``body.data[0].Field`` (or a part of the field).
RECORD_FIELD = re.compile(r"^body\.data\[0\]\.([A-Za-z0-9_$]+)")
#: A JSON path of :meth:`ActionTemplate.field_map`: keys and ``[index]`` steps.
STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _record_id(sb: Sandbox, module: str) -> str:
    """A live record of ``module`` (``users``: the admin) from the demo seed."""
    if module == "users":
        return sb.current_user_id
    records = sb.records(module)
    assert records, f"the demo seed has no {module} record to use"
    return str(records[0]["id"])


def _id_module(template: ActionTemplate, param: Param, arguments: Mapping[str, Any]) -> str:
    """The module of the record an id parameter names, as the declaration says it."""
    if param.name == "id":
        module = template.module or arguments.get("module")
        return str(module) if module else "users"  # GET /users/{{id}}
    if param.lookup is not None:
        return param.lookup
    # related_id / related_module, parent_id / parent_module, customer_id / customer_module
    sibling = f"{param.name.removesuffix('_id')}_module"
    if sibling in arguments:
        return str(arguments[sibling])
    return ID_MODULES[param.name]


def _sample(param: Param) -> Any:
    if param.enum:
        return param.enum[0]
    value = SAMPLES[param.type]
    if param.type in ("integer", "number"):
        low = param.minimum if param.minimum is not None else value
        high = param.maximum if param.maximum is not None else value
        value = type(value)(min(max(value, low), high))
    return value


def _item(sb: Sandbox, param: Param) -> dict[str, Any]:
    item = {p.name: _sample(p) for p in param.item_params if p.type != "id"}
    for p in param.item_params:
        if p.type == "id":
            module = PARTICIPANT_MODULES.get(item.get("type", ""), ID_MODULES.get(p.name, ""))
            item[p.name] = _record_id(sb, module)
    return item


def sample_arguments(sb: Sandbox, template: ActionTemplate) -> dict[str, Any]:
    """A value for every parameter the model can send that reaches Zoho (see the module doc)."""
    arguments: dict[str, Any] = {}
    for param in template.params:  # values first: a record id may depend on a module's enum
        if param.type == "items":
            arguments[param.name] = [_item(sb, param)]
        elif param.type != "id":
            arguments[param.name] = _sample(param)
    for param in template.params:
        if param.type == "id":
            arguments[param.name] = _record_id(sb, _id_module(template, param, arguments))
    return arguments


def _at(value: Any, path: str) -> Any:
    """The value at a field_map path such as ``body.data[0].Parent_Id.module.api_name``."""
    for key, index in STEP.findall(path):
        value = value[int(index)] if index else value[key]
    return value


def _assert_reaches(template: ActionTemplate, name: str, value: Any, logged: LoggedRequest) -> None:
    """``value`` of parameter ``name`` arrived where the declaration puts it."""
    location = template.field_map().get(name)
    assert location is not None, f"{name} is sent nowhere: its declaration has no place for it"
    sent = {"body": logged.json, "query": logged.query}
    param = template.param(name)
    assert param is not None
    if location == "path":
        assert f"/{value}" in logged.path, (name, value, logged.path)
    elif location.startswith("query."):
        # Query values travel as text; a search term may move to Zoho's phone/email parameter.
        keys = logged.query if param.type == "search_term" else {location[6:]: None}
        assert str(value) in {logged.query.get(key) for key in keys}, (name, value, logged.query)
    elif param.type == "items" and param.item_template is not None:
        [item] = value
        [arrived] = _at(sent, location)
        for json_path, item_name in placeholders_in(param.item_template, "item"):
            assert _at({"item": arrived}, json_path) == item[item_name], (name, json_path)
    else:
        assert _at(sent, location) == value, (name, location, value)


@pytest.mark.parametrize("template", ACTIONS, ids=lambda t: t.name)
async def test_every_argument_reaches_zoho_and_zoho_accepts_it(
    sb: Sandbox, template: ActionTemplate
) -> None:
    arguments = sample_arguments(sb, template)
    scope = VariableScope(call={"caller_phone": "+15551234567", **demo_variables(sb)})
    prepared = prepare(template, arguments, scope=scope)
    assert prepared.ready, (prepared.problems, [p.name for p in prepared.missing])
    assert set(arguments) <= set(prepared.arguments), "prepare dropped an argument"
    sb.log.clear()
    async with sandbox_executor(sb) as executor:
        result = await executor.execute(ActionRequest(template, prepared.arguments, scope))

    crm = [entry for entry in sb.log if entry.path.startswith("/crm/")]
    assert all(e.status is not None and 200 <= e.status < 300 for e in crm), crm
    # The action's own request (identifying a caller also reads the caller's account).
    assert result.request is not None
    [logged, *_] = [e for e in crm if e.path == f"/crm/v7{result.request.path}"]
    assert result.status in ("ok", "empty"), (result.code, result.message, result.hint)
    assert logged.ignored_fields == (), f"Zoho would silently ignore {logged.ignored_fields}"
    for name in arguments:
        _assert_reaches(template, name, prepared.arguments[name], logged)


def _metadata(sb: Sandbox, module: str) -> tuple[ModuleMetadata, list[dict[str, Any]]]:
    """The org's metadata of ``module`` as Zoho serves it, and its raw field list."""
    token = sb.issue_token()["access_token"]
    with httpx.Client(
        transport=sb.transport(),
        base_url=f"{sb.base_url}/crm/v7",
        headers={"Authorization": f"Zoho-oauthtoken {token}"},
    ) as client:
        fields = client.get("/settings/fields", params={"module": module})
        layouts = client.get("/settings/layouts", params={"module": module})
    assert fields.status_code == layouts.status_code == 200
    found: list[dict[str, Any]] = fields.json()["fields"]
    return parse(module, found, layouts.json()["layouts"]), found


def _record_field(template: ActionTemplate, param: Param) -> str | None:
    match = RECORD_FIELD.match(template.field_map().get(param.name, ""))
    return match.group(1) if match else None


CREATES = [a for a in ACTIONS if a.method == "POST" and a.module and isinstance(a.body, Mapping)]


@pytest.mark.parametrize("template", CREATES, ids=lambda t: t.name)
def test_a_create_requires_what_the_org_makes_mandatory(
    sb: Sandbox, template: ActionTemplate
) -> None:
    assert template.module is not None
    metadata, _ = _metadata(sb, template.module)
    [record] = template.body["data"]
    fixed = {field for field, value in record.items() if "{{" not in repr(value)}
    required = {
        field
        for p in template.params
        if p.required and (field := _record_field(template, p)) is not None
    }
    missing = metadata.mandatory - required - fixed
    assert not missing, f"{template.name} does not require Zoho's mandatory {sorted(missing)}"
    beyond = {
        (template.name, p.name)
        for p in template.params
        if p.required and _record_field(template, p) not in metadata.mandatory
    }
    assert beyond <= ASKED_BEYOND_ZOHO, f"required although Zoho does not require it: {beyond}"


def _enum_fields() -> list[tuple[ActionTemplate, Param, str]]:
    """(action, parameter, Zoho field) for every catalog enum that fills a record field whole
    (not a lookup's module name such as ``Parent_Id.module``)."""
    return [
        (template, param, field)
        for template in ACTIONS
        for param in template.params
        if param.enum
        and template.module
        and (
            field := template.field_map().get(param.name, "").removeprefix("body.data[0].")
        ).isidentifier()
    ]


@pytest.mark.parametrize(
    ("template", "param", "field"), _enum_fields(), ids=lambda v: getattr(v, "name", v)
)
def test_every_enum_is_a_value_of_the_zoho_picklist(
    sb: Sandbox, template: ActionTemplate, param: Param, field: str
) -> None:
    assert template.module is not None
    _, fields = _metadata(sb, template.module)
    [meta] = [f for f in fields if f["api_name"] == field]
    values = {v["actual_value"] for v in meta["pick_list_values"]}
    unknown = set(param.enum) - values
    assert not unknown, f"{template.name}.{param.name}: not Zoho's spelling: {unknown}"


def test_the_enum_table_covers_the_picklists_the_catalog_fills() -> None:
    fields = {(t.module, f) for t, _, f in _enum_fields()}
    assert {("Tasks", "Status"), ("Deals", "Stage"), ("Cases", "Status")} <= fields
