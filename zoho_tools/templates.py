"""The declaration of an action: one :class:`ActionTemplate` per Zoho CRM operation.

An action template says everything the rest of the package needs, once:

- what the model sees: ``name``, ``description`` and the LLM-facing :class:`Param` list (short
  snake_case names, types, formats, enums, which values Zoho requires and the question to ask a
  caller for each, defaults);
- what Zoho receives: ``method``, a v7 ``path``, a ``query`` and a JSON ``body`` template;
- what the action may do: read-only / destructive / idempotent hints, the OAuth ``scopes`` it needs.

Templates (``path``, ``query``, ``body``) are plain JSON-like values in which ``{{name}}`` refers
to a parameter, a call variable (``{{caller_phone}}``, ``{{call_id}}``, ``{{employee_id}}``) or a
field of an earlier action's result (``{{search_contact.id}}``); :mod:`zoho_tools.variables` has
the rules. Built-in and custom actions are the same type and go through the same validation,
rendering and result handling.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

#: The types a parameter can have. What each one means (its JSON Schema, its words, how a value is
#: normalised) is :data:`zoho_tools.param_types.PARAM_TYPES`, which covers exactly these.
ParamType = Literal[
    "string",  # short text
    "text",  # long text (descriptions, note bodies)
    "integer",
    "number",
    "boolean",
    "date",  # Zoho Date: yyyy-MM-dd
    "datetime",  # Zoho DateTime: ISO 8601 with offset
    "duration",  # Zoho call duration: mm:ss
    "phone",  # normalised to E.164
    "email",
    "id",  # a Zoho record id: a string of digits
    "search_term",  # a name, a phone number or an email; routed to Zoho's word/phone/email search
    "items",  # a list of objects (line items), each described by Param.item_params
]
HttpMethod = Literal["GET", "POST", "PUT", "DELETE"]

#: Tool names every provider accepts (OpenAI, Anthropic, MCP, voice platforms).
NAME_PATTERN = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
#: The argument with which the model confirms an action marked ``confirm`` (after the caller
#: agreed to the read-back); every schema of such an action carries it.
CONFIRMED = "confirmed"
#: In ``Param.required_when``: required whenever the other parameter has any value.
ANY_VALUE = "*"
#: A ``{{...}}`` placeholder: a parameter, a call variable or ``action.dotted.path``.
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_$]+)*)\s*\}\}")


@dataclass(frozen=True, kw_only=True, slots=True)
class DerivedDefault:
    """A default computed from another parameter's value: ``source`` shifted by ``minutes``.

    Used where Zoho's natural default depends on the call, e.g. an event's reminder 15 minutes
    before its start. Only date and datetime sources are supported.
    """

    source: str
    minutes: int

    def describe(self) -> str:
        sign = "+" if self.minutes >= 0 else "-"
        return f"{self.source} {sign} {abs(self.minutes)} min"


@dataclass(frozen=True, kw_only=True, slots=True)
class Param:
    """One LLM-facing parameter of an action.

    ``required`` means Zoho cannot take the request without a value (after defaults). A required
    parameter with an ``ask`` question is something to ask the caller; one without (a record id) is
    something the model must look up itself, usually with a search action.
    """

    name: str
    type: ParamType = "string"
    description: str = ""
    required: bool = False
    ask: str | None = None
    enum: tuple[str, ...] = ()
    #: A literal value, a string with ``{{variables}}``, or a :class:`DerivedDefault`.
    default: Any = None
    min_length: int | None = None
    #: For numbers: the range Zoho accepts (a reminder of 0-60 minutes, a quantity above 0).
    minimum: float | None = None
    maximum: float | None = None
    #: Required only when another parameter has a given value: ``("location", "Client Address")``,
    #: or any value: ``("related_id", ANY_VALUE)``.
    required_when: tuple[str, str] | None = None
    #: For ``type="items"``: the fields of one item, and the JSON template one item renders to.
    item_params: tuple[Param, ...] = ()
    item_template: Mapping[str, Any] | None = None
    #: For a record id that may also be given by name (``account``: an id or "Acme Corp"): the
    #: module searched for the name (a Zoho module API name, or ``"users"`` for a team member by
    #: name or email). A name never reaches Zoho itself: before sending, the agent loop looks it
    #: up (:mod:`zoho_tools.names`); one match is used, several become a question to the caller
    #: with the choices, none is a clear answer.
    lookup: str | None = None

    @property
    def has_default(self) -> bool:
        return self.default is not None

    def item_param(self, name: str) -> Param | None:
        return next((p for p in self.item_params if p.name == name), None)


@dataclass(frozen=True, kw_only=True, slots=True)
class ActionTemplate:
    """A Zoho CRM action, declared once; schemas, requests and permissions derive from it.

    ``path`` is relative to ``{api_domain}/crm/v7`` and may hold ``{{placeholders}}``; whatever is
    substituted into a path must be a record id (digits) or a Zoho module API name, so nothing a
    model or caller says can change which endpoint is called. ``records_key`` names the key of
    Zoho's answer that holds the records (``data``, ``users``, ``tags``), and ``fields`` the record
    fields worth showing the model (everything else is trimmed from results).
    """

    name: str
    title: str
    description: str
    category: str
    module: str | None
    method: HttpMethod
    path: str
    params: tuple[Param, ...] = ()
    query: Mapping[str, Any] = field(default_factory=dict)
    body: Any = None
    read_only: bool = False
    destructive: bool = False
    idempotent: bool = False
    #: Whether the model must read the action back to the caller and repeat it with confirmation.
    confirm: bool = False
    scopes: tuple[str, ...] = ()
    records_key: str = "data"
    fields: tuple[str, ...] = ()
    custom: bool = False
    _field_map: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not NAME_PATTERN.match(self.name):
            raise ValueError(f"action name {self.name!r} must match {NAME_PATTERN.pattern}")
        names = [p.name for p in self.params]
        if len(names) != len(set(names)):
            raise ValueError(f"action {self.name!r} declares a parameter twice")
        if self.read_only and self.destructive:
            raise ValueError(f"action {self.name!r} cannot be both read-only and destructive")
        for param in self.params:
            if param.lookup is not None and param.type != "id":
                raise ValueError(f"{self.name}.{param.name}: only an id is looked up by name")
        # Frozen, so the derived map is stored once here rather than recomputed per result.
        object.__setattr__(self, "_field_map", self._derive_field_map())

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    @property
    def required_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.required)

    @property
    def path_placeholders(self) -> tuple[str, ...]:
        return tuple(PLACEHOLDER.findall(self.path))

    def field_map(self) -> dict[str, str]:
        """Which Zoho field (a JSON path into the body or query) each parameter fills.

        Derived from the templates, so it can never disagree with what is sent. Parameters used
        only in the path map to ``path``.
        """
        return dict(self._field_map)

    def _derive_field_map(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for location, value in (("query", self.query), ("body", self.body)):
            for json_path, name in placeholders_in(value, location):
                found.setdefault(name, json_path)
        for name in self.path_placeholders:
            found.setdefault(name, "path")
        return {p.name: found[p.name] for p in self.params if p.name in found}


def placeholders_in(value: Any, json_path: str) -> Iterator[tuple[str, str]]:
    """Yield ``(json_path, placeholder)`` for every ``{{placeholder}}`` inside a template."""
    if isinstance(value, str):
        for name in PLACEHOLDER.findall(value):
            yield json_path, name
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from placeholders_in(item, f"{json_path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from placeholders_in(item, f"{json_path}[{index}]")
