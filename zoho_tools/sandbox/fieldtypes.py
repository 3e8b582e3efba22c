"""Per-data-type checks and normalisation of one field value in a record write.

Each normaliser takes the field, the value sent (never None or empty: those are handled by
the caller), its JSON path, the whole record as sent, the write context and the currently
stored value, and returns the value to store or raises a :class:`RecordError`.

Decisions where Zoho is not documented ([UNVERIFIED] in the reference):

- Numbers may be sent as JSON numbers or numeric strings ("12.5"); booleans must be JSON
  booleans. Text fields accept strings and numbers (stored as text).
- Lookups must be ``{"id": "..."}`` objects (a bare id is ``INVALID_DATA`` with
  ``expected_data_type: jsonobject``; an object without an id is ``MANDATORY_NOT_FOUND`` for
  ``<Field>.id``). Ids may be strings or integers. Owner fields (``ownerlookup``) also accept a
  bare user id, as the Appointments documentation shows ``"Owner": "<user id>"``.
- ``What_Id`` needs ``$se_module`` naming one of its modules (missing:
  ``MANDATORY_NOT_FOUND`` for ``$se_module``).
- Notes' ``Parent_Id`` takes the v7 object form ``{"module": {"api_name"|"id"}, "id"}`` or the
  older ``"Parent_Id": "<id>"`` with ``"se_module"`` (or ``"$se_module"``) beside it.
- ``Call_Duration`` is minutes and seconds, ``m:ss`` or ``mm:ss`` (minutes may exceed 59),
  stored zero-padded; a bad format is ``INVALID_DATA`` with ``expected_format: "mm:ss"``.
- Phone values may contain digits, spaces, ``+ ( ) - . /`` and an ``x``/``ext`` extension.
- Line items (Quotes' ``Quoted_Items``) follow Zoho's subform rules on update: an item with an
  ``id`` updates that item, one with ``"_delete"`` removes it, one without ``id`` is added,
  items not mentioned stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from zoho_tools.sandbox import errors, metadata
from zoho_tools.sandbox.data import OrgData
from zoho_tools.sandbox.errors import RecordError
from zoho_tools.sandbox.metadata import Field
from zoho_tools.sandbox.timefmt import parse_date, parse_datetime, to_storage


@dataclass
class WriteContext:
    """What a write needs besides the record: the org, the acting user, the time."""

    org: OrgData
    user_id: str
    now: datetime
    ignored: list[str] = field(default_factory=list)  # JSON paths of keys Zoho would drop


Normalizer = Callable[[Field, Any, str, Mapping[str, Any], WriteContext, Any], Any]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z0-9-]{2,}")
_PHONE = re.compile(r"[+(]?[0-9(][0-9 ()\-./]*(?:\s*(?:x|ext\.?)\s*[0-9]+)?", re.IGNORECASE)
_DURATION = re.compile(r"(\d{1,3}):([0-5]\d)")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_INT32 = 2**31 - 1

_REFERENCE_MESSAGES = {"Parent_Id": "the related id given seems to be invalid"}
_PARTICIPANT_MODULES = {"contact": "Contacts", "lead": "Leads"}
_MAX_PARTICIPANTS = 50


def is_missing(value: Any) -> bool:
    """Zoho treats null, "" and empty containers as "not given" for mandatory fields."""
    return value is None or value == "" or value == [] or value == {}


def as_number(value: Any) -> int | float | None:
    """A JSON number or numeric string as a number; None for anything else (booleans too)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        text = value.strip()
        return float(text) if "." in text else int(text)
    return None


def duration_seconds(value: str) -> int:
    """Seconds in a stored ``mm:ss`` duration."""
    minutes, seconds = value.split(":")
    return int(minutes) * 60 + int(seconds)


def parent_path(path: str) -> str:
    return path.rsplit(".", 1)[0]


# --- scalar types -----------------------------------------------------------------------------


def _text(
    f: Field, value: Any, path: str, raw: Mapping[str, Any], ctx: WriteContext, cur: Any
) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise errors.invalid_type(f.api_name, path, "string")
    text = value if isinstance(value, str) else str(value)
    if f.length is not None and len(text) > f.length:
        raise errors.too_long(f.api_name, path, f.length)
    if f.duration:
        match = _DURATION.fullmatch(text.strip())
        if match is None:
            raise RecordError(
                "INVALID_DATA",
                "invalid data",
                {"api_name": f.api_name, "json_path": path, "expected_format": "mm:ss"},
            )
        return f"{int(match[1]):02d}:{match[2]}"
    return text


