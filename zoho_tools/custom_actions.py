"""Custom actions: any other Zoho CRM v7 endpoint, declared in a TOML or JSON file.

A custom action loads into the same :class:`~zoho_tools.templates.ActionTemplate` as the built-in
ones, so it gets the same schemas, validation, slot filling, rendering, retries and results.
The file holds a list ``actions``; each action has a ``name``, a ``description``, a ``method``, a
``path`` relative to ``/crm/v7``, optional ``query`` and ``body`` templates with ``{{variables}}``
and ``params``. Example (TOML)::

    [[actions]]
    name = "find_contact_by_email"
    description = "Find a contact by email address."
    method = "GET"
    path = "/Contacts/search"
    query = { email = "{{email}}" }
    fields = ["Full_Name", "Email", "Phone"]

    [[actions.params]]
    name = "email"
    type = "email"
    required = true
    ask = "What's your email address?"

Hints default from the method: GET is read-only and idempotent, PUT idempotent, DELETE
destructive, idempotent and confirmed with the caller first. Set them explicitly to override.
Errors name the file, the action and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from zoho_tools.errors import SetupError
from zoho_tools.files import FileError, read_document
from zoho_tools.templates import (
    NAME_PATTERN,
    PLACEHOLDER,
    ActionTemplate,
    HttpMethod,
    Param,
    ParamType,
)

CUSTOM_CATEGORY = "custom"


class CustomActionError(SetupError, ValueError):
    """A custom actions file that cannot be used; the message says where and why."""


class _ParamSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    type: ParamType = "string"
    description: str = ""
    required: bool = False
    ask: str | None = None
    enum: list[str] = Field(default_factory=list)
    default: Any = None
    min_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None

    def to_param(self) -> Param:
        return Param(
            name=self.name,
            type=self.type,
            description=self.description,
            required=self.required,
            ask=self.ask,
            enum=tuple(self.enum),
            default=self.default,
            min_length=self.min_length,
            minimum=self.minimum,
            maximum=self.maximum,
        )


class _ActionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=NAME_PATTERN.pattern)
    title: str | None = None
    description: str = Field(min_length=1)
    method: HttpMethod
    path: str = Field(pattern=r"^/[A-Za-z0-9_/{}.$-]*$")
    module: str | None = None
    query: dict[str, Any] = Field(default_factory=dict)
    body: Any = None
    params: list[_ParamSpec] = Field(default_factory=list)
    read_only: bool | None = None
    destructive: bool | None = None
    idempotent: bool | None = None
    confirm: bool | None = None
    scopes: list[str] = Field(default_factory=lambda: ["ZohoCRM.modules.ALL"])
    records_key: str = "data"
    fields: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _path_is_safe(self) -> _ActionSpec:
        if ".." in self.path:
            raise ValueError("path must not contain '..'")
        return self

    def to_template(self) -> ActionTemplate:
        method: Literal["GET", "POST", "PUT", "DELETE"] = self.method
        destructive = self.destructive if self.destructive is not None else method == "DELETE"
        return ActionTemplate(
            name=self.name,
            title=self.title or self.name.replace("_", " ").capitalize(),
            description=self.description,
            category=CUSTOM_CATEGORY,
            module=self.module or _module_of(self.path),
            method=method,
            path=self.path,
            params=tuple(p.to_param() for p in self.params),
            query=self.query,
            body=self.body,
            read_only=self.read_only if self.read_only is not None else method == "GET",
            destructive=destructive,
            idempotent=self.idempotent if self.idempotent is not None else method != "POST",
            confirm=self.confirm if self.confirm is not None else destructive,
            scopes=tuple(self.scopes),
            records_key=self.records_key,
            fields=tuple(self.fields),
            custom=True,
        )


class _ActionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actions: list[_ActionSpec]


def _module_of(path: str) -> str | None:
    first = path.strip("/").split("/", 1)[0]
    return first if first and not PLACEHOLDER.search(first) and first[0].isupper() else None


def load_custom_actions(path: str | Path) -> tuple[ActionTemplate, ...]:
    """Read custom actions from a ``.toml`` or ``.json`` file.

    Raises :class:`CustomActionError` with the file, the action and the field for anything
    malformed, including a path placeholder that no parameter fills.
    """
    path = Path(path)
    try:
        data = read_document(path, accept=(".toml", ".json"))
    except FileError as exc:
        raise CustomActionError(str(exc)) from None
    try:
        specs = _ActionsFile.model_validate(data).actions
    except ValidationError as exc:
        raise CustomActionError(f"{path}: {_describe(exc, data)}") from None
    templates = []
    for spec in specs:
        try:
            template = spec.to_template()
        except ValueError as exc:
            raise CustomActionError(f"{path}: action {spec.name!r}: {exc}") from None
        _check_placeholders(path, template)
        templates.append(template)
    return tuple(templates)


def _check_placeholders(path: Path, template: ActionTemplate) -> None:
    params = {p.name for p in template.params}
    for name in template.path_placeholders:
        if name not in params:
            raise CustomActionError(
                f"{path}: action {template.name!r}: path placeholder {{{{{name}}}}} is not one "
                "of its params (only a param of type id, or a module name, can fill a path)"
            )


def _describe(exc: ValidationError, data: Any) -> str:
    problems = []
    for error in exc.errors(include_input=False, include_url=False):
        location = list(error["loc"])
        where = ".".join(str(part) for part in location)
        if len(location) >= 2 and location[0] == "actions" and isinstance(location[1], int):
            try:
                name = data["actions"][location[1]].get("name", f"#{location[1]}")
            except (KeyError, IndexError, TypeError, AttributeError):
                name = f"#{location[1]}"
            where = f"action {name!r}: " + ".".join(str(part) for part in location[2:])
        problems.append(f"{where}: {error['msg']}")
    return "; ".join(problems)
