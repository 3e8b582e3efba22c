"""The strict-mode checker itself: it accepts a valid tool and rejects each kind of mistake."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from .strict_checker import chat_tool_violations, responses_tool_violations

VALID: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "create_thing",
        "description": "Create a thing.",
        "strict": True,
        "parameters": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "module": {"type": "string", "enum": ["Contacts", "Leads"]},
                "name": {"type": ["string", "null"], "description": "Required"},
                "kind": {"type": ["string", "null"], "enum": ["a", "b", None]},
                "day": {"type": ["string", "null"], "format": "date"},
                "items": {
                    "type": ["array", "null"],
                    "items": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "string"},
                            "note": {"type": ["string", "null"]},
                        },
                        "required": ["id", "note"],
                        "additionalProperties": False,
                    },
                },
                "confirmed": {"type": "boolean"},
            },
            "required": ["id", "module", "name", "kind", "day", "items", "confirmed"],
            "additionalProperties": False,
        },
    },
}
#: The same parameters outside strict mode: only what the model must supply is required.
NEUTRAL: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "module": {"type": "string", "enum": ["Contacts", "Leads"]},
        "name": {"type": "string", "description": "Required; omit if unknown"},
        "kind": {"type": "string", "enum": ["a", "b"]},
        "day": {"type": "string", "format": "date"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "note": {"type": "string"}},
                "required": ["id"],
                "additionalProperties": False,
            },
        },
        "confirmed": {"type": "boolean"},
    },
    "required": ["id", "module"],
    "additionalProperties": False,
}


def _params(tool: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = tool["function"]["parameters"]
    return params


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(tool: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = _params(tool)
        for key in parents:
            target = target[key]
        target[last] = value

    return change


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    def change(tool: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = _params(tool)
        for key in parents:
            target = target[key]
        del target[last]

    return change


def _function(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(tool: dict[str, Any]) -> None:
        tool["function"][key] = value

    return change


def _deep(tool: dict[str, Any]) -> None:
    schema: dict[str, Any] = {"type": ["string", "null"]}
    for _ in range(11):
        schema = {
            "type": ["object", "null"],
            "properties": {"x": schema},
            "required": ["x"],
            "additionalProperties": False,
        }
    _params(tool)["properties"]["deep"] = schema
    _params(tool)["required"].append("deep")


MISTAKES = {
    "additionalProperties missing": (_delete("additionalProperties"), "additionalProperties"),
    "additionalProperties true": (_set("additionalProperties", True), "additionalProperties"),
    "nested object open": (
        _delete("properties.items.items.additionalProperties"),
        "parameters.items[]: additionalProperties",
    ),
    "property not required": (
        _set("required", ["id", "module", "name", "kind", "day", "confirmed"]),
        "required",
    ),
    "nested property not required": (
        _set("properties.items.items.required", []),
        "parameters.items[]: required",
    ),
    "property not nullable": (_set("properties.name.type", "string"), "must be nullable"),
    "nested property not nullable": (
        _set("properties.items.items.properties.note.type", "string"),
        "items[].note: must be nullable",
    ),
    "required property nullable": (
        _set("properties.id.type", ["string", "null"]),
        "parameters.id: must not be nullable",
    ),
    "nested required property nullable": (
        _set("properties.items.items.properties.id.type", ["string", "null"]),
        "items[].id: must not be nullable",
    ),
    "confirmed nullable": (
        _set("properties.confirmed.type", ["boolean", "null"]),
        "confirmed: must not be nullable",
    ),
    "property the neutral schema lacks": (
        _set("properties.extra", {"type": ["string", "null"]}),
        "extra: not a property of the neutral schema",
    ),
    "enum without null": (_set("properties.kind.enum", ["a", "b"]), "enum must list null"),
    "required enum with null": (
        _set("properties.module.enum", ["Contacts", "Leads", None]),
        "module: not nullable, so its enum must not list null",
    ),
    "minLength": (_set("properties.name.minLength", 2), "unsupported keyword(s) ['minLength']"),
    "default": (_set("properties.name.default", "x"), "unsupported keyword(s) ['default']"),
    "string keyword on a number": (
        _set("properties.day.type", ["number", "null"]),
        "unsupported keyword(s) ['format']",
    ),
    "unsupported format": (_set("properties.day.format", "uri"), "unsupported format 'uri'"),
    "unknown type": (_set("properties.day.type", ["date", "null"]), "unsupported type"),
    "nullable root": (_set("type", ["object", "null"]), "root must be a non-nullable object"),
    "anyOf at the root": (_set("anyOf", [{"type": "object"}]), "without anyOf"),
    "array without items": (_delete("properties.items.items"), "needs an items schema"),
    "too deep": (_deep, "nested deeper than 10"),
    "not strict": (_function("strict", False), "strict must be true"),
    "strict missing": (lambda tool: tool["function"].pop("strict"), "strict must be true"),
    "dotted name": (_function("name", "crm.create"), "does not match"),
    "long name": (_function("name", "x" * 65), "does not match"),
    "unknown function key": (_function("examples", []), "unknown function keys"),
}


def test_a_valid_tool_passes() -> None:
    assert chat_tool_violations(VALID, NEUTRAL) == []


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_mistake_is_caught(mistake: str) -> None:
    change, expected = MISTAKES[mistake]
    tool = copy.deepcopy(VALID)
    change(tool)
    problems = chat_tool_violations(tool, NEUTRAL)
    assert any(expected in problem for problem in problems), problems


def test_the_shape_of_a_tool_is_checked() -> None:
    assert chat_tool_violations({"type": "function", "name": "x"}, NEUTRAL)
    flat = {"type": "function", **VALID["function"]}
    assert responses_tool_violations(flat, NEUTRAL) == []
    assert responses_tool_violations({**flat, "strict": None}, NEUTRAL) == ["strict must be true"]
