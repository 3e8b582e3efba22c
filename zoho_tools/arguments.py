"""Check, normalise and complete the arguments of one action call. Pure and I/O-free.

:func:`prepare` takes whatever the model sent (a JSON string or an object, possibly malformed) and
returns a :class:`Prepared`: the arguments in Zoho's formats with defaults applied, the required
parameters that still have no value, and every problem found, each with a message that tells the
model exactly what to send instead. Nothing is dropped silently and nothing raises on bad input.

Order of work, per parameter: ``null`` means "not known" (the model is told to pass null rather
than guess), and so does a blank value (whitespace or control characters only): a mandatory field
is asked for again rather than sent empty; the value is normalised by type; then defaults fill
what is still missing: an AI employee's defaults first, then the action's declared ones (a default
whose ``{{variable}}`` is not set is skipped, so the field is asked for instead).

Values are taken as they are: ``{{references}}`` in what the model sent are resolved once, by the
orchestrator, before :func:`prepare` (a value that came from a record is never rendered again).

:func:`parse_arguments` is the gate for hostile input: JSON that parses but cannot be used
(numbers thousands of digits long, nesting thousands of levels deep, ``NaN``, lone UTF-16
surrogates, megabytes of text) becomes a :class:`Problem`, never an exception.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from zoho_tools import normalize
from zoho_tools.normalize import Locale, ValueProblem
from zoho_tools.param_types import normalise
from zoho_tools.templates import ANY_VALUE, ActionTemplate, DerivedDefault, Param
from zoho_tools.variables import MissingVariable, VariableScope, has_placeholder, render


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a call; ``param`` is None for problems with the call as a whole."""

    param: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.param}: {self.message}" if self.param else self.message


