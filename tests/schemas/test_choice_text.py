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
from zoho_tools.templates import ANY_VALUE, ActionTemplate, Param

ACTIONS = list(CATALOG.values())
NAMES = [a.name for a in ACTIONS]

#: Words in an action's description that its name does not say and that decide between it and
#: its siblings (what a search matches, what a record is, how a write behaves). Trimming a
#: description for tokens must keep them.
DISTINGUISHING = {
    "identify_caller": ["caller", "number", "account", "open cases", "deals", "meetings"],
    "search_contact": ["name", "phone", "email"],
    "create_contact": ["person"],
    "update_contact": ["given fields"],
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
    "create_event": ["meeting", "calendar"],
    "update_event": ["move", "start and end"],
    "search_note": ["title", "text"],
    "create_note": ["record"],
    "search_product": ["name", "code"],
    "create_quote": ["products"],
    "search_service": ["bookable service", "service_id"],
    "schedule_appointment": ["service", "customer"],
    "update_appointment": ["reschedule"],
    "search_solution": ["knowledge-base", "problem"],
    "create_solution": ["knowledge-base"],
    "list_users": ["team members"],
    "get_user": ["team member"],
    "list_tags": ["module"],
    "remove_tag": ["record"],
}


def strict_properties(template: ActionTemplate) -> tuple[str, dict[str, Any]]:
    [tool] = export(CATALOG, "openai", actions=[template.name])
    function = tool["function"]
    return function["description"], function["parameters"]["properties"]


def expected_facts(param: Param) -> list[str]:
    """The phrases a model must read for ``param``, derived from its declaration."""
    facts = [param.description] if param.description else []
    facts += {"datetime": ["Local ISO 8601"], "duration": ["mm:ss"]}.get(param.type, [])
    if param.has_default:
        facts.append(f"Default: {describe_default(param.default)}")
    elif must_supply(param):
        facts.append("Required")
    elif param.required:
        facts.append("Required; null if unknown")  # never invented: the caller is asked
    elif param.required_when:
        facts.append(f"Required {'with' if param.required_when[1] == ANY_VALUE else 'if'}")
    return facts


def check(param: Param, schema: dict[str, Any]) -> None:
    text = schema.get("description", "")
    for fact in expected_facts(param):
        assert fact in text, f"{param.name}: {fact!r} missing from {text!r}"
    if param.enum:
        assert schema["enum"] == [*param.enum, None]
    declared_format = {"date": "date", "email": "email"}.get(param.type)
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


def test_the_strict_export_drops_nothing_the_neutral_schema_says(bench: ModuleType) -> None:
    # Strict mode has its own wording for a value the caller has not given; all else is the same.
    strict = bench.choice_text(export(CATALOG, "openai"))
    neutral = bench.choice_text(export(CATALOG, "anthropic")).replace(
        "Required; omit if unknown", "Required; null if unknown"
    )
    assert sorted(strict.split(" ")) == sorted(neutral.split(" "))


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
    assert "Put a meeting in the calendar." in bench.choice_text(export(CATALOG, "openai"))
