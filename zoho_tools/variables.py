"""``{{placeholder}}`` rendering: call variables, earlier results, and action parameters.

One syntax serves built-in templates, custom actions and values the model sends:

- ``{{caller_phone}}``, ``{{call_id}}``, ``{{employee_id}}`` or any other call variable;
- ``{{search_contact.id}}``: a dotted path into the latest result of an earlier action. A list is
  entered at its first element (``search_contact`` holds a list of records, ``.id`` is the first
  record's id) unless the path gives an index (``{{search_product.1.id}}``, the second record);
  keys match exactly first, then case-insensitively (``full_name`` finds ``Full_Name``);
- inside an action's templates, ``{{name}}`` also names one of the action's parameters.

Rendering rules, applied recursively to JSON-like values:

- a string that is exactly one placeholder becomes the value itself, keeping its type (a number
  stays a number, a lookup object stays an object);
- a string with text around placeholders is interpolated, each value turned into text;
- a mapping key whose value names an optional parameter that was not given is left out, so update
  actions send only the fields given; a mapping or list emptied that way is left out too;
- any other name that cannot be resolved raises :class:`MissingVariable`, which names it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from zoho_tools.errors import RequestBuildError
from zoho_tools.normalize import brief_name
from zoho_tools.templates import PLACEHOLDER


class MissingVariable(RequestBuildError, LookupError):
    """A ``{{name}}`` could not be resolved: no such call variable, result or field."""

    def __init__(self, name: str, reason: str = "") -> None:
        self.name = name
        self.reason = reason or f"no value for {{{{{name}}}}}"
        super().__init__(self.reason)


_ABSENT = object()


@dataclass(frozen=True, slots=True)
class VariableScope:
    """What ``{{...}}`` can refer to during one conversation.

    ``call`` holds the call variables (strings from the voice platform or the app); ``results``
    maps an action name to the data of its latest successful result.
    """

    call: Mapping[str, Any] = field(default_factory=dict)
    results: Mapping[str, Any] = field(default_factory=dict)

    def lookup(self, name: str) -> Any:
        """Resolve a placeholder name, or raise :class:`MissingVariable` saying why not."""
        head, _, rest = name.partition(".")
        if not rest:
            if head in self.call and self.call[head] not in (None, ""):
                return self.call[head]
            if head in self.results:
                return self.results[head]
            raise MissingVariable(
                name, f"{{{{{brief_name(name)}}}}} is not a call variable or a result"
            )
        if head not in self.results:
            known = ", ".join(sorted(self.results)) or "none yet"
            raise MissingVariable(
                name,
                f"{{{{{brief_name(name)}}}}} refers to {brief_name(head)!r}, which has no "
                f"result (results: {known})",
            )
        value = _walk(self.results[head], rest.split("."))
        if value is _ABSENT:
            raise MissingVariable(name, f"the result of {head!r} has no field {brief_name(rest)!r}")
        return value


def _walk(value: Any, path: list[str]) -> Any:
    for key in path:
        if isinstance(value, list) and key.isdigit():
            index = int(key)
            if index >= len(value):
                return _ABSENT
            value = value[index]
            continue
        while isinstance(value, list):
            if not value:
                return _ABSENT
            value = value[0]
        if not isinstance(value, Mapping):
            return _ABSENT
        if key in value:
            value = value[key]
            continue
        folded = {str(k).lower(): k for k in value}
        if key.lower() not in folded:
            return _ABSENT
        value = value[folded[key.lower()]]
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def has_placeholder(value: str) -> bool:
    return PLACEHOLDER.search(value) is not None


def render(
    template: Any,
    resolve: Callable[[str], Any],
    *,
    omittable: Callable[[str], bool] = lambda _name: False,
) -> Any:
    """Render a JSON-like template (see the module docstring for the rules).

    ``resolve(name)`` returns a value or raises :class:`MissingVariable`. ``omittable(name)`` says
    whether a missing ``name`` in a whole-value position may simply be left out (an optional
    parameter that was not given).
    """
    rendered = _render(template, resolve, omittable)
    return None if rendered is _ABSENT else rendered


def _render(template: Any, resolve: Callable[[str], Any], omittable: Callable[[str], bool]) -> Any:
    if isinstance(template, str):
        return _render_string(template, resolve, omittable)
    if isinstance(template, Mapping):
        out = {}
        for key, item in template.items():
            value = _render(item, resolve, omittable)
            if value is not _ABSENT:
                out[key] = value
        return out if out or not template else _ABSENT
    if isinstance(template, list | tuple):
        items = [_render(item, resolve, omittable) for item in template]
        kept = [item for item in items if item is not _ABSENT]
        return kept if kept or not template else _ABSENT
    return template


def _render_string(
    text: str, resolve: Callable[[str], Any], omittable: Callable[[str], bool]
) -> Any:
    whole = PLACEHOLDER.fullmatch(text)
    if whole:
        name = whole.group(1)
        try:
            return resolve(name)
        except MissingVariable:
            if omittable(name):
                return _ABSENT
            raise

    def substitute(match: Any) -> str:
        value = resolve(match.group(1))
        return value if isinstance(value, str) else _as_text(value)

    return PLACEHOLDER.sub(substitute, text)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def resolve_in_scope(value: Any, scope: VariableScope) -> Any:
    """Render ``{{...}}`` in a value the model sent, against call variables and results."""
    return render(value, scope.lookup)