def _pattern(regex: re.Pattern[str], expected: str) -> Normalizer:
    def check(
        f: Field, value: Any, path: str, raw: Mapping[str, Any], ctx: WriteContext, cur: Any
    ) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and expected == "phone":
            value = str(value)
        if not isinstance(value, str) or not regex.fullmatch(value.strip()):
            raise errors.invalid_type(f.api_name, path, expected)
        if f.length is not None and len(value) > f.length:
            raise errors.too_long(f.api_name, path, f.length)
        return value.strip()

    return check


def _picklist(
    f: Field, value: Any, path: str, raw: Mapping[str, Any], ctx: WriteContext, cur: Any
) -> Any:
    if not isinstance(value, str) or value not in f.picklist:
        raise errors.invalid_type(f.api_name, path, "picklist")
    return None if value == metadata.NONE_VALUE else value


def _integer(
    f: Field, value: Any, path: str, raw: Mapping[str, Any], ctx: WriteContext, cur: Any
) -> Any:
    number = as_number(value)
    if number is None or number != int(number) or abs(number) > _INT32:
        raise errors.invalid_type(f.api_name, path, "integer")
    return int(number)


def _decimal(
    f: Field, value: Any, path: str, raw: Mapping[str, Any], ctx: WriteContext, cur: Any
) -> Any:
    number = as_number(value)
    if number is None:
        raise errors.invalid_type(f.api_name, path, f.data_type)
    return round(float(number), 2) if f.data_type == metadata.CURRENCY else float(number)


def _boolean(
    f: Field, value: Any, path: str, raw: Mapping[str, Any], ctx: WriteContext, cur: Any
) -> Any:
    if not isinstance(value, bool):
        raise errors.invalid_type(f.api_name, path, "boolean")
    return value


def _date(
    f: Field, value: Any, path: str, raw: Mapping[str, Any], ctx: WriteContext, cur: Any
) -> Any:
    if not isinstance(value, str) or parse_date(value) is None:
        raise errors.invalid_type(f.api_name, path, "date")
    return value


def _datetime(
    f: Field, value: Any, path: str, raw: Mapping[str, Any], ctx: WriteContext, cur: Any
) -> Any:
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        raise errors.invalid_type(f.api_name, path, "datetime")
    return to_storage(moment)


def _free_json(
    f: Field, value: Any, path: str, raw: Mapping[str, Any], ctx: WriteContext, cur: Any
) -> Any:
    # ALARM / RRULE objects are stored as sent: the sandbox does not run reminders.
    if not isinstance(value, dict | str):
        raise errors.invalid_type(f.api_name, path, "jsonobject")
    return value


# --- references -------------------------------------------------------------------------------


def reference_id(value: Any, api_name: str, path: str, *, bare_ok: bool = False) -> str:
    """The id in a ``{"id": ...}`` object (or a bare id when ``bare_ok``)."""
    if bare_ok and _is_id(value):
        return str(value).strip()
    if not isinstance(value, dict):
        raise errors.invalid_type(api_name, path, "jsonobject")
    record_id = value.get("id")
    if not _is_id(record_id):
        raise errors.mandatory_not_found(f"{api_name}.id", f"{path}.id")
    return str(record_id).strip()


def _is_id(value: Any) -> bool:
    return (isinstance(value, str) and value.strip() != "") or (
        isinstance(value, int) and not isinstance(value, bool)
    )


def _lookup(
    f: Field, value: Any, path: str, raw: Mapping[str, Any], ctx: WriteContext, cur: Any
) -> Any:
    record_id = reference_id(value, f.api_name, path)
    targets = f.targets
    if f.se_module:
        se_path = f"{parent_path(path)}.$se_module"
        se_module = raw.get("$se_module")
        if is_missing(se_module):
            raise errors.mandatory_not_found("$se_module", se_path)
        if se_module not in targets:
            raise errors.invalid_value("$se_module", se_path)
        targets = (se_module,)
    if ctx.org.find(record_id, targets) is None:
        raise errors.invalid_reference(f.api_name, path, record_id)
    return record_id


def _user_id(value: Any, api_name: str, path: str, ctx: WriteContext) -> str:
    user_id = reference_id(value, api_name, path, bare_ok=True)
    if ctx.org.active_user(user_id) is None:
        raise errors.invalid_reference(api_name, path, user_id)
    return user_id


