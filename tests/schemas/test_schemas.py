"""Schemas and exports of all sixty actions: valid in every format, and honest about mandatory
values (the model is told to leave them to the caller, never to invent them)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import jsonschema
import mcp.types
import pytest

from zoho_tools.adapters import FORMATS, export, strict_schema
from zoho_tools.catalog import CATALOG, UnknownName
from zoho_tools.schemas import CONFIRMED, input_schema, must_supply
from zoho_tools.templates import ActionTemplate, DerivedDefault, Param

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
    [chat] = export(CATALOG, "openai", actions=[template.name])
    [responses] = export(CATALOG, "openai-responses", actions=[template.name])
    assert chat_tool_violations(chat) == []
    assert responses_tool_violations(responses) == []
    assert responses["parameters"] == chat["function"]["parameters"]


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_mandatory_values_are_left_to_the_caller_never_invented(template: ActionTemplate) -> None:
    strict = export(CATALOG, "openai", actions=[template.name])[0]["function"]["parameters"]
    [anthropic] = export(CATALOG, "anthropic", actions=[template.name])
    [mcp_tool] = export(CATALOG, "mcp", actions=[template.name])
    for param in template.params:
        strict_text = strict["properties"][param.name].get("description", "")
        loose_text = anthropic["input_schema"]["properties"][param.name].get("description", "")
        if param.required and not param.has_default and param.ask:
            assert "Required; null if unknown" in strict_text
            assert "Required; omit if unknown" in loose_text
        elif must_supply(param):
            assert strict_text.endswith("Required")
        elif param.has_default:
            assert "Default: " in strict_text
    # Only what the model supplies itself (record ids, search terms) is required outside OpenAI.
    expected_required = [p.name for p in template.params if must_supply(p)]
    for schema in (anthropic["input_schema"], mcp_tool["inputSchema"]):
        assert schema.get("required", []) == expected_required
        assert all(template.param(name).ask is None for name in schema.get("required", []))


def test_a_caller_facing_mandatory_field_is_never_required_outside_openai() -> None:
    schema = input_schema(CATALOG["create_contact"])
    assert "last_name" not in schema.get("required", [])
    assert input_schema(CATALOG["update_contact"])["required"] == ["id"]


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_mcp_tools_validate_and_state_every_hint(template: ActionTemplate) -> None:
    [tool] = export(CATALOG, "mcp", actions=[template.name])
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
        [tool] = export(CATALOG, format_name, actions=[template.name])
        schema = tool["function"]["parameters"] if format_name == "openai" else tool["input_schema"]
        assert (CONFIRMED in schema["properties"]) is template.confirm


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_catalog_format_carries_the_whole_declaration(template: ActionTemplate) -> None:
    [entry] = json.loads(json.dumps(export(CATALOG, "catalog", actions=[template.name])))
    fields = template.field_map()
    assert [p["name"] for p in entry["params"]] == [p.name for p in template.params]
    for declared, exported in zip(template.params, entry["params"], strict=True):
        assert exported["zoho_field"] == fields.get(declared.name)
        if declared.names is None:
            assert exported["zoho_field"] is not None and exported["names"] is None
        else:
            assert exported["names"]["id_param"] in fields
        assert exported["required"] is declared.required
        assert exported["ask"] == declared.ask
        assert exported["type"] == declared.type
        if isinstance(declared.default, DerivedDefault):
            assert exported["default"] == {
                "source": declared.default.source,
                "minutes": declared.default.minutes,
            }
        else:
            assert exported["default"] == declared.default
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
    assert properties["create_event"]["remind_minutes"]["description"].endswith("Default: 15")
    assert properties["search_contact"]["query"]["description"].endswith("caller's number")
    assert "start of this call" in properties["log_call"]["start_time"]["description"]
    # Strict mode gets no JSON Schema default; Anthropic and MCP do, for literal defaults only.
    case = input_schema(CATALOG["create_case"])["properties"]
    assert case["status"]["default"] == "New"
    assert "default" not in input_schema(CATALOG["create_contact"])["properties"]["phone"]


def test_strict_schema_makes_enums_and_nested_items_nullable() -> None:
    strict = strict_schema(input_schema(CATALOG["create_quote"]))
    items = strict["properties"]["items"]
    assert items["type"] == ["array", "null"]
    assert items["items"]["type"] == "object"
    assert items["items"]["required"] == ["product_id", "quantity", "list_price"]
    stage = strict_schema(input_schema(CATALOG["create_deal"]))["properties"]["stage"]
    assert stage["enum"][-1] is None
    assert stage["enum"][:-1] == list(CATALOG["create_deal"].param("stage").enum)


def test_export_selects_actions_in_catalog_order() -> None:
    tools = export(CATALOG, "anthropic", actions=["get_case", "search_contact"])
    assert [t["name"] for t in tools] == ["search_contact", "get_case"]
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
    [tool] = export(CATALOG, "openai", actions=[template.name])
    expected = [p.name for p in template.params] + ([CONFIRMED] if template.confirm else [])
    assert list(tool["function"]["parameters"]["properties"]) == expected


def test_ids_accept_references_to_earlier_results() -> None:
    # Models are told to link records with {{search_contact.id}}; the orchestrator resolves it.
    validator = jsonschema.Draft202012Validator(input_schema(CATALOG["create_deal"]))
    assert validator.is_valid({"deal_name": "Renewal", "contact_id": "{{search_contact.id}}"})
