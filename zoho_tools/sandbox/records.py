"""Record writes (create, update, delete to the recycle bin) and their per-record results.

These are the only functions that change records; the HTTP handlers and the demo seed both
call them, so every record in the sandbox went through :func:`prepare_write`.

Deleting a record moves it to the recycle bin; lookups that pointed at it render as null
(no cascading deletes are modelled).
"""

from __future__ import annotations

from typing import Any

from zoho_tools.sandbox import errors
from zoho_tools.sandbox.data import Record
from zoho_tools.sandbox.fieldtypes import WriteContext
from zoho_tools.sandbox.metadata import AUTONUMBER, ModuleDefinition
from zoho_tools.sandbox.render import user_ref
from zoho_tools.sandbox.timefmt import to_display, to_storage
from zoho_tools.sandbox.validation import prepare_write


def create_record(module: ModuleDefinition, raw: Any, index: int, ctx: WriteContext) -> Record:
    """Validate and store a new record (raises :class:`~zoho_tools.sandbox.errors.RecordError`)."""
    changes = prepare_write(module, raw, index, ctx)
    now = to_storage(ctx.now)
    record: Record = {"id": ctx.org.new_id(), **changes}
    for f in module.fields:
        if f.data_type == AUTONUMBER:
            record[f.api_name] = str(ctx.org.store.next_number(f"autonumber.{module.api_name}"))
    record.update(
        Created_Time=now, Modified_Time=now, Created_By=ctx.user_id, Modified_By=ctx.user_id
    )
    ctx.org.records(module.api_name)[record["id"]] = record
    return record


def update_record(
    module: ModuleDefinition, record_id: str, raw: Any, index: int, ctx: WriteContext
) -> Record:
    """Apply a partial update to a live record (bad id: ``INVALID_DATA``)."""
    existing = ctx.org.get(module.api_name, record_id)
    if existing is None:
        raise errors.invalid_id(record_id)
    changes = prepare_write(module, raw, index, ctx, existing)
    record = {
        **existing,
        **changes,
        "Modified_Time": to_storage(ctx.now),
        "Modified_By": ctx.user_id,
    }
    ctx.org.records(module.api_name)[record_id] = record
    return record


def trash_record(module: ModuleDefinition, record_id: str, ctx: WriteContext) -> None:
    """Move a live record to the recycle bin (unknown id: ``INVALID_DATA`` "record not deleted")."""
    records = ctx.org.records(module.api_name)
    record = records.get(record_id)
    if record is None:
        raise errors.RecordError("INVALID_DATA", "record not deleted", {"id": record_id})
    del records[record_id]
    ctx.org.recycle_bin[record_id] = {
        "module": module.api_name,
        "record": record,
        "deleted_time": to_storage(ctx.now),
        "deleted_by": ctx.user_id,
    }


def write_success(ctx: WriteContext, record: Record, message: str) -> dict[str, Any]:
    """The ``data[i]`` entry of a successful insert or update (reference, section 3.1)."""
    details: dict[str, Any] = {
        "Modified_Time": to_display(record["Modified_Time"]),
        "Modified_By": user_ref(ctx.org, record["Modified_By"], with_email=False),
        "Created_Time": to_display(record["Created_Time"]),
        "id": record["id"],
        "Created_By": user_ref(ctx.org, record["Created_By"], with_email=False),
    }
    if message == "record added":
        details["$approval_state"] = "approved"
    return {"code": "SUCCESS", "details": details, "message": message, "status": "success"}


def delete_success(record_id: str) -> dict[str, Any]:
    return {
        "code": "SUCCESS",
        "details": {"id": record_id},
        "message": "record deleted",
        "status": "success",
    }


def batch_status(results: list[dict[str, Any]], ok_status: int) -> int:
    """Zoho's status for a batch: ``ok_status`` if all succeeded, 400 if none, else 207."""
    successes = sum(1 for r in results if r.get("status") == "success")
    if successes == len(results):
        return ok_status
    return 400 if successes == 0 else 207
