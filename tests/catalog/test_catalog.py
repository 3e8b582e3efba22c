"""Invariants of the built-in actions, checked on every one of them."""

from __future__ import annotations

import importlib
import re

import pytest

from tests.params import declared
from zoho_tools.catalog import CALL_VARIABLES, CATALOG, CATEGORIES
from zoho_tools.paging import NEXT_PAGE
from zoho_tools.templates import NAME_PATTERN, PLACEHOLDER, ActionTemplate, DerivedDefault
from zoho_tools.zoho import MODULES

#: The actions that are requests to Zoho: all but next_page, whose token becomes the request of
#: the search it continues (tests/core/test_paging.py).
ACTIONS = [a for a in CATALOG.values() if a.name != NEXT_PAGE]
NAMES = [a.name for a in ACTIONS]

EXPECTED = {
    "contacts": [
        "identify_caller",
        "search_contact",
        "create_contact",
        "update_contact",
        "delete_contact",
    ],
    "leads": ["search_lead", "create_lead", "update_lead", "delete_lead"],
    "accounts": ["search_account", "create_account", "update_account", "delete_account"],
    "deals": ["search_deal", "create_deal", "update_deal", "delete_deal"],
    "cases": ["search_case", "create_case", "update_case", "delete_case"],
    "tasks": ["search_task", "create_task", "update_task", "delete_task"],
    "calls": ["search_call", "log_call", "update_call", "delete_call"],
    "events": ["search_event", "create_event", "update_event", "delete_event"],
    "notes": ["search_note", "create_note", "update_note", "delete_note"],
    "products": ["search_product", "create_product", "update_product", "delete_product"],
    "quotes": ["search_quote", "create_quote", "update_quote", "delete_quote"],
    "appointments": [
        "search_appointment",
        "search_service",
        "schedule_appointment",
        "update_appointment",
        "cancel_appointment",
    ],
    "solutions": ["search_solution", "create_solution"],
    "lookups": ["get_contact", "get_lead", "get_account", "get_deal", "get_case", "next_page"],
    "users-tags": ["list_users", "get_user", "list_tags", "add_tag", "remove_tag"],
}

#: The issue's mandatory-field table: Zoho field (path in the record) -> the parameter filling it.
MANDATORY = {
    "create_contact": {"Last_Name": "last_name"},
    "create_lead": {"Last_Name": "last_name", "Company": "company"},
    "create_account": {"Account_Name": "account_name"},
    "create_deal": {"Deal_Name": "deal_name", "Stage": "stage", "Closing_Date": "closing_date"},
    "create_case": {"Subject": "subject", "Status": "status", "Case_Origin": "origin"},
    "create_task": {"Subject": "subject"},
    "log_call": {
        "Subject": "subject",
        "Call_Type": "call_type",
        "Call_Start_Time": "start_time",
        "Call_Duration": "duration",
    },
    "create_event": {"Event_Title": "title", "Start_DateTime": "start", "End_DateTime": "end"},
    # The table has Note_Title too; Zoho's v7 API has only Note_Content mandatory.
    "create_note": {
        "Note_Content": "content",
        "Parent_Id.module.api_name": "parent_module",
        "Parent_Id.id": "parent_id",
    },
    "create_product": {"Product_Name": "product_name"},
    "create_quote": {"Subject": "subject", "Quoted_Items": "items"},
    "schedule_appointment": {
        "Service_Name.id": "service",
        "Appointment_Name": "title",
        "Appointment_For.module.api_name": "customer_module",
        "Appointment_For.id": "customer_id",
        "Owner.id": "owner",
        "Appointment_Start_Time": "start",
        "Location": "location",
    },
    "create_solution": {"Solution_Title": "title"},
}
DEFAULTS = {
    ("create_case", "status"): "New",
    ("create_case", "origin"): "Phone",
    ("create_event", "end"): DerivedDefault(source="start", minutes=30),
    ("create_event", "remind_minutes"): 15,
    ("log_call", "start_time"): "{{call_started_at}}",
    ("log_call", "duration"): "{{call_duration}}",
    ("create_contact", "phone"): "{{caller_phone}}",
    ("create_lead", "phone"): "{{caller_phone}}",
    ("search_contact", "query"): "{{caller_phone}}",
    ("search_lead", "query"): "{{caller_phone}}",
    ("search_account", "query"): "{{caller_phone}}",
    ("schedule_appointment", "service"): "{{service_id}}",
    ("schedule_appointment", "owner"): "{{owner_id}}",
    ("schedule_appointment", "location"): "Business Address",
    ("schedule_appointment", "title"): "Phone booking",
    ("schedule_appointment", "customer_module"): "Contacts",
}
#: Zoho's OAuth scope naming: ZohoCRM.modules.contacts.READ, ZohoCRM.users.READ, ...
SCOPE = re.compile(
    r"^(ZohoCRM\.[a-z_]+(\.[a-z_]+)?\.(READ|CREATE|UPDATE|DELETE|WRITE|ALL)"
    r"|ZohoSearch\.securesearch\.READ)$"
)