def _owner(
    f: Field, value: Any, path: str, raw: Mapping[str, Any], ctx: WriteContext, cur: Any
) -> Any:
    return _user_id(value, f.api_name, path, ctx)


def _users(
    f: Field, value: Any, path: str, raw: Mapping[str, Any], ctx: WriteContext, cur: Any
) -> Any:
    if not isinstance(value, list):
        raise errors.invalid_type(f.api_name, path, "jsonarray")
    ids = [_user_id(item, f.api_name, f"{path}[{i}]", ctx) for i, item in enumerate(value)]
    return list(dict.fromkeys(ids))


def _multi_module(
    f: Field, value: Any, path: str, raw: Mapping[str, Any], ctx: WriteContext, cur: Any
) -> Any:
    if isinstance(value, dict):
        record_id = reference_id(value, f.api_name, path)
        module_name = _module_of(value.get("module"), f, path, raw)
    elif _is_id(value):
        record_id = str(value).strip()
        module_name = _legacy_se_module(f, path, raw)
    else:
        raise errors.invalid_type(f.api_name, path, "jsonobject")
    module = metadata.find_module(module_name)
    if module is None or module.api_name not in f.targets:
        raise errors.invalid_value(
            f.api_name, f"{path}.module", "the module name given seems to be invalid"
        )
    if ctx.org.get(module.api_name, record_id) is None:
        message = _REFERENCE_MESSAGES.get(f.api_name, "the id given seems to be invalid")
        raise errors.invalid_reference(f.api_name, path, record_id, message)
    return {"module": module.api_name, "id": record_id}


def _module_of(spec: Any, f: Field, path: str, raw: Mapping[str, Any]) -> str:
    if spec is None:
        return _legacy_se_module(f, path, raw)
    if isinstance(spec, str):
        return spec
    if not isinstance(spec, dict):
        raise errors.invalid_type(f.api_name, f"{path}.module", "jsonobject")
    if isinstance(spec.get("api_name"), str):
        return str(spec["api_name"])
    by_id = metadata.module_by_id(str(spec.get("id")))
    if by_id is None:
        raise errors.mandatory_not_found("module.api_name", f"{path}.module.api_name")
    return by_id.api_name


def _legacy_se_module(f: Field, path: str, raw: Mapping[str, Any]) -> str:
    se_module = raw.get("se_module", raw.get("$se_module"))
    if not isinstance(se_module, str) or not se_module:
        raise errors.mandatory_not_found("se_module", f"{parent_path(path)}.se_module")
    return se_module


# --- composite types ----------------------------------------------------------------------------


def _line_items(
    f: Field, value: Any, path: str, raw: Mapping[str, Any], ctx: WriteContext, cur: Any
) -> Any:
    if not isinstance(value, list):
        raise errors.invalid_type(f.api_name, path, "jsonarray")
    items: dict[str, dict[str, Any]] = {item["id"]: item for item in cur or []}
    for index, entry in enumerate(value):
        item_path = f"{path}[{index}]"
        if not isinstance(entry, dict):
            raise errors.invalid_type(f.api_name, item_path, "jsonobject")
        base = None
        if entry.get("id") is not None:
            item_id = str(entry["id"])
            base = items.get(item_id)
            if base is None:
                raise errors.invalid_reference(f.api_name, f"{item_path}.id", item_id)
            if "_delete" in entry:
                del items[item_id]
                continue
        item = _line_item(entry, item_path, base, ctx)
        items[item["id"]] = item
    if not items:
        raise errors.mandatory_not_found(f.api_name, path)
    return list(items.values())


def _line_item(
    entry: Mapping[str, Any], path: str, base: dict[str, Any] | None, ctx: WriteContext
) -> dict[str, Any]:
    item = dict(base or {"id": ctx.org.new_id(), "Discount": 0.0, "Description": None})
    if "Product_Name" in entry or base is None:
        product = entry.get("Product_Name")
        if is_missing(product):
            raise errors.mandatory_not_found("Product_Name", f"{path}.Product_Name")
        product_id = reference_id(product, "Product_Name", f"{path}.Product_Name")
        record = ctx.org.get("Products", product_id)
        if record is None:
            raise errors.invalid_reference("Product_Name", f"{path}.Product_Name", product_id)
        item["Product_Name"] = product_id
        item["List_Price"] = record.get("Unit_Price") or 0.0
    if "Quantity" in entry or base is None:
        item["Quantity"] = _item_number(entry, "Quantity", path, required=True, positive=True)
    for key in ("List_Price", "Discount"):
        if key in entry:
            item[key] = _item_number(entry, key, path)
    if "Description" in entry:
        item["Description"] = None if entry["Description"] is None else str(entry["Description"])
    item["Total"] = round(float(item["Quantity"]) * float(item["List_Price"]), 2)
    item["Net_Total"] = round(item["Total"] - float(item["Discount"] or 0), 2)
    return item


