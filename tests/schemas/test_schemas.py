"""Schemas and exports of every action: valid in every format, and honest about mandatory
values (the model is told to leave them to the caller, never to invent them)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import jsonschema
import mcp.types
import pytest

from tests.params import declared
from zoho_tools.adapters import FORMATS, export, strict_schema
from zoho_tools.catalog import CATALOG, UnknownName
from zoho_tools.paging import NEXT_PAGE
from zoho_tools.schemas import input_schema, must_supply
from zoho_tools.templates import CONFIRMED, PLACEHOLDER, ActionTemplate, DerivedDefault, Param

from .strict_checker import chat_tool_violations, responses_tool_violations

ACTIONS = list(CATALOG.values())
NAMES = list(CATALOG)
SAMPLES: dict[str, Any] = {
    "string": "Acme",
    "text": "Longer text.",
    "integer": 3,
    "number": 12.5,
    "boolean": True,
    "date": "2026-05-01",
    "datetime": "2026-05-01T15:00:00",
    "duration": "05:30",
    "phone": "+15551234567",
    "email": "jo@example.com",
    "id": "5725767000000524157",
    "search_term": "Jo Smith",
}


def _sample(param: Param) -> Any:
    if param.enum:
        return param.enum[-1]
    if param.type == "items":
        return [{p.name: _sample(p) for p in param.item_params}]
    return SAMPLES[param.type]


def _tool(format_name: str, template: ActionTemplate) -> dict[str, Any]:
    """``template``'s tool in ``format_name``, exported by name. A paged action (a search,
    list_users) brings next_page along, so its page_token can be used; nothing else comes."""
    tools = {_name(tool): tool for tool in export(CATALOG, format_name, actions=[template.name])}
    assert set(tools) - {template.name} <= {NEXT_PAGE}
    return tools[template.name]


def _name(tool: dict[str, Any]) -> str:
    return str(tool["function"]["name"] if "function" in tool else tool["name"])


def _nullable(schema: dict[str, Any]) -> bool:
    return isinstance(schema["type"], list) and "null" in schema["type"]


def _is_literal(default: Any) -> bool:
    """A default stated as JSON Schema's ``default``: not derived, no ``{{variable}}`` in it."""
    return not isinstance(default, DerivedDefault) and not (
        isinstance(default, str) and PLACEHOLDER.search(default)
    )


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_neutral_schema_is_valid_json_schema_and_accepts_good_arguments(
    template: ActionTemplate,
) -> None:
    schema = input_schema(template)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    every_argument = {p.name: _sample(p) for p in template.params}
    assert list(validator.iter_errors(every_argument)) == []
    only_what_the_model_must_send = {p.name: _sample(p) for p in template.params if must_supply(p)}
    assert list(validator.iter_errors(only_what_the_model_must_send)) == []
    assert not validator.is_valid({**every_argument, "invented_field": "x"})


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_openai_exports_satisfy_strict_mode(template: ActionTemplate) -> None:
    chat = _tool("openai", template)
    responses = _tool("openai-responses", template)
    # The neutral schema, as Anthropic gets it: what it requires may not be null in strict mode.
    neutral = _tool("anthropic", template)["input_schema"]
    assert chat_tool_violations(chat, neutral) == []
    assert responses_tool_violations(responses, neutral) == []
    assert responses["parameters"] == chat["function"]["parameters"]


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_mandatory_values_are_left_to_the_caller_never_invented(template: ActionTemplate) -> None:
    strict = _tool("openai", template)["function"]["parameters"]
    anthropic = _tool("anthropic", template)
    mcp_tool = _tool("mcp", template)
    for param in template.params:
        strict_property = strict["properties"][param.name]
        strict_text = strict_property.get("description", "")
        loose_property = anthropic["input_schema"]["properties"][param.name]
        loose_text = loose_property.get("description", "")
        if param.required and not param.has_default and param.ask:
            # Asked of the caller: the model may send null (strict) or leave it out.
            assert strict_text.endswith("Required") and _nullable(strict_property)
            assert loose_text.endswith("Required; omit if unknown")
        elif must_supply(param):
            # The model supplies it itself (a record id, a search's words): it is in the
            # schema's required list, so no words say so, and strict mode cannot send null.
            assert "Required" not in strict_text and "Required" not in loose_text
            assert not _nullable(strict_property)
        elif param.has_default and _is_literal(param.default):
            # JSON Schema's default says it where there is one; strict mode has none (null
            # takes the default).
            assert "Default" not in strict_text and "Default" not in loose_text
            assert loose_property["default"] == param.default
            assert "default" not in strict_property
        elif param.has_default:
            # A default that depends on the call is said in words, in every format.
            assert "Default: " in strict_text and "Default: " in loose_text
            assert "default" not in loose_property
    # Only what the model supplies itself (record ids, search terms) is required outside OpenAI.
    expected_required = [p.name for p in template.params if must_supply(p)]
    for schema in (anthropic["input_schema"], mcp_tool["inputSchema"]):
        assert schema.get("required", []) == expected_required
        assert all(declared(template, name).ask is None for name in schema.get("required", []))


