"""Tags: ``GET /settings/tags?module=``, ``add_tags`` and ``remove_tags`` (reference, section 6).

Tags belong to a module. ``add_tags`` takes ``{"tags": [{"name"|"id", "color_code"}],
"over_write": false}`` and, on ``/{module}/actions/add_tags``, ``"ids": [...]`` (at most 500);
a tag's ``id`` takes precedence over its ``name``, and unknown names are created on the fly as
Zoho does. ``remove_tags`` ignores names the module has no tag for. Per record the answer is
``{"code": "SUCCESS", "details": {"id", "tags": [...]}, "message": "tags updated successfully"}``
with top-level ``success_count``/``locked_count`` strings; an unknown record id is
``INVALID_DATA`` at its index (207 when others succeeded, 400 when none did).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zoho_tools.sandbox import errors
from zoho_tools.sandbox.api_request import ApiRequest
from zoho_tools.sandbox.errors import ApiError
from zoho_tools.sandbox.fieldtypes import WriteContext
from zoho_tools.sandbox.http_reply import HttpReply, json_reply
from zoho_tools.sandbox.metadata import find_module
from zoho_tools.sandbox.records import batch_status
from zoho_tools.sandbox.render import tag_refs, user_ref
from zoho_tools.sandbox.timefmt import to_display, to_storage

MAX_TAG_IDS = 500
ALLOWED_TAGS = 200


def _tag_json(call: ApiRequest, tag: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "created_time": to_display(tag["created_time"]),
        "modified_time": to_display(tag["modified_time"]),
        "name": tag["name"],
        "modified_by": user_ref(call.org, tag["created_by"], with_email=False),
        "id": tag["id"],
        "created_by": user_ref(call.org, tag["created_by"], with_email=False),
        "color_code": tag["color_code"],
    }


def list_tags(call: ApiRequest) -> HttpReply:
    name = call.params.get("module")
    if not name:
        raise errors.required_param_missing("module")
    module = find_module(name)
    if module is None or not module.taggable:
        raise errors.invalid_module()
    tags = [_tag_json(call, t) for t in call.org.tags.values() if t["module"] == module.api_name]
    return json_reply(
        200, {"tags": tags, "info": {"count": len(tags), "allowed_count": ALLOWED_TAGS}}
    )


def find_or_create_tag(ctx: WriteContext, module: str, name: str, color_code: Any = None) -> str:
    """The id of ``module``'s tag called ``name`` (case-insensitive), created if needed."""
    for tag in ctx.org.tags.values():
        if tag["module"] == module and tag["name"].casefold() == name.casefold():
            return str(tag["id"])
    tag_id = ctx.org.new_id()
    now = to_storage(ctx.now)
    ctx.org.tags[tag_id] = {
        "id": tag_id,
        "name": name,
        "module": module,
        "color_code": color_code,
        "created_time": now,
        "modified_time": now,
        "created_by": ctx.user_id,
    }
    return tag_id


def _tag_ids(call: ApiRequest, specs: Any, *, create: bool) -> list[str]:
    if not isinstance(specs, list) or not specs:
        raise ApiError(
            400,
            "MANDATORY_NOT_FOUND",
            "required field not found",
            {"api_name": "tags", "json_path": "$.tags"},
        )
    module = call.mod.api_name
    ids: list[str] = []
    for index, spec in enumerate(specs):
        path = f"$.tags[{index}]"
        if not isinstance(spec, dict):
            raise ApiError(
                400,
                "INVALID_DATA",
                "invalid data",
                {"expected_data_type": "jsonobject", "json_path": path},
            )
        if spec.get("id") is not None:
            tag = call.org.tags.get(str(spec["id"]))
            if tag is None or tag["module"] != module:
                raise ApiError(
                    400,
                    "INVALID_DATA",
                    "invalid data",
                    {"api_name": "id", "json_path": f"{path}.id", "id": str(spec["id"])},
                )
            ids.append(tag["id"])
        elif isinstance(spec.get("name"), str) and spec["name"].strip():
            name = spec["name"].strip()
            if create:
                ids.append(find_or_create_tag(call.write, module, name, spec.get("color_code")))
            else:
                ids.extend(
                    t["id"]
                    for t in call.org.tags.values()
                    if t["module"] == module and t["name"].casefold() == name.casefold()
                )
        else:
            raise ApiError(
                400,
                "MANDATORY_NOT_FOUND",
                "required field not found",
                {"api_name": "name", "json_path": f"{path}.name"},
            )
    return list(dict.fromkeys(ids))


def _record_ids(call: ApiRequest, body: Mapping[str, Any]) -> list[str]:
    if call.record_id is not None:
        return [call.record_id]
    ids = body.get("ids")
    if not isinstance(ids, list) or not ids:
        raise ApiError(
            400,
            "MANDATORY_NOT_FOUND",
            "required field not found",
            {"api_name": "ids", "json_path": "$.ids"},
        )
    if len(ids) > MAX_TAG_IDS:
        raise ApiError(
            400,
            "LIMIT_EXCEEDED",
            "a maximum of 500 record ids are allowed",
            {"api_name": "ids", "limit": MAX_TAG_IDS},
        )
    return [str(i) for i in ids]


def _retag(call: ApiRequest, *, adding: bool) -> HttpReply:
    if not call.mod.taggable:
        raise errors.invalid_module()
    body = call.body_object()
    tag_ids = _tag_ids(call, body.get("tags"), create=adding)
    overwrite = adding and body.get("over_write") is True
    records = call.org.records(call.mod.api_name)
    results = []
    for record_id in _record_ids(call, body):
        record = records.get(record_id)
        if record is None:
            results.append(errors.invalid_id(record_id).body())
            continue
        current = [] if overwrite else list(record.get("Tag", []))
        if adding:
            updated = list(dict.fromkeys([*current, *tag_ids]))
        else:
            updated = [t for t in current if t not in tag_ids]
        records[record_id] = {**record, "Tag": updated}
        results.append(
            {
                "code": "SUCCESS",
                "details": {"id": record_id, "tags": tag_refs(call.org, updated)},
                "message": "tags updated successfully",
                "status": "success",
            }
        )
    successes = sum(1 for r in results if r["status"] == "success")
    extra = {"success_count": str(successes)} if adding else {}
    return json_reply(batch_status(results, 200), {"data": results, **extra, "locked_count": "0"})


def add_tags(call: ApiRequest) -> HttpReply:
    return _retag(call, adding=True)


def remove_tags(call: ApiRequest) -> HttpReply:
    return _retag(call, adding=False)