@dataclass(frozen=True, slots=True)
class Prepared:
    """The outcome of :func:`prepare`: ready when there are no problems and nothing is missing."""

    arguments: dict[str, Any] = field(default_factory=dict)
    missing: tuple[Param, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def ready(self) -> bool:
        return not self.missing and not self.problems


#: The longest argument string accepted (a note's 32,000 characters, escaped, fit easily).
MAX_ARGUMENTS_CHARS = 256_000
#: The longest single string value (in arguments sent as an object rather than a JSON string).
MAX_VALUE_CHARS = MAX_ARGUMENTS_CHARS
#: How deep JSON values may nest (line items are three levels deep).
MAX_DEPTH = 16
#: Zoho's numbers are 64-bit; anything larger is a mistake (and Python cannot print huge ones).
MAX_INTEGER = 2**63 - 1


def parse_arguments(raw: Any) -> tuple[dict[str, Any], tuple[Problem, ...]]:
    """The model's arguments as a dict, and what is wrong with them. Accepts a JSON string (as
    OpenAI sends) or an object (as Anthropic and MCP send).

    A problem with the call as a whole (``param`` None) leaves nothing; a value that cannot be
    used is left out and named, and the other values are kept.
    """
    if raw is None or raw == "":
        return {}, ()
    if isinstance(raw, str | bytes):
        if len(raw) > MAX_ARGUMENTS_CHARS:
            too_long = f"the arguments are {len(raw):,} characters long; send at most "
            return {}, (Problem(None, f"{too_long}{MAX_ARGUMENTS_CHARS:,}"),)
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            return {}, (
                Problem(None, f"the arguments are not valid JSON ({exc.msg} at {exc.pos})"),
            )
        except (ValueError, RecursionError):
            # Integers past Python's digit limit, or nesting past the parser's recursion limit.
            unusable_json = "the arguments are not usable JSON: numbers must fit in 64 bits"
            return {}, (Problem(None, f"{unusable_json} and values nest at most {MAX_DEPTH} deep"),)
    if not isinstance(raw, Mapping):
        return {}, (Problem(None, "the arguments must be a JSON object of parameter names"),)
    given: dict[str, Any] = {}
    problems = []
    for key, value in raw.items():
        if not isinstance(key, str) or normalize.has_surrogate(key):
            name = normalize.brief_name(str(key))
            problems.append(Problem(name, "is not a parameter name; use the names in the schema"))
        elif (problem := unusable(value)) is not None:
            problems.append(Problem(key, problem))
        else:
            given[key] = value
    return given, tuple(problems)


def unusable(value: Any) -> str | None:
    """Why a JSON-like value cannot be used, or None. Walks without recursion, so no depth of
    nesting can break it."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"is nested more than {MAX_DEPTH} levels deep"
        if isinstance(item, str):
            if len(item) > MAX_VALUE_CHARS:
                return f"is {len(item):,} characters long"
            if normalize.has_surrogate(item):
                return "contains an invalid character (a lone UTF-16 surrogate); send plain text"
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if abs(item) > MAX_INTEGER:
                return "is a number too large for Zoho"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return "must be a finite number, not NaN or Infinity"
        elif isinstance(item, Mapping):
            for key, nested in item.items():
                if not isinstance(key, str) or normalize.has_surrogate(key):
                    return "has a key that is not plain text"
                stack.append((nested, depth + 1))
        elif isinstance(item, list | tuple):
            stack.extend((nested, depth + 1) for nested in item)
        else:
            return f"must be a JSON value, not {type(item).__name__}"
    return None


def prepare(
    template: ActionTemplate,
    raw: Any,
    *,
    scope: VariableScope | None = None,
    locale: Locale | None = None,
    defaults: Mapping[str, Any] | None = None,
    ignore: frozenset[str] = frozenset(),
    checked: bool = False,
) -> Prepared:
    """Validate and normalise ``raw`` for ``template``.

    ``defaults`` (an AI employee's per-action defaults) override the declared ones. Names in
    ``ignore`` are accepted and left out of the arguments (e.g. ``confirmed``, which the
    orchestrator reads itself). ``checked`` says ``raw`` is a dict whose values already passed
    :func:`parse_arguments` (the orchestrator's case), so they are not walked again.
    """
    scope = scope or VariableScope()
    locale = locale or Locale()
    given, parsed = (dict(raw), ()) if checked else parse_arguments(raw)
    if any(p.param is None for p in parsed):
        return Prepared(problems=parsed)
    problems = [*parsed, *_unknown(template, given, ignore)]
    values: dict[str, Any] = {}
    blank: set[str] = set()
    for param in template.params:
        value = given.get(param.name)
        if value is None:
            continue
        if normalize.is_blank(value):
            blank.add(param.name)
            continue
        try:
            values[param.name] = normalise(param, value, locale)
            if _is_word_search(template, param) and not normalize.searchable(value):
                raise ValueProblem(
                    f"{normalize.brief(value)} cannot be searched: Zoho needs at least 2 letters "
                    "or digits; ask the caller for a longer name"
                )
        except ValueProblem as exc:
            problems.append(Problem(param.name, str(exc)))
    problems.extend(
        _apply_defaults(template, values, defaults or {}, scope, locale, skip=_names(problems))
    )
    # A blank optional value is refused rather than sent: Zoho would blank the field (on an
    # update, perhaps a mandatory one). A blank mandatory one is simply asked for again.
    problems.extend(
        Problem(p.name, "is blank; send a value, or leave it out to keep what Zoho has")
        for p in template.params
        if p.name in blank and p.name not in values and not _is_required(p, values)
    )
    if not problems and _nothing_to_change(template, values):
        fields = [name for name, path in template.field_map().items() if path.startswith("body")]
        problems.append(
            Problem(None, f"nothing to change: give at least one of {', '.join(fields)}")
        )
    missing = tuple(
        p
        for p in template.params
        if p.name not in values
        and _is_required(p, values)
        and p.name not in _names(problems)
        and not _derived_later(p, template)
    )
    return Prepared(arguments=values, missing=missing, problems=tuple(problems))


def _is_word_search(template: ActionTemplate, param: Param) -> bool:
    """Whether ``param`` is the whole of Zoho's ``word`` search (a phone or email term of a
    ``search_term`` parameter is routed elsewhere and checked by its own normaliser)."""
    return param.type == "string" and template.query.get("word") == f"{{{{{param.name}}}}}"


def _nothing_to_change(template: ActionTemplate, values: Mapping[str, Any]) -> bool:
    """An update whose body would be empty: every body field is an optional one not given."""
    if template.method != "PUT" or template.body is None or _has_literal(template.body):
        return False
    body_params = [n for n, path in template.field_map().items() if path.startswith("body")]
    return bool(body_params) and not any(name in values for name in body_params)


def _has_literal(template: Any) -> bool:
    if isinstance(template, str):
        return not has_placeholder(template)
    if isinstance(template, Mapping):
        return any(_has_literal(value) for value in template.values())
    if isinstance(template, list | tuple):
        return any(_has_literal(item) for item in template)
    return template is not None


def _derived_later(param: Param, template: ActionTemplate) -> bool:
    """A value derived from another parameter that is itself still missing: asking for the
    source is enough (an event's end follows from its start)."""
    if not isinstance(param.default, DerivedDefault):
        return False
    source = template.param(param.default.source)
    return source is not None and source.required


def _names(problems: list[Problem]) -> set[str | None]:
    return {p.param for p in problems}


def _unknown(
    template: ActionTemplate, given: Mapping[str, Any], ignore: frozenset[str]
) -> list[Problem]:
    known = [p.name for p in template.params]
    problems = []
    for name in given:
        if name in known or name in ignore:
            continue
        import difflib  # only on this error path: it is slow to import

        close = difflib.get_close_matches(name[:64], known, n=1)
        suggestion = f"did you mean {close[0]!r}? " if close else ""
        problems.append(
            Problem(
                normalize.brief_name(name),
                f"{template.name} has no parameter {normalize.brief(name)}; {suggestion}"
                f"it takes: {', '.join(known) or 'nothing'}",
            )
        )
    return problems


def _is_required(param: Param, values: Mapping[str, Any]) -> bool:
    if param.required:
        return True
    if param.required_when:
        other, expected = param.required_when
        if expected == ANY_VALUE:
            return values.get(other) is not None
        return values.get(other) == expected
    return False


def _resolve(value: Any, scope: VariableScope) -> Any:
    if isinstance(value, str) and has_placeholder(value):
        return render(value, scope.lookup)
    return value


def _apply_defaults(
    template: ActionTemplate,
    values: dict[str, Any],
    overrides: Mapping[str, Any],
    scope: VariableScope,
    locale: Locale,
    skip: set[str | None],
) -> list[Problem]:
    """Fill absent parameters from defaults. Derived defaults run last: they read other values."""
    problems = []
    ordered = sorted(template.params, key=lambda p: isinstance(p.default, DerivedDefault))
    for param in ordered:
        if param.name in values or param.name in skip:
            continue
        default = overrides.get(param.name, param.default)
        if default is None:
            continue
        try:
            value = _default_value(default, values, scope, locale)
        except MissingVariable:
            continue  # e.g. no {{caller_phone}} on this call: ask for the field instead
        if value is None:
            continue
        try:
            values[param.name] = normalise(param, value, locale)
        except ValueProblem as exc:
            problems.append(Problem(param.name, f"its default {default!r} is unusable: {exc}"))
    return problems


def _default_value(
    default: Any, values: Mapping[str, Any], scope: VariableScope, locale: Locale
) -> Any:
    if isinstance(default, DerivedDefault):
        source = values.get(default.source)
        return None if source is None else normalize.shift(source, default.minutes, locale)
    return _resolve(default, scope)
