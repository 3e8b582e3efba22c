"""Our own ``catalog`` format: everything an action declares, as JSON.

For tools outside Python (a dashboard, a voice platform's configuration, a reviewer): each
parameter carries its Zoho field (from :meth:`ActionTemplate.field_map`), whether Zoho requires it,
the question to ask a caller, and its default. A derived default is
``{"source": "start", "minutes": 30}``; a default with ``{{variables}}`` is kept as written.
"""

from __future__ import annotations

from typing import Any

from zoho_tools.catalog import category_title
from zoho_tools.templates import ActionTemplate, DerivedDefault, Param, placeholders_in


def to_catalog_entry(template: ActionTemplate) -> dict[str, Any]:
    fields = template.field_map()
    return {
        "name": template.name,
        "title": template.title,
        "description": template.description,
        "category": template.category,
        "category_title": category_title(template.category),
        "module": template.module,
        "method": template.method,
        "path": template.path,
        "query": dict(template.query),
        "body": template.body,
        "params": [_param(p, fields.get(p.name)) for p in template.params],
        "read_only": template.read_only,
        "destructive": template.destructive,
        "idempotent": template.idempotent,
        "confirm": template.confirm,
        "scopes": list(template.scopes),
        "records_key": template.records_key,
        "fields": list(template.fields),
        "custom": template.custom,
    }


def _param(param: Param, zoho_field: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": param.name,
        "type": param.type,
        "description": param.description,
        "zoho_field": zoho_field,
        "required": param.required,
        "required_when": list(param.required_when) if param.required_when else None,
        "ask": param.ask,
        "default": _default(param.default),
        "enum": list(param.enum),
        "min_length": param.min_length,
        "minimum": param.minimum,
        "maximum": param.maximum,
        # An id that may be given by name: the name is looked up in this module, never sent.
        "lookup": param.lookup,
    }
    if param.type == "items":
        # An item's fields are paths inside one rendered item, e.g. ``Product_Name.id``.
        item_fields = {
            name: path.removeprefix("item.")
            for path, name in placeholders_in(param.item_template or {}, "item")
        }
        entry["item_params"] = [_param(p, item_fields.get(p.name)) for p in param.item_params]
        entry["item_template"] = param.item_template
    return entry


def _default(default: Any) -> Any:
    if isinstance(default, DerivedDefault):
        return {"source": default.source, "minutes": default.minutes}
    return default
