"""A checker of OpenAI strict-mode tool definitions, written from OpenAI's rules, not our code.

Rules (function-calling and Structured Outputs guides; see
/work/shared/reference/agent-tool-formats.md, 1.1 and 1.2), plus one of ours:

- a tool is ``{"type": "function", "function": {name, description, strict: true, parameters}}``
  (Chat) or the same keys flat (Responses); the name matches ``^[a-zA-Z0-9_-]{1,64}$``;
- the root schema is an object (not nullable, no ``anyOf``);
- every object sets ``additionalProperties: false`` and lists every property in ``required``;
- only supported keywords, per type; ``format`` only from the supported list;
- at most 10 levels of nesting, 5,000 properties and 1,000 enum values;
- ours: a property is non-nullable exactly when the tool's neutral schema (the same parameters
  without strict mode, as Anthropic and MCP get them) requires it, or it is ``confirmed``: what
  the model must always supply itself (a record id, a search's words) cannot be null, and every
  other property is nullable (``null`` among its types, and in its ``enum`` if it has one),
  because a value the model does not know must be sent as null, never invented.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "null"})
FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}
)
ANY_TYPE_KEYWORDS = frozenset({"type", "description", "title", "enum", "const", "anyOf", "$ref"})
KEYWORDS_BY_TYPE: Mapping[str, frozenset[str]] = {
    "string": frozenset({"pattern", "format"}),
    "number": frozenset(
        {"multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum"}
    ),
    "integer": frozenset(
        {"multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum"}
    ),
    "array": frozenset({"items", "minItems", "maxItems"}),
    "object": frozenset({"properties", "required", "additionalProperties", "$defs"}),
    "boolean": frozenset(),
    "null": frozenset(),
}
MAX_DEPTH = 10
MAX_PROPERTIES = 5000
MAX_ENUM_VALUES = 1000
#: The property a model sets once the caller agreed: false means "not yet", so never null.
CONFIRMED = "confirmed"


def chat_tool_violations(tool: Mapping[str, Any], neutral: Mapping[str, Any]) -> list[str]:
    """Every strict-mode rule a Chat Completions tool breaks (empty when it is valid);
    ``neutral`` is the tool's parameters schema outside strict mode, for what it requires."""
    if tool.get("type") != "function" or not isinstance(tool.get("function"), Mapping):
        return ['a Chat tool is {"type": "function", "function": {...}}']
    extra = set(tool) - {"type", "function"}
    problems = [f"unknown tool keys {sorted(extra)}"] if extra else []
    return problems + _function_violations(tool["function"], neutral)


def responses_tool_violations(tool: Mapping[str, Any], neutral: Mapping[str, Any]) -> list[str]:
    """Every strict-mode rule a Responses API function tool breaks (``neutral`` as above)."""
    if tool.get("type") != "function":
        return ['a Responses tool has "type": "function"']
    return _function_violations({k: v for k, v in tool.items() if k != "type"}, neutral)


def _function_violations(function: Mapping[str, Any], neutral: Mapping[str, Any]) -> list[str]:
    problems = []
    extra = set(function) - {"name", "description", "strict", "parameters"}
    if extra:
        problems.append(f"unknown function keys {sorted(extra)}")
    name = function.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        problems.append(f"name {name!r} does not match {NAME.pattern}")
    if not isinstance(function.get("description"), str):
        problems.append("description must be a string")
    if function.get("strict") is not True:
        problems.append("strict must be true")
    parameters = function.get("parameters")
    if not isinstance(parameters, Mapping):
        return [*problems, "parameters must be a schema object"]
    return problems + schema_violations(parameters, neutral)


def schema_violations(schema: Mapping[str, Any], neutral: Mapping[str, Any]) -> list[str]:
    """Every strict-mode rule a ``parameters`` schema breaks; ``neutral`` is the same parameters'
    schema outside strict mode (its ``required`` lists say what may not be null)."""
    problems: list[str] = []
    if schema.get("type") != "object" or "anyOf" in schema:
        problems.append("parameters: the root must be a non-nullable object without anyOf")
    counts = {"properties": 0, "enum": 0}
    _check(schema, neutral, "parameters", 1, problems, counts)
    if counts["properties"] > MAX_PROPERTIES:
        problems.append(f"{counts['properties']} properties; the limit is {MAX_PROPERTIES}")
    if counts["enum"] > MAX_ENUM_VALUES:
        problems.append(f"{counts['enum']} enum values; the limit is {MAX_ENUM_VALUES}")
    return problems


def _types(schema: Mapping[str, Any]) -> list[Any]:
    """The JSON values ``schema`` gives as its types: ``[None]`` when it gives none, which is
    reported as an unsupported type."""
    kind = schema.get("type")
    return list(kind) if isinstance(kind, list) else [kind]


def _check(
    schema: Mapping[str, Any],
    neutral: Mapping[str, Any],
    where: str,
    depth: int,
    problems: list[str],
    counts: dict[str, int],
) -> None:
    if depth > MAX_DEPTH:
        problems.append(f"{where}: nested deeper than {MAX_DEPTH} levels")
    types = _types(schema)
    unknown_types = [t for t in types if t not in TYPES]
    if unknown_types:
        problems.append(f"{where}: unsupported type(s) {unknown_types}")
    allowed = ANY_TYPE_KEYWORDS.union(*(KEYWORDS_BY_TYPE.get(t, frozenset()) for t in types))
    unsupported = sorted(set(schema) - allowed)
    if unsupported:
        problems.append(f"{where}: unsupported keyword(s) {unsupported}")
    if "format" in schema and schema["format"] not in FORMATS:
        problems.append(f"{where}: unsupported format {schema['format']!r}")
    if "enum" in schema:
        counts["enum"] += len(schema["enum"])
        if "null" in types and None not in schema["enum"]:
            problems.append(f"{where}: nullable, so its enum must list null")
        if "null" not in types and None in schema["enum"]:
            problems.append(f"{where}: not nullable, so its enum must not list null")
    if "object" in types:
        _check_object(schema, neutral, where, depth, problems, counts)
    if "array" in types:
        if not isinstance(schema.get("items"), Mapping):
            problems.append(f"{where}: an array needs an items schema")
        else:
            items = neutral.get("items")
            neutral_items = items if isinstance(items, Mapping) else {}
            _check(schema["items"], neutral_items, f"{where}[]", depth + 1, problems, counts)


def _check_object(
    schema: Mapping[str, Any],
    neutral: Mapping[str, Any],
    where: str,
    depth: int,
    problems: list[str],
    counts: dict[str, int],
) -> None:
    if schema.get("additionalProperties") is not False:
        problems.append(f"{where}: additionalProperties must be false")
    properties = schema.get("properties", {})
    required = schema.get("required", [])
    if sorted(required) != sorted(properties) or len(set(required)) != len(required):
        problems.append(f"{where}: required must list every property exactly once")
    counts["properties"] += len(properties)
    neutral_properties = neutral.get("properties", {})
    must_send = {*neutral.get("required", ()), CONFIRMED}
    for name, sub in properties.items():
        at = f"{where}.{name}"
        if not isinstance(sub, Mapping):
            problems.append(f"{at}: not a schema")
            continue
        nullable = "null" in _types(sub)
        if name in must_send and nullable:
            problems.append(f"{at}: must not be nullable (the neutral schema requires it)")
        elif name not in must_send and not nullable:
            problems.append(f"{at}: must be nullable (null among its types)")
        if name not in neutral_properties:
            problems.append(f"{at}: not a property of the neutral schema")
        _check(sub, neutral_properties.get(name, {}), at, depth + 1, problems, counts)
