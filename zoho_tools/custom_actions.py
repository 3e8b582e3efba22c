"""Custom actions: any other Zoho CRM v7 endpoint, declared in a TOML or JSON file.

A custom action is validated straight into the :class:`~zoho_tools.templates.ActionTemplate` the
built-in actions are, so it can say everything they can and gets the same schemas, validation,
slot filling, lookups, rendering, retries and results. The file holds a list ``actions``; each has
the fields of an :class:`~zoho_tools.templates.ActionTemplate` (``name``, ``description``,
``method``, a ``path`` relative to ``/crm/v7``, optional ``query`` and ``body`` templates with
``{{variables}}``, ``fields`` ...) and ``params`` with the fields of a
:class:`~zoho_tools.templates.Param`. Example (TOML)::

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

What a parameter can say besides its type: ``required``, ``ask``, ``enum``, ``default``,
``min_length``, ``minimum`` / ``maximum``; ``required_when = ["location", "Client Address"]``
(or ``["related_id", "*"]`` for any value); ``lookup = "Accounts"`` for an id that may be given by
name (``"users"`` for a team member); a default derived from another date or datetime parameter,
``default = { source = "start", minutes = 30 }``; and ``type = "items"`` for a list of objects,
with ``item_params`` and the ``item_template`` one item renders to.

Left out, ``title`` comes from the name, ``module`` from the path, the scopes are
``ZohoCRM.modules.ALL``, and the hints from the method: GET is read-only and idempotent, PUT
idempotent, DELETE destructive, idempotent and confirmed with the caller first. Set them to
override. Errors are one line naming the file, the action and the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from zoho_tools.errors import SetupError
from zoho_tools.files import FileError, read_document
from zoho_tools.templates import NAME_PATTERN, PLACEHOLDER, ActionTemplate, DerivedDefault, Param

CUSTOM_CATEGORY = "custom"
#: What a custom action may be allowed without saying: every module, all operations.
DEFAULT_SCOPES = ("ZohoCRM.modules.ALL",)
#: A parameter name: short snake_case, as the model reads it.
PARAM_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
#: A path: no query, no fragment, nothing but plain segments and ``{{placeholders}}``.
SAFE_PATH = re.compile(r"^/[A-Za-z0-9_/{}.$-]*$")
#: What a lookup may search: a module's API name (it becomes ``/{module}/search``), or users.
LOOKUP_MODULE = re.compile(r"^(?:users|[A-Za-z][A-Za-z0-9_]*)$")
#: Fields the loader sets itself: a custom action is always in the custom category.
_SET_BY_LOADER = ("category", "custom")

_DERIVED_DEFAULT = TypeAdapter(DerivedDefault)


class CustomActionError(SetupError, ValueError):
    """A custom actions file that cannot be used; the message says where and why."""


class _FieldProblem(ValueError):
    """What is wrong with one field of one action, before the action exists."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")


class _ActionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actions: list[ActionTemplate]


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
    if isinstance(data, Mapping) and isinstance(data.get("actions"), list):
        actions = data["actions"]
        completed = []
        for index, action in enumerate(actions):
            try:
                completed.append(_complete(action))
            except _FieldProblem as exc:
                raise CustomActionError(f"{path}: {_action_name(actions, index)}: {exc}") from None
        data = {**data, "actions": completed}
    try:
        templates = _ActionsFile.model_validate(data).actions
    except ValidationError as exc:
        raise CustomActionError(f"{path}: {_describe(exc, data)}") from None
    for template in templates:
        try:
            _check(template)
        except _FieldProblem as exc:
            raise CustomActionError(f"{path}: action {template.name!r}: {exc}") from None
        _check_placeholders(path, template)
    return tuple(templates)


def _complete(action: Any) -> Any:
    """An action as the file says it, with what it leaves out filled in (see the module
    docstring), and derived defaults as :class:`DerivedDefault`. Anything but a table is left
    for validation to refuse."""
    if not isinstance(action, Mapping):
        return action
    for key in _SET_BY_LOADER:
        if key in action:
            raise _FieldProblem(
                key, f"is set by the loader (custom actions are {CUSTOM_CATEGORY!r})"
            )
    completed = dict(action)
    name, method, path = action.get("name"), action.get("method"), action.get("path")
    if isinstance(name, str):
        if not NAME_PATTERN.match(name):
            raise _FieldProblem("name", f"must match {NAME_PATTERN.pattern} (a tool name)")
        completed.setdefault("title", name.replace("_", " ").capitalize())
    if not action.get("module"):
        completed["module"] = _module_of(path) if isinstance(path, str) else None
    if isinstance(method, str):
        destructive = action.get("destructive")
        if destructive is None:
            destructive = method == "DELETE"
        completed["destructive"] = destructive
        for hint, default in (
            ("read_only", method == "GET"),
            ("idempotent", method != "POST"),
            ("confirm", destructive),
        ):
            if action.get(hint) is None:
                completed[hint] = default
    completed.setdefault("scopes", DEFAULT_SCOPES)
    completed["category"], completed["custom"] = CUSTOM_CATEGORY, True
    params = action.get("params")
    if isinstance(params, list):
        completed["params"] = [_complete_param(p, f"params.{i}") for i, p in enumerate(params)]
    return completed