def _kind(template: ActionTemplate) -> str:
    return template.name.split("_", 1)[0]


def test_exactly_the_expected_actions_in_category_order() -> None:
    assert len(CATALOG) == 63
    assert [name for names in EXPECTED.values() for name in names] == list(CATALOG)
    assert CATALOG.categories == tuple(EXPECTED) == tuple(CATEGORIES)
    for slug, names in EXPECTED.items():
        assert [a.name for a in CATALOG.values() if a.category == slug] == names


def test_category_titles() -> None:
    assert CATEGORIES["lookups"] == "Direct lookups"
    assert CATEGORIES["users-tags"] == "Users & Tags"
    assert all(CATEGORIES[slug] == slug.capitalize() for slug in list(EXPECTED)[:13])


def _name(template: ActionTemplate) -> str:
    return template.name


@pytest.mark.parametrize("slug", list(CATEGORIES))
def test_each_category_file_lists_every_action_it_declares(slug: str) -> None:
    module = importlib.import_module(f"zoho_tools.catalog.{slug.replace('-', '_')}")
    declared = [v for v in vars(module).values() if isinstance(v, ActionTemplate)]
    assert sorted(a.name for a in declared) == sorted(a.name for a in module.ACTIONS)


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_names_and_paths(template: ActionTemplate) -> None:
    assert NAME_PATTERN.match(template.name)
    assert re.fullmatch(r"[A-Z][a-z]+( [a-z]+)*", template.title), template.title
    assert template.path.startswith("/") and "//" not in template.path
    params = {p.name for p in template.params}
    assert set(template.path_placeholders) <= params, "a path placeholder has no parameter"
    if template.module is not None:
        assert template.module in MODULES
        assert template.path.split("/")[1] == template.module


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_every_placeholder_is_a_parameter_or_a_documented_call_variable(
    template: ActionTemplate,
) -> None:
    params = {p.name for p in template.params}
    used = set(PLACEHOLDER.findall(repr(template.query))) | set(
        PLACEHOLDER.findall(repr(template.body))
    )
    assert used <= params | set(CALL_VARIABLES)
    for param in template.params:
        if isinstance(param.default, str):
            assert set(PLACEHOLDER.findall(param.default)) <= set(CALL_VARIABLES)
        if isinstance(param.default, DerivedDefault):
            assert param.type == declared(template, param.default.source).type == "datetime"
        if param.item_template is not None:
            item_params = {p.name for p in param.item_params}
            assert set(PLACEHOLDER.findall(repr(param.item_template))) == item_params


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_every_parameter_reaches_the_request(template: ActionTemplate) -> None:
    if template.name == NEXT_PAGE:  # its token becomes the request of the search it continues
        assert list(template.field_map()) == []
        return
    assert list(template.field_map()) == [p.name for p in template.params]


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_parameter_types(template: ActionTemplate) -> None:
    for param in template.params:
        if param.name == "id" or param.name.endswith("_id"):
            assert param.type == "id", param.name
        assert re.fullmatch(r"[a-z][a-z0-9_]*", param.name), param.name
        if param.required and param.ask is not None:
            assert param.ask.endswith("?") and len(param.ask) < 60, param.ask
        for item in param.item_params:
            if item.name.endswith("_id"):
                assert item.type == "id"


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_record_ids_are_model_supplied_and_required(template: ActionTemplate) -> None:
    if "{{id}}" in template.path:
        id_param = template.param("id")
        assert id_param is not None and id_param.required and id_param.ask is None


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_hints_follow_the_kind_of_action(template: ActionTemplate) -> None:
    kind = _kind(template)
    if kind in ("search", "get", "list", "identify"):
        assert template.read_only and template.idempotent and template.method == "GET"
    elif kind in ("create", "log", "schedule"):
        assert not template.idempotent and not template.destructive
        assert template.method == "POST"
    elif kind in ("update", "add"):
        assert template.idempotent and not template.destructive and not template.read_only
    elif kind in ("delete", "cancel", "remove"):
        assert template.destructive and template.confirm and template.idempotent
    else:
        pytest.fail(f"unexpected kind of action {kind}")
    assert template.destructive == template.confirm
    assert template.read_only == (template.method == "GET")


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_scopes_are_least_privilege_in_zohos_naming(template: ActionTemplate) -> None:
    assert template.scopes
    assert all(SCOPE.match(scope) for scope in template.scopes), template.scopes
    operations = {scope.rsplit(".", 1)[1] for scope in template.scopes if "modules" in scope}
    if template.read_only:
        assert operations <= {"READ"}
    if _kind(template) == "search":
        assert "ZohoSearch.securesearch.READ" in template.scopes
    if template.method == "DELETE":
        assert operations == {"DELETE"}
    assert not any(scope.endswith("modules.ALL") for scope in template.scopes)


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_a_module_in_a_path_is_an_enum_of_zoho_modules(template: ActionTemplate) -> None:
    for name in template.path_placeholders:
        param = template.param(name)
        assert param is not None
        if name == "id":
            continue
        assert param.enum and set(param.enum) <= MODULES


