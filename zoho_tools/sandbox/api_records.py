"""Record endpoints: insert, update, delete, get, list, search, count and related notes.

Statuses (reference, section 3.3): insert 201 when every record succeeded, update and delete
200; 207 when some failed; 400 when all failed. Lists and searches with nothing to return and
``GET /{module}/{id}`` for an unknown or deleted id answer 204 with no body.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from zoho_tools.sandbox import errors
from zoho_tools.sandbox.api_request import MAX_RECORDS_PER_CALL, ApiRequest
from zoho_tools.sandbox.data import Record
from zoho_tools.sandbox.errors import ApiError, RecordError
from zoho_tools.sandbox.http_reply import NO_CONTENT, HttpReply, json_reply
from zoho_tools.sandbox.listing import choice_param, fields_param, ids_param, page_params
from zoho_tools.sandbox.metadata import MODULES, ModuleDefinition
from zoho_tools.sandbox.records import (
    batch_status,
    create_record,
    delete_success,
    trash_record,
    update_record,
    write_success,
)
from zoho_tools.sandbox.render import render_record
from zoho_tools.sandbox.search import search_records

_DISCRETE_LIMIT = ApiError(
    400,
    "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
    "You can only get the first 2000 records without using page_token param.",
    {},
)
_SEARCH_LIMIT = ApiError(400, "LIMIT_REACHED", "Maximum response iteration limit reached", {})


# --- writes -----------------------------------------------------------------------------------


def insert(call: ApiRequest) -> HttpReply:
    return _insert_items(call, call.mod, call.data_items())


def _insert_items(call: ApiRequest, module: ModuleDefinition, items: list[Any]) -> HttpReply:
    results = []
    for index, raw in enumerate(items):
        try:
            record = create_record(module, raw, index, call.write)
        except RecordError as error:
            results.append(error.body())
        else:
            results.append(write_success(call.write, record, "record added"))
    return json_reply(batch_status(results, 201), {"data": results})


def update_many(call: ApiRequest) -> HttpReply:
    results = []
    for index, raw in enumerate(call.data_items()):
        record_id = raw.get("id") if isinstance(raw, dict) else None
        if record_id is None or str(record_id).strip() == "":
            results.append(errors.mandatory_not_found("id", f"$.data[{index}].id").body())
            continue
        results.append(_update_one(call, str(record_id), raw, index))
    return json_reply(batch_status(results, 200), {"data": results})


def update(call: ApiRequest) -> HttpReply:
    # PUT /{module}/{id}: the id comes from the URL; Zoho reads the first item only.
    result = _update_one(call, call.rid, call.data_items()[0], 0)
    return json_reply(batch_status([result], 200), {"data": [result]})


def _update_one(call: ApiRequest, record_id: str, raw: Any, index: int) -> dict[str, Any]:
    try:
        record = update_record(call.mod, record_id, raw, index, call.write)
    except RecordError as error:
        return error.body()
    return write_success(call.write, record, "record updated")


def delete_many(call: ApiRequest) -> HttpReply:
    ids = ids_param(call.params)
    if not ids:
        raise errors.required_param_missing("ids")
    if len(ids) > MAX_RECORDS_PER_CALL:
        raise ApiError(
            400,
            "LIMIT_EXCEEDED",
            "a maximum of 100 records can be deleted per API call",
            {"limit": 100},
        )
    return _delete_ids(call, ids)


def delete(call: ApiRequest) -> HttpReply:
    return _delete_ids(call, [call.rid])


def _delete_ids(call: ApiRequest, ids: Iterable[str]) -> HttpReply:
    results = []
    for record_id in ids:
        try:
            trash_record(call.mod, record_id, call.write)
        except RecordError as error:
            results.append(error.body())
        else:
            results.append(delete_success(record_id))
    return json_reply(batch_status(results, 200), {"data": results})


# --- reads ------------------------------------------------------------------------------------


def get(call: ApiRequest) -> HttpReply:
    record = call.org.get(call.mod.api_name, call.rid)
    if record is None:
        return NO_CONTENT
    fields = _known_fields(call, fields_param(call.params, required=False))
    return json_reply(200, {"data": [render_record(call.org, call.mod, record, fields)]})


def list_records(call: ApiRequest) -> HttpReply:
    fields = _known_fields(call, fields_param(call.params, required=True))
    page = page_params(call.params, limit_error=_DISCRETE_LIMIT)
    sort_by = choice_param(call.params, "sort_by", ("id", "Created_Time", "Modified_Time"), "id")
    sort_order = choice_param(call.params, "sort_order", ("asc", "desc"), "desc")
    records: Iterable[Record] = call.org.records(call.mod.api_name).values()
    wanted = ids_param(call.params)
    if wanted is not None:
        records = [r for r in records if r["id"] in wanted]
    ordered = sorted(records, key=lambda r: r[sort_by], reverse=sort_order == "desc")
    items, more = page.slice(ordered)
    if not items:
        return NO_CONTENT
    info = {
        "call": False,
        **page.info(len(items), more),
        "sort_by": sort_by,
        "sort_order": sort_order,
        "next_page_token": None,
        "previous_page_token": None,
        "page_token_expiry": None,
        "email": False,
    }
    data = [render_record(call.org, call.mod, r, fields, line_items=False) for r in items]
    return json_reply(200, {"data": data, "info": info})


def search(call: ApiRequest) -> HttpReply:
    matches = _matching(call)
    page = page_params(call.params, limit_error=_SEARCH_LIMIT)
    items, more = page.slice(matches)
    if not items:
        return NO_CONTENT
    fields = _known_fields(call, fields_param(call.params, required=False))
    data = [render_record(call.org, call.mod, r, fields, line_items=False) for r in items]
    return json_reply(200, {"data": data, "info": page.info(len(items), more)})


def count(call: ApiRequest) -> HttpReply:
    if not {"criteria", "email", "phone", "word"} & set(call.params):
        return json_reply(200, {"count": len(call.org.records(call.mod.api_name))})
    return json_reply(200, {"count": len(_matching(call))})


def _matching(call: ApiRequest) -> list[Record]:
    return search_records(call.org, call.mod, call.params)


def _known_fields(call: ApiRequest, names: list[str] | None) -> list[str] | None:
    """``names`` minus unknown ones, which Zoho ignores (noted in the request log)."""
    if names is None:
        return None
    for name in names:
        if name not in ("id", "Tag") and call.mod.field(name) is None:
            call.write.ignored.append(f"?fields={name}")
    return names


# --- related notes (/{module}/{id}/Notes) ---------------------------------------------------


def _parent(call: ApiRequest) -> Record:
    parent = call.org.get(call.mod.api_name, call.rid)
    if parent is None:
        raise ApiError(
            400, "INVALID_DATA", "the related id given seems to be invalid", {"id": call.rid}
        )
    return parent


def related_notes(call: ApiRequest) -> HttpReply:
    _parent(call)
    notes = MODULES["Notes"]
    fields = fields_param(call.params, required=True)
    page = page_params(call.params, limit_error=_DISCRETE_LIMIT)
    mine = [
        n
        for n in call.org.records("Notes").values()
        if n.get("Parent_Id") == {"module": call.mod.api_name, "id": call.rid}
    ]
    items, more = page.slice(mine)
    if not items:
        return NO_CONTENT
    data = [render_record(call.org, notes, n, fields) for n in items]
    return json_reply(200, {"data": data, "info": page.info(len(items), more)})


def add_related_notes(call: ApiRequest) -> HttpReply:
    _parent(call)
    parent_ref = {"module": {"api_name": call.mod.api_name}, "id": call.rid}
    items = [
        {**raw, "Parent_Id": raw.get("Parent_Id") or parent_ref} if isinstance(raw, dict) else raw
        for raw in call.data_items()
    ]
    return _insert_items(call, MODULES["Notes"], items)
