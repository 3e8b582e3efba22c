"""The neutral JSON Schema (Draft 2020-12) of an action's arguments, derived from its declaration.

:func:`input_schema` is the one place where a :class:`~zoho_tools.templates.Param` becomes a JSON
Schema property; :mod:`zoho_tools.adapters` only reshape its output for each provider. It is what
Anthropic and MCP receive as is, and what the OpenAI strict adapter makes nullable.

The model must never invent a mandatory value, and it reads every description on every turn, so
descriptions say only what the name and type do not, in as few tokens as possible:

- a mandatory parameter the caller can give and nothing defaults says ``Required; omit if
  unknown`` (``Required`` with a nullable type for OpenAI strict, where every property must be
  sent): the model leaves it out or sends null, and the orchestrator asks the caller the declared
  question;
- a mandatory parameter with no question (a record id, a search's words) says nothing: it is in
  the schema's ``required`` list, the only names there (and in OpenAI strict, the only
  non-nullable properties), and the model supplies it itself, from a search or the caller;
- a parameter whose default depends on the call says what it is (``Default: caller's number``),
  so the model neither asks for it nor makes it up; a literal default (``New``) is JSON Schema's
  ``default`` and no words (OpenAI strict has no ``default``: there null simply takes it);
- datetimes say ``Local ISO 8601`` rather than carrying ``format: date-time``, which demands an
  offset: a model that has to invent an offset invents a wrong one, whereas a local time is
  placed in the call's time zone by :func:`zoho_tools.normalize.datetime_value`.

Actions that must be confirmed (``confirm=True``) get one more property, :data:`CONFIRMED`, which
the model sets once the caller agreed; the orchestrator reads and removes it. It has no
description: the orchestrator asks for the confirmation itself before it accepts one, and its
answer tells the model what to do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from zoho_tools.catalog import CALL_VARIABLES
from zoho_tools.param_types import PARAM_TYPES
from zoho_tools.templates import (
    ANY_VALUE,
    CONFIRMED,
    PLACEHOLDER,
    ActionTemplate,
    DerivedDefault,
    Param,
)

#: How a model is told to treat a mandatory value it does not know.
IfUnknown = Literal["omit", "null"]

_REQUIRED_ASK: Mapping[IfUnknown, str] = {
    "omit": "Required; omit if unknown",
    # The nullable type already says null is allowed; the system prompts say to send null for
    # what the caller has not said (prompts/*.md), and the orchestrator's answer asks for it.
    "null": "Required",
}


def must_supply(param: Param) -> bool:
    """Whether the model itself must always supply ``param``: mandatory, with no default and no
    question for the caller (a record id). Only these are listed in a schema's ``required``."""
    return param.required and not param.has_default and param.ask is None


def describe_default(default: Any) -> str:
    """A default in a model's words: ``caller's number``, ``start + 30 min``, ``New``."""
    if isinstance(default, DerivedDefault):
        return default.describe()
    if isinstance(default, str):
        return PLACEHOLDER.sub(lambda match: _variable_phrase(match.group(1)), default)
    if isinstance(default, bool):
        return "true" if default else "false"
    return str(default)


def _variable_phrase(name: str) -> str:
    return CALL_VARIABLES.get(name) or name.replace("_", " ")


def describe_param(param: Param, *, if_unknown: IfUnknown = "omit") -> str:
    """The description a model reads for ``param`` (empty when the name says it all)."""
    parts = [text for text in (param.description, PARAM_TYPES[param.type].hint) if text]
    if param.has_default:
        if not _is_literal(param.default):
            parts.append(f"Default: {describe_default(param.default)}")
    elif param.required:
        if param.ask is not None:  # one without a question is in the schema's ``required``
            parts.append(_REQUIRED_ASK[if_unknown])
    elif param.required_when:
        other, value = param.required_when
        # With any value the question comes when needed (the model usually knows the module of
        # an id it found); a condition on a value is not guessable, so it is said.
        if value != ANY_VALUE:
            parts.append(f"Required if {other} is {value}")
    return ". ".join(parts)


def param_schema(param: Param, *, if_unknown: IfUnknown = "omit") -> dict[str, Any]:
    """The JSON Schema property for one parameter."""
    schema: dict[str, Any] = dict(PARAM_TYPES[param.type].schema)
    if param.enum:
        schema["enum"] = list(param.enum)
    if param.min_length is not None and schema["type"] == "string":
        schema["minLength"] = param.min_length
    if param.minimum is not None:
        schema["minimum"] = param.minimum
    if param.maximum is not None:
        schema["maximum"] = param.maximum
    if param.type == "items":
        schema["items"] = _object_schema(param.item_params, if_unknown=if_unknown)
    description = describe_param(param, if_unknown=if_unknown)
    if description:
        schema["description"] = description
    if param.has_default and _is_literal(param.default):
        schema["default"] = param.default
    return schema


def _is_literal(default: Any) -> bool:
    """A default JSON Schema can state as is: not derived, no ``{{variable}}`` in it."""
    if isinstance(default, DerivedDefault):
        return False
    return not (isinstance(default, str) and PLACEHOLDER.search(default))


def _object_schema(params: tuple[Param, ...], *, if_unknown: IfUnknown) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {p.name: param_schema(p, if_unknown=if_unknown) for p in params},
    }
    required = [p.name for p in params if must_supply(p)]
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema


def input_schema(template: ActionTemplate, *, if_unknown: IfUnknown = "omit") -> dict[str, Any]:
    """The JSON Schema of ``template``'s arguments: an object with one property per parameter
    (plus :data:`CONFIRMED` for actions that need confirmation), no other properties allowed."""
    schema = _object_schema(template.params, if_unknown=if_unknown)
    if template.confirm:
        schema["properties"][CONFIRMED] = {"type": "boolean"}
    return schema
