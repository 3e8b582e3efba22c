"""The connected org's own metadata: its picklist values and mandatory fields, per module.

The catalog declares Zoho's standard layout (deal stages, case statuses, which fields a create
needs). A real org differs: an admin renames stages ("Prospecting"), adds statuses, makes a field
mandatory in the layout. :class:`OrgMetadata` reads what the org says, and :func:`tailor` applies
it to an action, so that validation, the questions asked and the exported schemas follow the org:

- picklists from ``GET /settings/fields?module=`` (``pick_list_values[].actual_value``, without
  ``-None-``): an enum parameter that fills a picklist field takes the org's values;
- mandatory fields from ``system_mandatory`` there and ``required`` in the active layouts of
  ``GET /settings/layouts?module=``: a parameter that fills a mandatory field is asked for, and
  one whose field the org does not require (and has no default) is no longer.

Both requests go through the executor (auth, retries) in parallel, once per module, and are kept
for ``ttl`` seconds; :meth:`OrgMetadata.refresh` reads a module again (after Zoho refused a
picklist value the cache allowed). One instance per org: an executor talks to one org. A module
whose metadata cannot be read keeps the catalog's declaration, and the failure is logged.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from zoho_tools.rendering import RenderedRequest
from zoho_tools.results import ActionResult
from zoho_tools.templates import ActionTemplate, Param

logger = logging.getLogger("zoho_tools.org")

#: How long an org's metadata is trusted before it is read again (an admin's change shows then).
DEFAULT_TTL = 600.0
#: How long a module whose metadata could not be read keeps the catalog's declaration.
FAILURE_TTL = 30.0
#: Zoho's empty choice of an optional picklist: not a value to offer.
NONE_PICKLIST_VALUE = "-None-"
#: What a tailored action prefixes a Zoho field's body path with.
_RECORD = "body.data[0]."

Send = Callable[[ActionTemplate, RenderedRequest], Awaitable[ActionResult]]


@dataclass(frozen=True, slots=True)
class ModuleMetadata:
    """What one module of the org says about its fields."""

    module: str
    #: Zoho field api_name -> the org's picklist values (``-None-`` left out).
    picklists: Mapping[str, tuple[str, ...]]
    #: Fields a record of the module must have (system-mandatory or required in a layout).
    mandatory: frozenset[str]
    #: Every field of the module, with its label.
    labels: Mapping[str, str]


def _read(name: str, path: str, records_key: str) -> ActionTemplate:
    return ActionTemplate(
        name=name,
        title="Read org metadata",
        description="",
        category="settings",
        module=None,
        method="GET",
        path=path,
        read_only=True,
        idempotent=True,
        scopes=("ZohoCRM.settings.fields.READ", "ZohoCRM.settings.layouts.READ"),
        records_key=records_key,
    )


_FIELDS = _read("org_fields", "/settings/fields", "fields")
_LAYOUTS = _read("org_layouts", "/settings/layouts", "layouts")


def parse(module: str, fields: Any, layouts: Any) -> ModuleMetadata:
    """Read Zoho's answers to ``/settings/fields`` and ``/settings/layouts`` (their record lists)
    into :class:`ModuleMetadata`. Unknown shapes are skipped, never trusted."""
    picklists: dict[str, tuple[str, ...]] = {}
    mandatory: set[str] = set()
    labels: dict[str, str] = {}
    for item in fields if isinstance(fields, list) else ():
        if not isinstance(item, Mapping) or not isinstance(item.get("api_name"), str):
            continue
        api_name = item["api_name"]
        labels[api_name] = str(item.get("display_label") or item.get("field_label") or api_name)
        if item.get("system_mandatory") is True:
            mandatory.add(api_name)
        values = item.get("pick_list_values")
        if item.get("data_type") == "picklist" and isinstance(values, list):
            picklists[api_name] = tuple(
                str(v["actual_value"])
                for v in values
                if isinstance(v, Mapping)
                and isinstance(v.get("actual_value"), str)
                and v["actual_value"] != NONE_PICKLIST_VALUE
            )
    for layout in layouts if isinstance(layouts, list) else ():
        if not isinstance(layout, Mapping) or layout.get("status", "active") != "active":
            continue
        for section in layout.get("sections") or ():
            for item in (section.get("fields") or ()) if isinstance(section, Mapping) else ():
                if isinstance(item, Mapping) and item.get("required") is True:
                    mandatory.add(str(item.get("api_name")))
    return ModuleMetadata(module, picklists, frozenset(mandatory), labels)


class OrgMetadata:
    """The org's metadata, read on demand through ``send`` (:meth:`Executor.send`) and kept per
    module for ``ttl`` seconds. Concurrent readers of one module share one read."""

    def __init__(
        self,
        send: Send,
        *,
        ttl: float = DEFAULT_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._send = send
        self._ttl = ttl
        self._clock = clock
        #: Per module: until when it is trusted (by ``clock``), and what was read.
        self._modules: dict[str, tuple[float, ModuleMetadata | None]] = {}
        self._reading: dict[str, asyncio.Task[ModuleMetadata | None]] = {}
        self._tailored: dict[tuple[str, int], tuple[ModuleMetadata, ActionTemplate]] = {}

    async def module(self, module: str, *, refresh: bool = False) -> ModuleMetadata | None:
        """The metadata of ``module`` (None if Zoho would not give it: keep the catalog's)."""
        cached = self._modules.get(module)
        if cached is not None and not refresh and self._clock() < cached[0]:
            return cached[1]
        task = self._reading.get(module)
        if task is None:
            task = self._reading[module] = asyncio.ensure_future(self._read(module))
            task.add_done_callback(lambda _: self._reading.pop(module, None))
        return await asyncio.shield(task)

    async def refresh(self, module: str) -> ModuleMetadata | None:
        """Read ``module`` again now (Zoho refused a value the cached metadata allowed)."""
        return await self.module(module, refresh=True)

    def cached(self, module: str) -> ModuleMetadata | None:
        """What is known of ``module`` without reading (possibly stale), or None."""
        found = self._modules.get(module)
        return found[1] if found else None

    async def tailored(self, templates: Iterable[ActionTemplate]) -> list[ActionTemplate]:
        """``templates``, each tailored to its module's metadata (read in parallel)."""
        templates = list(templates)
        modules = sorted({t.module for t in templates if needs_metadata(t) and t.module})
        found = await asyncio.gather(*(self.module(m) for m in modules))
        by_module = dict(zip(modules, found, strict=True))
        return [
            self._tailor(t, by_module[t.module]) if t.module in by_module else t for t in templates
        ]

    def _tailor(self, template: ActionTemplate, metadata: ModuleMetadata | None) -> ActionTemplate:
        # Tailoring is pure; done once per template and metadata read, not once per call.
        if metadata is None:
            return template
        key = (template.name, id(template))
        found = self._tailored.get(key)
        if found is None or found[0] is not metadata:
            found = self._tailored[key] = (metadata, tailor(template, metadata))
        return found[1]

    async def _read(self, module: str) -> ModuleMetadata | None:
        query = {"module": module}
        fields, layouts = await asyncio.gather(
            self._send(_FIELDS, RenderedRequest("GET", "/settings/fields", query, None)),
            self._send(_LAYOUTS, RenderedRequest("GET", "/settings/layouts", query, None)),
        )
        if not fields.ok:
            logger.warning("no field metadata for %s: %s %s", module, fields.code, fields.message)
            found = None
        else:
            # Without layouts (an org that hides them, a missing scope) fields still say a lot.
            found = parse(module, fields.records, layouts.records if layouts.ok else None)
        # A failure (Zoho busy, a missing scope) is tried again sooner than a success expires.
        keep = self._ttl if found is not None else min(self._ttl, FAILURE_TTL)
        self._modules[module] = (self._clock() + keep, found)
        return found


def needs_metadata(template: ActionTemplate) -> bool:
    """Whether ``template`` writes record fields the org's metadata can change."""
    return (
        template.module is not None
        and template.method in ("POST", "PUT")
        and any(_field_of(template, p) for p in template.params)
    )


def _field_of(template: ActionTemplate, param: Param) -> str | None:
    """The record field a parameter fills whole or as a lookup (``Stage``, ``Owner``)."""
    path = template.field_map().get(param.name, "")
    if not path.startswith(_RECORD):
        return None
    return path.removeprefix(_RECORD).split(".")[0].split("[")[0] or None


def tailor(template: ActionTemplate, metadata: ModuleMetadata | None) -> ActionTemplate:
    """``template`` with the org's picklist values and mandatory fields (see the module
    docstring); itself when nothing differs or nothing is known."""
    if metadata is None or template.custom:
        return template
    params = tuple(_tailored(template, p, metadata) for p in template.params)
    if params == template.params:
        return template
    return dataclasses.replace(template, params=params)


def _tailored(template: ActionTemplate, param: Param, metadata: ModuleMetadata) -> Param:
    field = _field_of(template, param)
    if field is None or field not in metadata.labels:
        return param
    changes: dict[str, Any] = {}
    values = metadata.picklists.get(field)
    if (
        param.enum
        and values
        and values != param.enum
        and template.field_map()[param.name] == (f"{_RECORD}{field}")
    ):
        changes["enum"] = values
    # Only a create's fields are mandatory: an update sends what changes.
    if template.method == "POST":
        if field in metadata.mandatory and not param.required:
            changes["required"] = True
            label = metadata.labels[field]
            changes["ask"] = param.ask or _question(label)
        elif param.required and field not in metadata.mandatory and not param.has_default:
            changes["required"] = False
    return dataclasses.replace(param, **changes) if changes else param


def _question(label: str) -> str:
    question = f"What is the {label.lower()}?"
    return question if len(question) < 60 else "What should this field say?"
