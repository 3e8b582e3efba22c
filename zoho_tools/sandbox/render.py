"""Stored records and users rendered in Zoho's response shapes.

Lookups come back as ``{"name", "id"}``, owners and users as ``{"name", "id", "email"}``,
multi-module lookups as ``{"module": {"api_name", "id"}, "name", "id"}``, datetimes in the
org's time zone, and every field of the module is present (null when empty) unless the caller
asked for specific ``fields``. A lookup whose target was deleted renders as null.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from zoho_tools.sandbox import metadata
from zoho_tools.sandbox.data import OrgData, Record
from zoho_tools.sandbox.metadata import MODULES, Field, ModuleDefinition
from zoho_tools.sandbox.timefmt import to_display

Renderer = Callable[[OrgData, Field, Any], Any]


def user_ref(org: OrgData, user_id: Any, *, with_email: bool = True) -> dict[str, Any] | None:
    user = org.user(str(user_id)) if user_id is not None else None
    if user is None:
        return None
    ref = {"name": user["full_name"], "id": user["id"]}
    if with_email:
        ref["email"] = user["email"]
    return ref


def record_ref(
    org: OrgData, record_id: Any, modules: tuple[str, ...] | None = None
) -> dict[str, Any] | None:
    found = org.find(str(record_id), modules) if record_id is not None else None
    if found is None:
        return None
    module, record = found
    return {"name": org.display_name(module, record), "id": record["id"]}


def _lookup(org: OrgData, f: Field, value: Any) -> Any:
    return record_ref(org, value, f.targets)


def _owner(org: OrgData, f: Field, value: Any) -> Any:
    return user_ref(org, value)


def _users(org: OrgData, f: Field, value: Any) -> Any:
    return [ref for ref in (user_ref(org, uid) for uid in value) if ref is not None]


def _multi_module(org: OrgData, f: Field, value: Any) -> Any:
    ref = record_ref(org, value["id"], (value["module"],))
    if ref is None:
        return None
    module = MODULES[value["module"]]
    return {"module": {"api_name": module.api_name, "id": module.id}, **ref}


def _datetime(org: OrgData, f: Field, value: Any) -> Any:
    return to_display(value)


def _line_items(org: OrgData, f: Field, value: Any) -> Any:
    rendered = []
    for item in value:
        product = org.get("Products", item["Product_Name"])
        rendered.append(
            {
                **item,
                "Product_Name": None
                if product is None
                else {
                    "name": product["Product_Name"],
                    "id": product["id"],
                    "Product_Code": product.get("Product_Code"),
                },
            }
        )
    return rendered


def _participants(org: OrgData, f: Field, value: Any) -> Any:
    rendered = []
    for entry in value:
        kind, who = entry["type"], entry["participant"]
        name, email = None, who if kind == "email" else None
        if kind == "user":
            user = org.user(who) or {}
            name, email = user.get("full_name"), user.get("email")
        elif kind in ("contact", "lead"):
            found = org.find(who, ("Contacts" if kind == "contact" else "Leads",))
            if found is not None:
                name, email = org.display_name(*found), found[1].get("Email")
        rendered.append(
            {
                "type": kind,
                "participant": who,
                "name": name,
                "Email": email,
                "invited": False,
                "status": "not_known",
            }
        )
    return rendered


_RENDERERS: Mapping[str, Renderer] = {
    metadata.LOOKUP: _lookup,
    metadata.OWNERLOOKUP: _owner,
    metadata.MULTIUSER: _users,
    metadata.MULTI_MODULE: _multi_module,
    metadata.DATETIME: _datetime,
    metadata.LINEITEMS: _line_items,
    metadata.PARTICIPANTS: _participants,
}


def render_value(org: OrgData, f: Field, value: Any) -> Any:
    if value is None:
        return None
    renderer = _RENDERERS.get(f.data_type)
    return value if renderer is None else renderer(org, f, value)


def tag_refs(org: OrgData, tag_ids: Iterable[str]) -> list[dict[str, Any]]:
    refs = []
    for tag_id in tag_ids:
        tag = org.tags.get(tag_id)
        if tag is not None:
            refs.append({"name": tag["name"], "id": tag["id"], "color_code": tag["color_code"]})
    return refs


def render_record(
    org: OrgData,
    module: ModuleDefinition,
    record: Record,
    fields: Iterable[str] | None = None,
    *,
    line_items: bool = True,
) -> dict[str, Any]:
    """``record`` as Zoho returns it (``fields``: only these API names, plus ``id``).

    ``line_items=False`` leaves line items out, as Zoho does in lists and searches.
    """
    wanted = None if fields is None else set(fields)
    out: dict[str, Any] = {}
    for f in module.fields:
        if wanted is not None and f.api_name not in wanted:
            continue
        if f.data_type == metadata.LINEITEMS and not line_items:
            continue
        out[f.api_name] = render_value(org, f, record.get(f.api_name))
        if f.se_module:
            out["$se_module"] = record.get("$se_module")
    if module.taggable and (wanted is None or "Tag" in wanted):
        out["Tag"] = tag_refs(org, record.get("Tag", []))
    out["id"] = record["id"]
    return out


def render_user(user: Mapping[str, Any]) -> dict[str, Any]:
    """A user in the shape of ``GET /users``."""
    return dict(user)