def _item_number(
    entry: Mapping[str, Any], key: str, path: str, *, required: bool = False, positive: bool = False
) -> int | float:
    value = entry.get(key)
    if required and is_missing(value):
        raise errors.mandatory_not_found(key, f"{path}.{key}")
    number = as_number(value)
    if number is None or number < 0 or (positive and number == 0):
        raise errors.invalid_type(key, f"{path}.{key}", "double")
    return number


def _participants(
    f: Field, value: Any, path: str, raw: Mapping[str, Any], ctx: WriteContext, cur: Any
) -> Any:
    if not isinstance(value, list):
        raise errors.invalid_type(f.api_name, path, "jsonarray")
    if len(value) > _MAX_PARTICIPANTS:
        raise RecordError(
            "LIMIT_EXCEEDED",
            "Only 50 participants can be added to an event.",
            {"api_name": f.api_name, "json_path": path, "limit": _MAX_PARTICIPANTS},
        )
    return [_participant(entry, f"{path}[{i}]", ctx) for i, entry in enumerate(value)]


def _participant(entry: Any, path: str, ctx: WriteContext) -> dict[str, str]:
    if not isinstance(entry, dict):
        raise errors.invalid_type("Participants", path, "jsonobject")
    kind, who = entry.get("type"), entry.get("participant")
    if kind not in ("contact", "lead", "user", "email"):
        raise errors.invalid_value("type", f"{path}.type")
    if not _is_id(who):
        raise errors.mandatory_not_found("participant", f"{path}.participant")
    who = str(who).strip()
    if kind == "email":
        if not _EMAIL.fullmatch(who):
            raise errors.invalid_type("participant", f"{path}.participant", "email")
    elif kind == "user":
        _user_id(who, "participant", f"{path}.participant", ctx)
    elif ctx.org.get(_PARTICIPANT_MODULES[kind], who) is None:
        raise errors.invalid_reference("participant", f"{path}.participant", who)
    return {"type": kind, "participant": who}


def _reminders(
    f: Field, value: Any, path: str, raw: Mapping[str, Any], ctx: WriteContext, cur: Any
) -> Any:
    if not isinstance(value, list):
        raise errors.invalid_type(f.api_name, path, "jsonarray")
    reminders = []
    for index, entry in enumerate(value):
        unit = entry.get("unit") if isinstance(entry, dict) else None
        period = entry.get("period") if isinstance(entry, dict) else None
        ok_unit = isinstance(unit, int) and not isinstance(unit, bool) and 0 <= unit <= 100
        if not ok_unit or period not in ("minutes", "hours", "days"):
            raise errors.invalid_value(f.api_name, f"{path}[{index}]")
        reminders.append({"unit": unit, "period": period})
    return reminders


NORMALIZERS: Mapping[str, Normalizer] = {
    metadata.TEXT: _text,
    metadata.TEXTAREA: _text,
    metadata.WEBSITE: _text,
    metadata.EMAIL: _pattern(_EMAIL, "email"),
    metadata.PHONE: _pattern(_PHONE, "phone"),
    metadata.PICKLIST: _picklist,
    metadata.INTEGER: _integer,
    metadata.DOUBLE: _decimal,
    metadata.CURRENCY: _decimal,
    metadata.BOOLEAN: _boolean,
    metadata.DATE: _date,
    metadata.DATETIME: _datetime,
    metadata.LOOKUP: _lookup,
    metadata.OWNERLOOKUP: _owner,
    metadata.MULTIUSER: _users,
    metadata.MULTI_MODULE: _multi_module,
    metadata.LINEITEMS: _line_items,
    metadata.PARTICIPANTS: _participants,
    metadata.ALARM: _free_json,
    metadata.RRULE: _free_json,
    metadata.REMINDERS: _reminders,
}


def is_email(value: str) -> bool:
    return _EMAIL.fullmatch(value) is not None
