"""OpenAI tools with ``strict: true``: Chat Completions and Responses.

Strict mode (Structured Outputs) accepts a subset of JSON Schema: every object needs
``additionalProperties: false`` and every property listed in ``required``; a value that may be
absent is a nullable type (``["string", "null"]``, and an enum that lists ``None``), while what
the neutral schema requires (a record id, a search's words) stays non-nullable; and some
keywords are not supported (``minLength``, ``maxLength``, ``default``). :func:`strict_schema`
reshapes the neutral schema accordingly. It keeps only ``type``, ``description``, ``enum`` and a
date's ``format`` (plus the object and array structure): ``minItems``, ``pattern`` and an email's
format would be accepted, but they tell a model nothing it does not know, the full catalog must
fit a token budget, and the orchestrator checks lists and values anyway.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zoho_tools.schemas import input_schema
from zoho_tools.templates import CONFIRMED, ActionTemplate

#: The keywords a strict non-object schema keeps from the neutral one (``items`` is rebuilt).
_KEPT = frozenset({"type", "description", "enum"})
#: The formats a strict schema keeps: the shape of a value that a model must write just so.
_KEPT_FORMATS = frozenset({"date"})


def strict_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` (an object schema) in OpenAI strict form: what it requires stays non-nullable,
    every other property becomes nullable, and so may be sent as null."""
    # ``confirmed`` too: false is "not yet", so it needs no null (and the orchestrator asks the
    # caller itself before it accepts a true).
    required = {*schema.get("required", ()), CONFIRMED}
    properties = {
        name: _strict(sub) if name in required else _nullable(_strict(sub))
        for name, sub in schema.get("properties", {}).items()
    }
    strict: dict[str, Any] = {"type": "object"}
    if "description" in schema:
        strict["description"] = schema["description"]
    strict["properties"] = properties
    strict["required"] = list(properties)
    strict["additionalProperties"] = False
    return strict


def _strict(schema: Mapping[str, Any]) -> dict[str, Any]:
    if schema.get("type") == "object":
        return strict_schema(schema)
    strict = {key: value for key, value in schema.items() if key in _KEPT}
    if schema.get("format") in _KEPT_FORMATS:
        strict["format"] = schema["format"]
    if "items" in schema:
        # Items of a list are not optional one by one: the item object itself stays non-null.
        strict["items"] = _strict(schema["items"])
    return strict


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    schema["type"] = [*types, "null"] if "null" not in types else types
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    return schema


def parameters(template: ActionTemplate) -> dict[str, Any]:
    """The strict ``parameters`` of ``template``, worded for a model that must send every key."""
    return strict_schema(input_schema(template, if_unknown="null"))


def to_openai_chat(template: ActionTemplate) -> dict[str, Any]:
    """A Chat Completions tool: ``{"type": "function", "function": {...}}``."""
    return {
        "type": "function",
        "function": {
            "name": template.name,
            "description": template.description,
            "strict": True,
            "parameters": parameters(template),
        },
    }


def to_openai_responses(template: ActionTemplate) -> dict[str, Any]:
    """A Responses API function tool: the same fields as Chat, flat."""
    return {
        "type": "function",
        "name": template.name,
        "description": template.description,
        "strict": True,
        "parameters": parameters(template),
    }