def _complete_param(param: Any, where: str) -> Any:
    """A parameter whose ``default`` is a table, with that default as a :class:`DerivedDefault`
    (an item's field cannot have one: items are not read against each other); a lookup is
    checked here to name its field."""
    if not isinstance(param, Mapping):
        return param
    if param.get("lookup") is not None and param.get("type") != "id":
        raise _FieldProblem(f"{where}.lookup", 'only a param of type = "id" is looked up by name')
    items = param.get("item_params")
    for index, item in enumerate(items if isinstance(items, list) else ()):
        if isinstance(item, Mapping) and isinstance(item.get("default"), Mapping):
            raise _FieldProblem(
                f"{where}.item_params.{index}.default",
                "an item's field takes a plain default, not one derived from another",
            )
    if not isinstance(param.get("default"), Mapping):
        return param
    try:
        derived = _DERIVED_DEFAULT.validate_python(param["default"])
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        field = ".".join(str(part) for part in (f"{where}.default", *first["loc"]))
        raise _FieldProblem(
            field, f'{first["msg"]} (a derived default is {{source = "start", minutes = 30}})'
        ) from None
    return {**param, "default": derived}


def _check(template: ActionTemplate) -> None:
    """What a file must get right beyond the declaration's own rules: a safe path, parameter
    names a model can read, and references between parameters that exist."""
    if not template.description.strip():
        raise _FieldProblem("description", "must say what the action does")
    if not SAFE_PATH.match(template.path) or ".." in template.path:
        raise _FieldProblem(
            "path",
            "must start with '/' and hold only letters, digits, _ - . $ and {{params}}, no '..'",
        )
    params = {p.name: p for p in template.params}
    for index, param in enumerate(template.params):
        where = f"params.{index}"
        for item_index, item in enumerate(param.item_params):
            _check_name(f"{where}.item_params.{item_index}", item)
        _check_name(where, param)
        if param.type == "items" and (not param.item_params or param.item_template is None):
            raise _FieldProblem(where, "a list of items needs item_params and an item_template")
        if param.required_when is not None and param.required_when[0] not in params:
            raise _FieldProblem(
                f"{where}.required_when", f"{param.required_when[0]!r} is not one of its params"
            )
        if param.lookup is not None and not LOOKUP_MODULE.match(param.lookup):
            raise _FieldProblem(
                f"{where}.lookup", "must be a module's API name (such as Accounts) or users"
            )
        if isinstance(param.default, DerivedDefault):
            source = params.get(param.default.source)
            if source is None or source.type not in ("date", "datetime"):
                raise _FieldProblem(
                    f"{where}.default.source",
                    f"{param.default.source!r} must be a date or datetime param of the action",
                )


def _check_name(where: str, param: Param) -> None:
    if not PARAM_NAME.match(param.name):
        raise _FieldProblem(
            f"{where}.name", f"{param.name!r} must be snake_case: a-z, 0-9 and _, up to 40"
        )


def _module_of(path: str) -> str | None:
    first = path.strip("/").split("/", 1)[0]
    return first if first and not PLACEHOLDER.search(first) and first[0].isupper() else None


def _check_placeholders(path: Path, template: ActionTemplate) -> None:
    params = {p.name for p in template.params}
    for name in template.path_placeholders:
        if name not in params:
            raise CustomActionError(
                f"{path}: action {template.name!r}: path placeholder {{{{{name}}}}} is not one "
                "of its params (only a param of type id, or a module name, can fill a path)"
            )


def _describe(exc: ValidationError, data: Any) -> str:
    """Pydantic's errors in one line: each with its action and field."""
    problems = []
    for error in exc.errors(include_input=False, include_url=False):
        location = list(error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        where = ".".join(str(part) for part in location)
        if len(location) >= 2 and location[0] == "actions" and isinstance(location[1], int):
            where = _action_name(data["actions"], location[1])
            if len(location) > 2:
                where = f"{where}: " + ".".join(str(part) for part in location[2:])
        problems.append(f"{where}: {message}")
    return "; ".join(problems)


def _action_name(actions: list[Any], index: int) -> str:
    """``action 'name'`` for the action at ``index``, or ``action #index`` if it has no name."""
    action = actions[index]
    name = action.get("name") if isinstance(action, Mapping) else None
    return f"action {name!r}" if isinstance(name, str) else f"action #{index}"
