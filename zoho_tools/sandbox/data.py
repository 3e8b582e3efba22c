"""The org's data, on top of :class:`~zoho_tools.sandbox.store.Store`.

Stored record shape (internal; :mod:`~zoho_tools.sandbox.render` turns it into Zoho's):
``{"id": ..., "<Field>": value, ...}`` where datetimes are UTC ISO strings, single lookups
and users are plain id strings, multi-module lookups are ``{"module": api_name, "id": ...}``,
What_Id's module is kept under ``$se_module`` and tags are a list of tag ids under ``Tag``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from zoho_tools.sandbox.index import SearchIndex
from zoho_tools.sandbox.metadata import MODULES, NONE_VALUE, PICKLIST, ModuleDefinition, zoho_id
from zoho_tools.sandbox.store import Collection, Store
from zoho_tools.sandbox.timefmt import utc_now

Record = dict[str, Any]

FIRST_RECORD_NUMBER = 1_000_001


class OrgData:
    """Typed access to the collections that make up the org."""

    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self.store = store
        self.clock = clock
        self._indexes: dict[str, SearchIndex] = {}
        self._customised: dict[tuple[str, str], ModuleDefinition] = {}

    # --- the org's own picklists -----------------------------------------------------------

    @property
    def picklists(self) -> dict[str, dict[str, list[str]]]:
        """The org's own picklist values, by module and field (the rest are the standard ones)."""
        value: dict[str, dict[str, list[str]]] = self.store.collection("meta").get("picklists", {})
        return value

    def set_picklist(self, module: ModuleDefinition, api_name: str, values: Sequence[str]) -> None:
        """Give field ``api_name`` of ``module`` the org's own picklist ``values``.

        Raises :class:`ValueError` for a field that is not a picklist, or no values."""
        f = module.field(api_name)
        if f is None or f.data_type != PICKLIST:
            raise ValueError(f"{module.api_name}.{api_name} is not a picklist field")
        cleaned = [v.strip() for v in values if isinstance(v, str) and v.strip()]
        if not cleaned or len(set(cleaned)) != len(cleaned):
            raise ValueError("a picklist needs one or more distinct values")
        # An optional picklist keeps Zoho's "-None-" first, as Zoho shows it.
        if NONE_VALUE in f.picklist and NONE_VALUE not in cleaned:
            cleaned.insert(0, NONE_VALUE)
        picklists = self.picklists
        picklists = {**picklists, module.api_name: {**picklists.get(module.api_name, {}),
                                                    api_name: cleaned}}  # fmt: skip
        self.store.collection("meta")["picklists"] = picklists

    def customised(self, module: ModuleDefinition) -> ModuleDefinition:
        """``module`` with this org's own picklist values (the module itself if it has none)."""
        own = self.picklists.get(module.api_name)
        if not own:
            return module
        key = (module.api_name, json.dumps(own, sort_keys=True))
        found = self._customised.get(key)
        if found is None:
            fields = tuple(
                dataclasses.replace(f, picklist=tuple(own[f.api_name])) if f.api_name in own else f
                for f in module.fields
            )
            found = self._customised[key] = dataclasses.replace(module, fields=fields)
        return found

    # --- records ----------------------------------------------------------------------------

    def records(self, module: str) -> Collection:
        """Live records of ``module`` by id, in creation order."""
        return self.store.collection(f"records.{module}")

    def search_index(self, module: ModuleDefinition) -> SearchIndex:
        """The phone, email and word index of ``module``'s records (kept up to date)."""
        index = self._indexes.get(module.api_name)
        if index is None:
            records = self.records(module.api_name)
            index = self._indexes[module.api_name] = SearchIndex(module, records)
        return index

    def get(self, module: str, record_id: str) -> Record | None:
        record: Record | None = self.records(module).get(record_id)
        return record

    def find(
        self, record_id: str, modules: tuple[str, ...] | None = None
    ) -> tuple[ModuleDefinition, Record] | None:
        """The live record with ``record_id`` in any of ``modules`` (default: all)."""
        for name in modules if modules is not None else tuple(MODULES):
            record = self.get(name, record_id)
            if record is not None:
                return MODULES[name], record
        return None

    def display_name(self, module: ModuleDefinition, record: Record) -> str | None:
        name = record.get(module.display_field)
        if name is None and module.api_name == "Notes":
            content = record.get("Note_Content") or ""
            return str(content)[:50] or None
        return None if name is None else str(name)

    @property
    def recycle_bin(self) -> Collection:
        return self.store.collection("recycle_bin")

    # --- users and tags ---------------------------------------------------------------------

    @property
    def users(self) -> Collection:
        return self.store.collection("users")

    def user(self, user_id: str) -> Record | None:
        user: Record | None = self.users.get(user_id)
        return user

    def active_user(self, user_id: str) -> Record | None:
        user = self.user(user_id)
        return user if user is not None and user.get("status") == "active" else None

    @property
    def current_user_id(self) -> str:
        """The org's admin user, who consents to OAuth requests and owns demo tokens."""
        return str(self.store.collection("meta")["current_user_id"])

    @property
    def tags(self) -> Collection:
        return self.store.collection("tags")

    # --- ids and time -----------------------------------------------------------------------

    def new_id(self) -> str:
        return zoho_id(self.store.next_number("id", start=FIRST_RECORD_NUMBER))

    def now(self) -> datetime:
        return utc_now(self.clock())