def test_a_caller_facing_mandatory_field_is_never_required_outside_openai() -> None:
    schema = input_schema(CATALOG["create_contact"])
    assert "last_name" not in schema.get("required", [])
    assert input_schema(CATALOG["update_contact"])["required"] == ["id"]


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_mcp_tools_validate_and_state_every_hint(template: ActionTemplate) -> None:
    tool = _tool("mcp", template)
    parsed = mcp.types.Tool.model_validate(tool)
    assert parsed.name == template.name
    assert parsed.title == template.title
    annotations = tool["annotations"]
    assert set(annotations) == {
        "title",
        "readOnlyHint",
        "destructiveHint",
        "idempotentHint",
        "openWorldHint",
    }
    assert annotations["readOnlyHint"] is template.read_only
    assert annotations["destructiveHint"] is template.destructive
    assert annotations["idempotentHint"] is template.idempotent
    assert annotations["openWorldHint"] is True
    assert (
        parsed.annotations is not None and parsed.annotations.read_only_hint is template.read_only
    )


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_confirmed_actions_let_the_model_confirm(template: ActionTemplate) -> None:
    for format_name in ("openai", "anthropic"):
        tool = _tool(format_name, template)
        schema = tool["function"]["parameters"] if format_name == "openai" else tool["input_schema"]
        assert (CONFIRMED in schema["properties"]) is template.confirm
        if template.confirm:
            # Never null and no words: false is "not yet", and the orchestrator asks the caller
            # itself before it accepts a true.
            assert schema["properties"][CONFIRMED] == {"type": "boolean"}
            if format_name == "anthropic":  # strict mode lists every property as required
                assert CONFIRMED not in schema.get("required", [])


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_catalog_format_carries_the_whole_declaration(template: ActionTemplate) -> None:
    entry = json.loads(json.dumps(_tool("catalog", template)))
    fields = template.field_map()
    assert [p["name"] for p in entry["params"]] == [p.name for p in template.params]
    for param, exported in zip(template.params, entry["params"], strict=True):
        assert exported["zoho_field"] == fields.get(param.name)
        # next_page's token becomes the request of the search it continues: no field of its own.
        assert (exported["zoho_field"] is None) is (template.name == NEXT_PAGE)
        # A linked record (``account``): an id, or a name looked up in that module first.
        assert exported["lookup"] == param.lookup
        assert param.lookup is None or param.type == "id"
        assert exported["required"] is param.required
        assert exported["ask"] == param.ask
        assert exported["type"] == param.type
        if isinstance(param.default, DerivedDefault):
            assert exported["default"] == {
                "source": param.default.source,
                "minutes": param.default.minutes,
            }
        else:
            assert exported["default"] == param.default
    assert (entry["method"], entry["path"], entry["body"]) == (
        template.method,
        template.path,
        template.body,
    )
    assert entry["scopes"] == list(template.scopes)
    assert entry["confirm"] is template.confirm


def test_catalog_format_maps_line_item_fields() -> None:
    [entry] = export(CATALOG, "catalog", actions=["create_quote"])
    items = next(p for p in entry["params"] if p["name"] == "items")
    assert {p["name"]: p["zoho_field"] for p in items["item_params"]} == {
        "product_id": "Product_Name.id",
        "quantity": "Quantity",
        "list_price": "List_Price",
    }


def test_defaults_are_described_in_the_models_words() -> None:
    strict = export(CATALOG, "openai", actions=["create_event", "search_contact", "log_call"])
    properties = {t["function"]["name"]: t["function"]["parameters"]["properties"] for t in strict}
    assert properties["create_event"]["end"]["description"].endswith("Default: start + 30 min")
    assert properties["search_contact"]["query"]["description"] == "Default: caller's number"
    assert properties["log_call"]["start_time"]["description"].endswith("Default: call start")
    assert properties["log_call"]["duration"]["description"].endswith("Default: call length")
    # A literal default is JSON Schema's default, for Anthropic and MCP, and no words; strict
    # mode has no default at all (null takes it).
    assert properties["create_event"]["remind_minutes"] == {"type": ["integer", "null"]}
    event = input_schema(CATALOG["create_event"])["properties"]
    assert event["remind_minutes"]["default"] == 15 and "description" not in event["remind_minutes"]
    case = input_schema(CATALOG["create_case"])["properties"]
    assert case["status"]["default"] == "New" and "description" not in case["status"]
    assert "default" not in input_schema(CATALOG["create_contact"])["properties"]["phone"]


