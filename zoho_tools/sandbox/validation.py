"""The one validation path for every record write (insert, update, seed data, notes...).

:func:`prepare_write` checks one record of a batch and returns what to store, or raises the
:class:`~zoho_tools.sandbox.errors.RecordError` Zoho would put at that record's index. Order of
checks (Zoho reports one error per record; the first found wins):

1. the record must be a JSON object;
2. mandatory fields (layout order), ``MANDATORY_NOT_FOUND`` with ``api_name`` and ``json_path``;
3. each field sent, in the order sent, by data type (:mod:`~zoho_tools.sandbox.fieldtypes`);
4. defaults on insert (Owner = the acting user, picklist defaults, booleans false);
5. module rules (:mod:`~zoho_tools.sandbox.rules`);
6. unique fields, ``DUPLICATE_DATA``.

Unknown field API names and read-only fields (``Created_Time``, ``Full_Name``...) are ignored
silently, as Zoho does for keys that are not fields of the module ([UNVERIFIED]: Zoho documents
no error for them, and clients observe none). The sandbox records their JSON paths in the
request log (``LoggedRequest.ignored_fields``) so tests can still catch a misspelt field.
Keys starting with ``$`` (``$se_module``, ``$append_values``...), ``id`` and ``se_module`` are
control keys, not fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zoho_tools.sandbox import errors
from zoho_tools.sandbox.errors import RecordError
from zoho_tools.sandbox.fieldtypes import NORMALIZERS, WriteContext, is_missing
from zoho_tools.sandbox.metadata import BOOLEAN, Field, ModuleDefinition
from zoho_tools.sandbox.rules import RuleInput, apply_rules

_CONTROL_KEYS = frozenset({"id", "se_module"})


def prepare_write(
    module: ModuleDefinition,
    raw: Any,
    index: int,
    ctx: WriteContext,
    existing: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Validate record ``index`` of a write; return the values to store (the changes).

    ``existing`` is the stored record for an update, None for an insert.
    """
    path = f"$.data[{index}]"
    module = ctx.org.customised(module)  # the org's own picklist values
    if not isinstance(raw, dict):
        raise RecordError(
            "INVALID_DATA", "invalid data", {"expected_data_type": "jsonobject", "json_path": path}
        )
    current: Mapping[str, Any] = existing or {}
    insert = existing is None
    _check_mandatory(module, raw, current, path, insert)
    changes = _normalize_fields(module, raw, current, path, ctx)
    if insert:
        _apply_defaults(module, changes, ctx)
    merged = {**current, **changes}
    apply_rules(module.api_name, RuleInput(merged, changes, raw, path, ctx, insert))
    _check_unique(module, changes, path, ctx, current.get("id"))
    return changes


def _required(f: Field, effective: Mapping[str, Any]) -> bool:
    if f.required_if is not None:
        other, value = f.required_if
        return bool(effective.get(other) == value)
    if f.optional_if is not None:
        other, value = f.optional_if
        if effective.get(other) == value:
            return False
    return f.mandatory


def _check_mandatory(
    module: ModuleDefinition,
    raw: Mapping[str, Any],
    current: Mapping[str, Any],
    path: str,
    insert: bool,
) -> None:
    effective = {**current, **raw}
    for f in module.fields:
        if f.read_only or not _required(f, effective):
            continue
        if insert:
            absent = is_missing(raw.get(f.api_name))
        else:
            # On update only what this write touches can become missing.
            condition = (f.required_if or f.optional_if or ("",))[0]
            touched = f.api_name in raw or condition in raw
            absent = touched and is_missing(effective.get(f.api_name))
        if absent:
            raise errors.mandatory_not_found(f.api_name, f"{path}.{f.api_name}")


def _normalize_fields(
    module: ModuleDefinition,
    raw: Mapping[str, Any],
    current: Mapping[str, Any],
    path: str,
    ctx: WriteContext,
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for key, value in raw.items():
        f = module.field(key)
        if f is None or f.read_only:
            if key not in _CONTROL_KEYS and not key.startswith("$"):
                ctx.ignored.append(f"{path}.{key}")
            continue
        field_path = f"{path}.{key}"
        if is_missing(value):
            changes[key] = None
        else:
            changes[key] = NORMALIZERS[f.data_type](
                f, value, field_path, raw, ctx, current.get(key)
            )
        if f.se_module:
            changes["$se_module"] = None if changes[key] is None else raw.get("$se_module")
    return changes


def _apply_defaults(module: ModuleDefinition, changes: dict[str, Any], ctx: WriteContext) -> None:
    owner = module.field("Owner")
    if owner is not None and not owner.mandatory and changes.get("Owner") is None:
        changes["Owner"] = ctx.user_id
    for f in module.fields:
        if changes.get(f.api_name) is not None:
            continue
        if f.default is not None:
            changes[f.api_name] = f.default
        elif f.data_type == BOOLEAN and not f.read_only:
            changes[f.api_name] = False  # Zoho's checkboxes are never null


def _check_unique(
    module: ModuleDefinition,
    changes: Mapping[str, Any],
    path: str,
    ctx: WriteContext,
    record_id: Any,
) -> None:
    for f in module.fields:
        value = changes.get(f.api_name)
        if not f.unique or value is None:
            continue
        wanted = str(value).casefold()
        for other_id, other in ctx.org.records(module.api_name).items():
            if other_id != record_id and str(other.get(f.api_name, "")).casefold() == wanted:
                raise _duplicate(module, f, f"{path}.{f.api_name}", other, ctx)


def _duplicate(
    module: ModuleDefinition, f: Field, json_path: str, other: Mapping[str, Any], ctx: WriteContext
) -> RecordError:
    module_ref = {"api_name": module.api_name, "id": module.id}
    owner = ctx.org.user(str(other.get("Owner"))) or {}
    return RecordError(
        "DUPLICATE_DATA",
        "duplicate data",
        {
            "api_name": f.api_name,
            "json_path": json_path,
            "id": other["id"],
            "module": module_ref,
            "more_records": False,
            "duplicate_record": {
                "id": other["id"],
                "module": module_ref,
                "Owner": {"name": owner.get("full_name"), "id": owner.get("id")},
            },
        },
    )
