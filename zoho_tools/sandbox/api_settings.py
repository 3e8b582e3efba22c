"""Users, org, field and module metadata, and the recycle bin (reference, section 6)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from zoho_tools.sandbox import errors
from zoho_tools.sandbox.api_request import ApiRequest
from zoho_tools.sandbox.errors import ApiError
from zoho_tools.sandbox.http_reply import NO_CONTENT, HttpReply, json_reply
from zoho_tools.sandbox.listing import choice_param, ids_param, page_params
from zoho_tools.sandbox.metadata import (
    MODULES,
    ORG_PREFIX,
    ModuleDefinition,
    field_json,
    find_module,
    module_json,
    zoho_id,
)
from zoho_tools.sandbox.render import user_ref
from zoho_tools.sandbox.timefmt import ORG_TIME_ZONE, to_display

_PAGE_LIMIT = ApiError(400, "LIMIT_EXCEEDED", "page limit exceeded", {})

UserFilter = Callable[[Mapping[str, Any], str], bool]


def _is_admin(user: Mapping[str, Any]) -> bool:
    return bool(user["profile"]["name"] == "Administrator")


def _active(user: Mapping[str, Any]) -> bool:
    return bool(user["status"] == "active")


USER_TYPES: Mapping[str, UserFilter] = {
    "AllUsers": lambda u, me: True,
    "ActiveUsers": lambda u, me: _active(u),
    "DeactiveUsers": lambda u, me: u["status"] in ("inactive", "disabled"),
    "ConfirmedUsers": lambda u, me: bool(u["confirm"]),
    "NotConfirmedUsers": lambda u, me: not u["confirm"],
    "DeletedUsers": lambda u, me: u["status"] == "deleted",
    "ActiveConfirmedUsers": lambda u, me: _active(u) and bool(u["confirm"]),
    "AdminUsers": lambda u, me: _is_admin(u),
    "ActiveConfirmedAdmins": lambda u, me: _is_admin(u) and _active(u) and bool(u["confirm"]),
    "CurrentUser": lambda u, me: u["id"] == me,
}


def list_users(call: ApiRequest) -> HttpReply:
    kind = choice_param(call.params, "type", tuple(USER_TYPES), "AllUsers")
    page = page_params(call.params, limit_error=_PAGE_LIMIT)
    wanted = ids_param(call.params)
    keep = USER_TYPES[kind]
    users = [
        dict(u)
        for u in call.org.users.values()
        if keep(u, call.token.user_id) and (wanted is None or u["id"] in wanted)
    ]
    items, more = page.slice(users)
    if not items:
        return NO_CONTENT
    return json_reply(200, {"users": items, "info": page.info(len(items), more)})


def get_user(call: ApiRequest) -> HttpReply:
    user = call.org.user(call.rid)
    return NO_CONTENT if user is None else json_reply(200, {"users": [dict(user)]})


def get_org(call: ApiRequest) -> HttpReply:
    admin = call.org.user(call.org.current_user_id) or {}
    return json_reply(
        200,
        {
            "org": [
                {
                    "id": zoho_id(20005),
                    "company_name": "Zylker Inc.",
                    "alias": None,
                    "primary_email": admin.get("email"),
                    "primary_zuid": admin.get("zuid"),
                    "domain_name": "org6421873",
                    "zgid": "6421873",
                    "type": "production",
                    "time_zone": ORG_TIME_ZONE,
                    "country_code": "US",
                    "country": "United States",
                    "currency": "US Dollar - USD",
                    "currency_symbol": "$",
                    "currency_locale": "USD",
                    "iso_code": "USD",
                    "mc_status": False,
                    "phone": "+1 555 010 2000",
                    "website": "https://zylker.example",
                    "street": "100 Main Street",
                    "city": "Springfield",
                    "state": "IL",
                    "zip": "62701",
                    "employee_count": "25",
                    "hipaa_compliance_enabled": False,
                    "license_details": {
                        "paid": True,
                        "paid_type": "enterprise",
                        "paid_expiry": None,
                        "trial_type": None,
                        "trial_expiry": None,
                        "users_license_purchased": 10,
                        "portal_users_license_purchased": 0,
                    },
                }
            ]
        },
    )


def _module_param(call: ApiRequest) -> ModuleDefinition:
    name = call.params.get("module")
    if not name:
        raise errors.required_param_missing("module")
    module = find_module(name)
    if module is None:
        raise errors.invalid_module()
    return module


def _once(
    build: Callable[[ModuleDefinition], dict[str, Any]],
) -> Callable[[ModuleDefinition], dict[str, Any]]:
    """``build`` computed once per module object: the standard modules, or an org's customised
    ones (cached by the org), whose picklists give another body. Modules are not hashable."""
    built: dict[int, tuple[ModuleDefinition, dict[str, Any]]] = {}

    def body(module: ModuleDefinition) -> dict[str, Any]:
        found = built.get(id(module))
        if found is None or found[0] is not module:
            found = built[id(module)] = (module, build(module))
        return found[1]

    return body


@_once
def _fields_body(module: ModuleDefinition) -> dict[str, Any]:
    return {"fields": [field_json(module, i, f) for i, f in enumerate(module.fields)]}


def list_fields(call: ApiRequest) -> HttpReply:
    return json_reply(200, _fields_body(call.org.customised(_module_param(call))))


@_once
def _layouts_body(module: ModuleDefinition) -> dict[str, Any]:
    # One active "Standard" layout with one section holding every field; ``required`` is the
    # layout's mandatory flag (system-mandatory fields are required in every layout).
    fields = [
        {
            "api_name": f.api_name,
            "field_label": f.label,
            "display_label": f.label,
            "id": field_json(module, i, f)["id"],
            "data_type": f.data_type,
            "required": f.mandatory,
            "system_mandatory": f.system_mandatory,
            "read_only": f.read_only,
        }
        for i, f in enumerate(module.fields)
    ]
    section = {"display_label": f"{module.singular} Information", "api_name": "Information",
               "sequence_number": 1, "fields": fields}  # fmt: skip
    return {
        "layouts": [
            {
                "id": zoho_id(int(module.id[len(ORG_PREFIX) :]) + 90_000),
                "name": "Standard",
                "api_name": "Standard",
                "status": "active",
                "visible": True,
                "sections": [section],
            }
        ]
    }


def list_layouts(call: ApiRequest) -> HttpReply:
    return json_reply(200, _layouts_body(_module_param(call)))


def list_modules(call: ApiRequest) -> HttpReply:
    return json_reply(200, {"modules": [module_json(m) for m in MODULES.values()]})


def get_module(call: ApiRequest) -> HttpReply:
    found = find_module(call.rid)
    if found is None:
        raise errors.invalid_module(1)
    return json_reply(200, {"modules": [module_json(found)]})


# --- recycle bin -----------------------------------------------------------------------------


def _bin_entry(call: ApiRequest, record_id: str, entry: Mapping[str, Any]) -> dict[str, Any]:
    module = MODULES[entry["module"]]
    return {
        "owner": user_ref(call.org, entry["record"].get("Owner"), with_email=False),
        "module": {"api_name": module.api_name, "id": module.id},
        "deleted_by": user_ref(call.org, entry["deleted_by"], with_email=False),
        "id": record_id,
        "display_name": call.org.display_name(module, entry["record"]),
        "deleted_time": to_display(entry["deleted_time"]),
    }


def recycle_bin(call: ApiRequest) -> HttpReply:
    sort_by = choice_param(
        call.params, "sort_by", ("display_name", "deleted_time", "deleted_by"), "deleted_time"
    )
    sort_order = choice_param(call.params, "sort_order", ("asc", "desc"), "desc")
    page = page_params(call.params, limit_error=_PAGE_LIMIT)
    wanted = ids_param(call.params)
    entries = [
        _bin_entry(call, rid, entry)
        for rid, entry in call.org.recycle_bin.items()
        if wanted is None or rid in wanted
    ]

    def key(item: dict[str, Any]) -> str:
        value = item[sort_by]
        return str((value or {}).get("name") if sort_by == "deleted_by" else value or "")

    items, more = page.slice(sorted(entries, key=key, reverse=sort_order == "desc"))
    if not items:
        return NO_CONTENT
    return json_reply(200, {"recycle_bin": items, "info": page.info(len(items), more)})


def recycle_bin_entry(call: ApiRequest) -> HttpReply:
    entry = call.org.recycle_bin.get(call.rid)
    if entry is None:
        return NO_CONTENT
    return json_reply(200, {"recycle_bin": [_bin_entry(call, call.rid, entry)]})