@pytest.mark.parametrize(
    "template", [a for a in ACTIONS if _kind(a) == "search"], ids=lambda t: t.name
)
def test_searches_take_one_term(template: ActionTemplate) -> None:
    [query] = template.params
    assert template.query == {"word": "{{query}}", "per_page": 10}
    assert query.required
    if template.module in ("Contacts", "Leads", "Accounts"):
        assert query.type == "search_term" and query.default == "{{caller_phone}}"
    else:
        assert query.type == "string" and query.min_length == 2


@pytest.mark.parametrize("action", list(MANDATORY))
def test_the_mandatory_field_table(action: str) -> None:
    template = CATALOG[action]
    in_record = {
        name: path.removeprefix("body.data[0].") for name, path in template.field_map().items()
    }
    required = {in_record[p.name]: p.name for p in template.params if p.required}
    assert required == MANDATORY[action]
    # A record reference (an id, and the module of a note's parent) is the model's to look up;
    # every other mandatory value without a default is asked of the caller.
    for param in template.params:
        reference = param.type == "id" or param.name.endswith("_module")
        if param.required and not param.has_default and not reference:
            assert param.ask, f"{action}.{param.name} needs a question for the caller"


@pytest.mark.parametrize(("action", "param"), list(DEFAULTS))
def test_declared_defaults(action: str, param: str) -> None:
    assert declared(CATALOG[action], param).default == DEFAULTS[(action, param)]


def test_quote_items_and_appointment_address() -> None:
    items = declared(CATALOG["create_quote"], "items")
    assert items.type == "items"
    product, quantity, price = items.item_params
    assert (product.name, product.type, product.required) == ("product_id", "id", True)
    assert (quantity.name, quantity.type, quantity.default) == ("quantity", "number", 1)
    assert (price.name, price.type, price.required, price.minimum) == (
        "list_price",
        "number",
        False,
        0,
    )
    assert items.item_template == {
        "Product_Name": {"id": "{{product_id}}"},
        "Quantity": "{{quantity}}",
        "List_Price": "{{list_price}}",
    }
    address = declared(CATALOG["schedule_appointment"], "address")
    assert not address.required and address.required_when == ("location", "Client Address")


def test_deal_stages_are_zohos_standard_ones() -> None:
    stages = declared(CATALOG["create_deal"], "stage").enum
    assert stages[0] == "Qualification" and "Closed Won" in stages and "Closed Lost" in stages
    assert declared(CATALOG["update_deal"], "stage").enum == stages


def test_users_and_tags_read_their_own_record_keys() -> None:
    assert CATALOG["list_users"].records_key == CATALOG["get_user"].records_key == "users"
    assert CATALOG["list_tags"].records_key == "tags"
    assert CATALOG["add_tag"].body == {"tags": [{"name": "{{tag}}"}]}
    assert CATALOG["remove_tag"].path == "/{{module}}/{{id}}/actions/remove_tags"


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_results_show_a_few_fields(template: ActionTemplate) -> None:
    assert template.fields and template.fields[0] == "id" and len(template.fields) <= 7
