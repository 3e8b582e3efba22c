"""What a model needs to choose a tool and fill it in survives in the OpenAI strict export, the
one trimmed hardest for the token budget: every parameter's enum, format, type hint, required
status and default, and the words that tell each action from its siblings."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import pytest

from zoho_tools.adapters import export
from zoho_tools.catalog import CATALOG
from zoho_tools.schemas import describe_default, must_supply
from zoho_tools.templates import ANY_VALUE, PLACEHOLDER, ActionTemplate, DerivedDefault, Param

ACTIONS = list(CATALOG.values())
NAMES = [a.name for a in ACTIONS]

#: Words in an action's description that its name does not say and that decide between it and
#: its siblings (what a search matches, what a record is, how a write behaves). Trimming a
#: description for tokens must keep them.
DISTINGUISHING = {
    "identify_caller": ["caller", "number", "account", "open cases", "deals", "meetings"],
    "search_contact": ["name", "phone", "email"],
    "create_contact": ["person"],
    "search_lead": ["name", "company", "phone", "email"],
    "create_lead": ["prospect"],
    "search_account": ["companies", "name", "phone", "email"],
    "create_account": ["company"],
    "search_deal": ["name", "account"],
    "create_deal": ["sales opportunity"],
    "search_case": ["support", "subject", "number"],
    "create_case": ["support"],
    "search_task": ["subject"],
    "create_task": ["team"],
    "search_call": ["logged", "subject"],
    "log_call": ["phone call", "this one"],
    "search_event": ["meetings", "title"],
    "create_event": ["schedule", "meeting"],
    "update_event": ["move", "start and end"],
    "search_note": ["title", "text"],
    "create_note": ["record"],
    "search_product": ["name", "code"],
    "create_quote": ["products"],
    "search_service": ["bookable service"],
    "schedule_appointment": ["service", "customer"],
    "update_appointment": ["reschedule"],
    "search_solution": ["knowledge-base", "problem"],
    "create_solution": ["knowledge-base"],
    "list_users": ["team members", "users"],
    "get_user": ["team member"],
    "list_tags": ["module"],
    "remove_tag": ["record"],
}


def strict_properties(template: ActionTemplate) -> tuple[str, dict[str, Any]]:
    # Exported by name; a search brings next_page along, which is checked on its own.
    tools = export(CATALOG, "openai", actions=[template.name])
    function = next(t["function"] for t in tools if t["function"]["name"] == template.name)
    return function["description"], function["parameters"]["properties"]


def depends_on_the_call(default: Any) -> bool:
    """A default the model cannot read from JSON Schema (derived, or a ``{{call variable}}``)."""
    return isinstance(default, DerivedDefault) or (
        isinstance(default, str) and PLACEHOLDER.search(default) is not None
    )


def expected_facts(param: Param) -> list[str]:
    """The phrases a model must read for ``param``, derived from its declaration."""
    facts = [param.description] if param.description else []
    facts += {"datetime": ["Local ISO 8601"], "duration": ["mm:ss"]}.get(param.type, [])
    if param.has_default:
        # A literal default (``New``) needs no words: null takes it.
        if depends_on_the_call(param.default):
            facts.append(f"Default: {describe_default(param.default)}")
    elif must_supply(param):
        pass  # a non-nullable property: the model must send it, and knows it
    elif param.required:
        facts.append("Required")  # nullable: never invented, the caller is asked
    elif param.required_when and param.required_when[1] != ANY_VALUE:
        # With any value, the question comes when needed; a value is not guessable.
        other, value = param.required_when
        facts.append(f"Required if {other} is {value}")
    return facts


def check(param: Param, schema: dict[str, Any]) -> None:
    text = schema.get("description", "")
    for fact in expected_facts(param):
        assert fact in text, f"{param.name}: {fact!r} missing from {text!r}"
    nullable = not must_supply(param)
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    assert ("null" in types) is nullable, f"{param.name}: {types}"
    if param.enum:
        assert schema["enum"] == [*param.enum, *([None] if nullable else [])]
    # Only a date keeps its format: an email's tells a model nothing it does not know.
    declared_format = {"date": "date"}.get(param.type)
    assert schema.get("format") == declared_format
    for item in param.item_params:
        check(item, schema["items"]["properties"][item.name])


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_every_parameter_keeps_what_the_model_needs(template: ActionTemplate) -> None:
    _, properties = strict_properties(template)
    for param in template.params:
        check(param, properties[param.name])


@pytest.mark.parametrize("template", ACTIONS, ids=NAMES)
def test_every_action_keeps_its_distinguishing_words(template: ActionTemplate) -> None:
    description, _ = strict_properties(template)
    assert description, f"{template.name} has no description"
    for words in DISTINGUISHING.get(template.name, []):
        assert words in description.lower(), f"{template.name}: {words!r} missing"


def test_the_guarded_words_name_real_actions_and_descriptions_are_unique() -> None:
    assert set(DISTINGUISHING) <= set(CATALOG)
    descriptions = [a.description for a in ACTIONS]
    assert len(set(descriptions)) == len(descriptions)


def without_email_format(value: Any) -> Any:
    """Tool definitions without ``format: email``, which strict mode leaves out."""
    if isinstance(value, dict):
        return {
            k: without_email_format(v)
            for k, v in value.items()
            if not (k == "format" and v == "email")
        }
    if isinstance(value, list):
        return [without_email_format(item) for item in value]
    return value


def test_the_strict_export_drops_nothing_the_neutral_schema_says(bench: ModuleType) -> None:
    # Strict mode has its own wording for a value the caller has not given (its nullable type
    # says "unless unknown") and keeps a date's format only; all else is the same.
    strict = bench.choice_text(export(CATALOG, "openai"))
    neutral = bench.choice_text(without_email_format(export(CATALOG, "anthropic"))).replace(
        "Required; omit if unknown", "Required"
    )
    assert sorted(strict.split(" ")) == sorted(neutral.split(" "))
    assert '"format": "email"' in json.dumps(export(CATALOG, "anthropic"))  # the neutral keeps it


def test_the_bench_says_how_much_of_the_export_the_model_reads(
    bench: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    bench.main([])
    read = bench.tokens(bench.choice_text(export(CATALOG, "openai")))
    floor = bench.count(bench.without_descriptions(export(CATALOG, "openai")))
    out = capsys.readouterr().out
    assert f"Of it, {read} tokens are what the model reads" in out
    assert f"without a single description it would still be {floor} tokens" in out
    assert "description" not in json.dumps(bench.without_descriptions(export(CATALOG, "mcp")))
    assert "Schedule a meeting." in bench.choice_text(export(CATALOG, "openai"))
