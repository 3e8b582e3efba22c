"""What each parameter type is, in one table: its JSON Schema, its words, its normaliser.

A :data:`~zoho_tools.templates.ParamType` names a type; :data:`PARAM_TYPES` says, per type, the
JSON Schema a model is shown (before the description, enum and range a parameter adds), the words
a description needs where JSON Schema has no exact keyword (``mm:ss``), and the function that turns
what a model sent into Zoho's format. :mod:`zoho_tools.schemas` and :mod:`zoho_tools.arguments`
read from here, so adding a type is one entry in this table (and one word in ``ParamType``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from zoho_tools import normalize
from zoho_tools.normalize import Locale, ValueProblem
from zoho_tools.templates import Param, ParamType

#: Turns a value a model sent for a parameter into Zoho's format, or raises :class:`ValueProblem`
#: saying what to send instead.
Normaliser = Callable[[Param, Any, Locale], Any]


@dataclass(frozen=True, slots=True)
class TypeDefinition:
    """One parameter type: ``schema`` is its JSON Schema before a parameter's own keywords,
    ``hint`` the words its description needs (empty when the schema says it all)."""

    schema: Mapping[str, Any]
    normaliser: Normaliser
    hint: str = ""


def normalise(param: Param, value: Any, locale: Locale) -> Any:
    """``value`` in Zoho's format for ``param``: one of its ``enum`` choices if it has any,
    otherwise as its type says. Raises :class:`ValueProblem`."""
    if param.enum:
        return normalize.choice(value, param.enum)
    return PARAM_TYPES[param.type].normaliser(param, value, locale)


def _text(max_length: int) -> Normaliser:
    def text(param: Param, value: Any, _locale: Locale) -> str:
        return normalize.string(value, max_length=max_length, min_length=param.min_length)

    return text


def _integer(param: Param, value: Any, _locale: Locale) -> int | float:
    return normalize.within(normalize.integer(value), param.minimum, param.maximum)


def _number(param: Param, value: Any, _locale: Locale) -> int | float:
    return normalize.within(normalize.number(value), param.minimum, param.maximum)


def _value_only(function: Callable[[Any], Any]) -> Normaliser:
    """A normaliser for a type whose values need neither the parameter nor the locale."""
    return lambda _param, value, _locale: function(value)


def _localised(function: Callable[[Any, Locale], Any]) -> Normaliser:
    """A normaliser for a type read in the call's locale (its time zone, its country)."""
    return lambda _param, value, locale: function(value, locale)


def _search_term(_param: Param, value: Any, locale: Locale) -> str:
    return normalize.search_term(value, locale, routes=True)


def _items(param: Param, value: Any, locale: Locale) -> list[dict[str, Any]]:
    """A list of objects, each checked against ``param.item_params`` (a single object is taken
    as a list of one). Item defaults fill what an item leaves out."""
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, list) or not value:
        fields = ", ".join(p.name for p in param.item_params)
        raise ValueProblem(f"must be a non-empty list of objects with: {fields}")
    items = []
    for index, raw_item in enumerate(value):
        if not isinstance(raw_item, Mapping):
            raise ValueProblem(f"item {index} must be an object, not {normalize.brief(raw_item)}")
        item: dict[str, Any] = {}
        for sub in param.item_params:
            sub_value = raw_item.get(sub.name)
            if normalize.is_blank(sub_value):
                sub_value = None
            if sub_value is None and sub.has_default:
                sub_value = sub.default
            if sub_value is None:
                if sub.required:
                    raise ValueProblem(f"item {index} needs {sub.name}")
                continue
            try:
                item[sub.name] = normalise(sub, sub_value, locale)
            except ValueProblem as exc:
                raise ValueProblem(f"item {index} {sub.name}: {exc}") from None
        extra = set(raw_item) - {p.name for p in param.item_params}
        if extra:
            names = ", ".join(normalize.brief_name(name) for name in sorted(extra)[:5])
            raise ValueProblem(f"item {index} has unknown fields: {names}")
        items.append(item)
    return items


#: Every :data:`~zoho_tools.templates.ParamType`, with its schema, words and normaliser.
PARAM_TYPES: Mapping[ParamType, TypeDefinition] = MappingProxyType(
    {
        "string": TypeDefinition({"type": "string"}, _text(normalize.MAX_STRING_CHARS)),
        "text": TypeDefinition({"type": "string"}, _text(normalize.MAX_TEXT_CHARS)),
        "integer": TypeDefinition({"type": "integer"}, _integer),
        "number": TypeDefinition({"type": "number"}, _number),
        "boolean": TypeDefinition({"type": "boolean"}, _value_only(normalize.boolean)),
        "date": TypeDefinition(
            {"type": "string", "format": "date"}, _localised(normalize.date_value)
        ),
        # No ``format: date-time``: it demands an offset, and a model that has to invent one
        # invents a wrong one; a local time is placed in the call's time zone instead.
        "datetime": TypeDefinition(
            {"type": "string"}, _localised(normalize.datetime_value), hint="Local ISO 8601"
        ),
        "duration": TypeDefinition(
            {"type": "string"}, _value_only(normalize.duration), hint="mm:ss"
        ),
        "phone": TypeDefinition({"type": "string"}, _localised(normalize.phone)),
        "email": TypeDefinition(
            {"type": "string", "format": "email"}, _value_only(normalize.email)
        ),
        # No digits-only pattern: a model may send a reference such as ``{{search_contact.id}}``,
        # which the orchestrator resolves and then checks.
        "id": TypeDefinition({"type": "string"}, _value_only(normalize.record_id)),
        "search_term": TypeDefinition({"type": "string", "minLength": 2}, _search_term),
        "items": TypeDefinition({"type": "array", "minItems": 1}, _items),
    }
)
