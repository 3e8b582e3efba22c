"""From an action template and its (validated) arguments to the exact request Zoho receives.

Rendering is pure: the same template, arguments and scope give the same request. The rules for
``{{placeholders}}`` are those of :mod:`zoho_tools.variables`, plus these, which protect Zoho's URL:

- a value substituted into the path must be a record id (digits) or a Zoho module API name, and
  is percent-encoded anyway; anything else raises :class:`UnsafeRequest`;
- query values become text (lists comma-joined, booleans ``true``/``false``);
- a ``search_term`` parameter placed at the ``word`` key of a query moves to Zoho's ``phone`` or
  ``email`` parameter when the term is a phone number or an email address;
- a ``word`` search shorter than 2 characters is refused, as Zoho would refuse it;
- every value interpolated into a ``criteria`` query is escaped as Zoho requires (a backslash
  before ``(``, ``)``, ``,`` and ``\\``), so a value can never close a condition and open another.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from zoho_tools.errors import RequestBuildError
from zoho_tools.normalize import brief, search_kind, searchable
from zoho_tools.templates import PLACEHOLDER, ActionTemplate, Param
from zoho_tools.variables import MissingVariable, VariableScope, render
from zoho_tools.zoho import MODULES, is_record_id


class UnsafeRequest(RequestBuildError, ValueError):
    """A request that must not be sent: a value that would change which endpoint is called (a
    path segment that is not an id or module), or a search Zoho would refuse. ``hint`` says what
    to send instead."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True, slots=True)
class ActionRequest:
    """An action with validated, normalised arguments, ready to render and send. ``page`` is
    the page of results asked for, from 1, and ``per_page`` its size when not the action's own
    (see :mod:`zoho_tools.paging`)."""

    template: ActionTemplate
    arguments: Mapping[str, Any] = field(default_factory=dict)
    scope: VariableScope = field(default_factory=VariableScope)
    page: int = 1
    per_page: int | None = None


@dataclass(frozen=True, slots=True)
class RenderedRequest:
    """A request ready to send: ``path`` is relative to ``{api_domain}/crm/v7``."""

    method: str
    path: str
    query: dict[str, str]
    json: Any | None

    def describe(self) -> str:
        """``GET /Contacts/search?word=John``: a short line for transcripts and logs."""
        from urllib.parse import urlencode

        query = f"?{urlencode(self.query)}" if self.query else ""
        return f"{self.method} {self.path}{query}"


def render_request(
    template: ActionTemplate,
    arguments: Mapping[str, Any],
    scope: VariableScope | None = None,
    *,
    page: int = 1,
    per_page: int | None = None,
) -> RenderedRequest:
    """Render ``template`` with ``arguments`` (already validated and normalised); a ``page``
    after the first and a ``per_page`` go to Zoho's query parameters of those names.

    Raises :class:`~zoho_tools.variables.MissingVariable` when a template refers to a call
    variable or result that does not exist, and :class:`UnsafeRequest` for unsafe path values.
    """
    scope = scope or VariableScope()
    params = {p.name: p for p in template.params}

    def resolve(name: str) -> Any:
        if name in params:
            if arguments.get(name) is None:
                raise MissingVariable(name, f"parameter {name!r} has no value")
            return _param_value(params[name], arguments[name], scope)
        return scope.lookup(name)

    def omittable(name: str) -> bool:
        return name in params

    path = _render_path(template.path, resolve)
    query = _render_query(template, resolve, omittable, params)
    if page > 1:
        query["page"] = str(page)
    if per_page is not None:
        query["per_page"] = str(per_page)
    body = None if template.body is None else render(template.body, resolve, omittable=omittable)
    return RenderedRequest(method=template.method, path=path, query=query, json=body)


def _param_value(param: Param, value: Any, scope: VariableScope) -> Any:
    if param.type != "items" or param.item_template is None:
        return value
    item_params = {p.name: p for p in param.item_params}
    rendered = []
    for item in value:

        def resolve_item(name: str, item: Mapping[str, Any] = item) -> Any:
            if name in item_params:
                if item.get(name) is None:
                    raise MissingVariable(name, f"item field {name!r} has no value")
                return item[name]
            return scope.lookup(name)

        rendered.append(
            render(param.item_template, resolve_item, omittable=lambda n: n in item_params)
        )
    return rendered


def _render_path(path: str, resolve: Any) -> str:
    def substitute(match: Any) -> str:
        value = resolve(match.group(1))
        if not (is_record_id(value) or (isinstance(value, str) and value in MODULES)):
            raise UnsafeRequest(
                f"{brief(value)} cannot go into the request path: only record ids (digits) "
                "and Zoho module names can",
                "Send a record id (digits) from a search result.",
            )
        return quote(value, safe="")

    return PLACEHOLDER.sub(substitute, path)


def _render_query(
    template: ActionTemplate,
    resolve: Any,
    omittable: Any,
    params: Mapping[str, Param],
) -> dict[str, str]:
    def resolve_escaped(name: str) -> Any:
        value = resolve(name)
        return escape_criteria(value) if isinstance(value, str) else value

    rendered: dict[str, Any] = {}
    for key, value in template.query.items():
        value = render(
            value, resolve_escaped if key == "criteria" else resolve, omittable=omittable
        )
        if value is not None:
            rendered[key] = value
    query = {key: _query_text(value) for key, value in rendered.items()}
    if "word" in query and not searchable(query["word"]):
        # Zoho answers INVALID_DATA; refusing here saves the caller a round trip.
        raise UnsafeRequest(
            f"the search term {brief(query['word'])} is too short: Zoho needs at least 2 "
            "letters or digits",
            "Ask the caller for a longer name, or a phone number or email.",
        )
    word = template.query.get("word")
    whole = PLACEHOLDER.fullmatch(word) if isinstance(word, str) else None
    if whole and "word" in query:
        param = params.get(whole.group(1))
        if param is not None and param.type == "search_term":
            kind = search_kind(query["word"])
            if kind != "word":
                query[kind] = query.pop("word")
    return query


def escape_criteria(value: str) -> str:
    """Escape a value for Zoho's search ``criteria``: ``\\``, ``(``, ``)`` and ``,``."""
    for char in ("\\", "(", ")", ","):
        value = value.replace(char, f"\\{char}")
    return value


def _query_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(_query_text(item) for item in value)
    return str(value)