def test_strict_schema_makes_enums_and_nested_items_nullable() -> None:
    strict = strict_schema(input_schema(CATALOG["create_quote"]))
    items = strict["properties"]["items"]
    assert items["type"] == ["array", "null"]
    assert items["items"]["type"] == "object"
    assert items["items"]["required"] == ["product_id", "quantity", "list_price"]
    # Inside an item too, only what the model must supply (the product's id) is never null.
    item = items["items"]["properties"]
    assert item["product_id"]["type"] == "string"
    assert item["quantity"]["type"] == item["list_price"]["type"] == ["number", "null"]
    stage = strict_schema(input_schema(CATALOG["create_deal"]))["properties"]["stage"]
    assert stage["enum"][-1] is None
    assert stage["enum"][:-1] == list(declared(CATALOG["create_deal"], "stage").enum)


def test_strict_schema_keeps_record_ids_search_words_and_confirmed_non_nullable() -> None:
    note = strict_schema(input_schema(CATALOG["create_note"]))["properties"]
    assert note["parent_id"] == {"type": "string"}
    assert note["parent_module"]["type"] == "string" and None not in note["parent_module"]["enum"]
    assert note["title"] == {"type": ["string", "null"]}  # Zoho's Note_Title is optional
    assert strict_schema(input_schema(CATALOG["search_case"]))["properties"] == {
        "query": {"type": "string"}
    }
    delete = strict_schema(input_schema(CATALOG["delete_contact"]))
    assert delete["properties"] == {"id": {"type": "string"}, "confirmed": {"type": "boolean"}}
    assert delete["required"] == ["id", "confirmed"]


def test_strict_schema_keeps_a_dates_format_only() -> None:
    task = strict_schema(input_schema(CATALOG["create_task"]))["properties"]
    assert task["due_date"]["format"] == "date"
    contact = CATALOG["create_contact"]
    assert input_schema(contact)["properties"]["email"]["format"] == "email"
    assert strict_schema(input_schema(contact))["properties"]["email"] == {
        "type": ["string", "null"]
    }


def test_export_selects_actions_in_catalog_order() -> None:
    tools = export(CATALOG, "anthropic", actions=["get_case", "search_contact"])
    # A search brings next_page (in its place in the catalog), for the page_token it answers.
    assert [t["name"] for t in tools] == ["search_contact", "get_case", NEXT_PAGE]
    tools = export(CATALOG, "anthropic", actions=["get_case", "create_contact"])
    assert [t["name"] for t in tools] == ["create_contact", "get_case"]
    assert [t["name"] for t in export(CATALOG, "mcp")] == NAMES
    read_only = export(CATALOG.select(read_only=True), "openai")
    assert {t["function"]["name"] for t in read_only} == {a.name for a in ACTIONS if a.read_only}


def test_export_refuses_unknown_formats_and_actions() -> None:
    with pytest.raises(ValueError, match="did you mean: openai"):
        export(CATALOG, "opena")
    with pytest.raises(UnknownName, match="did you mean: create_contact"):
        export(CATALOG, "openai", actions=["create_contac"])
    assert set(FORMATS) == {"openai", "openai-responses", "anthropic", "mcp", "catalog"}


def test_the_core_imports_no_provider_sdk() -> None:
    code = (
        "import sys, json\n"
        "from zoho_tools.adapters import export\n"
        "from zoho_tools.catalog import CATALOG\n"
        "for name in ('openai', 'openai-responses', 'anthropic', 'mcp', 'catalog'):\n"
        "    export(CATALOG, name)\n"
        "print(json.dumps(sorted({'openai', 'anthropic', 'mcp'} & set(sys.modules))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(done.stdout) == []


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_properties_keep_the_declared_order(template: ActionTemplate) -> None:
    # Strict mode answers in schema key order, so the order is part of the contract (the JSON
    # snapshots sort keys and would not show a change).
    tool = _tool("openai", template)
    expected = [p.name for p in template.params] + ([CONFIRMED] if template.confirm else [])
    assert list(tool["function"]["parameters"]["properties"]) == expected


def test_ids_accept_references_to_earlier_results_and_names() -> None:
    # Models are told to link records with {{search_contact.id}}; the orchestrator resolves it.
    # A linked record may also be given by name, which the agent loop looks up.
    validator = jsonschema.Draft202012Validator(input_schema(CATALOG["create_deal"]))
    assert validator.is_valid({"deal_name": "Renewal", "contact": "{{search_contact.id}}"})
    assert validator.is_valid({"deal_name": "Renewal", "account": "Acme Corp"})
    assert not validator.is_valid({"deal_name": "Renewal", "contact_id": "1"})
