"""SQLite persistence for the sandbox: named collections of JSON documents.

Everything the sandbox keeps (records per module, the recycle bin, users, tags, OAuth clients,
codes and tokens, counters) is a :class:`Collection`: a string-keyed mapping of JSON values,
mirrored in memory and written through to one SQLite table. Reads never touch SQLite, so the
sandbox stays fast for benchmarks; SQLite only makes a ``path=`` store survive restarts.

Contract:

- Values are treated as immutable once stored: to change a document, build a new one and
  assign it (``coll[key] = new``). The mirror hands back the stored object itself.
- Insertion order is kept (across restarts too), so listings are stable.
- :meth:`Store.transaction` groups the writes of one request: on an exception SQLite rolls
  back and the mirror is reloaded from disk, so a failed request leaves no half-written state.
- Not thread-safe by itself; the :class:`~zoho_tools.sandbox.core.Sandbox` serialises access.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any, Protocol

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    collection TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    UNIQUE (collection, key)
)
"""


class Observer(Protocol):
    """Keeps something derived from a collection (a search index) in step with it."""

    def changed(self, key: str, old: Any, new: Any) -> None:
        """``key`` went from ``old`` to ``new`` (either is None when absent)."""

    def reset(self) -> None:
        """The whole collection was reloaded: forget everything derived from it."""


class Collection(MutableMapping[str, Any]):
    """A write-through mapping of JSON documents (see the module docstring)."""

    def __init__(self, store: Store, name: str, items: dict[str, Any]) -> None:
        self._store = store
        self.name = name
        self._items = items
        self._observers: list[Observer] = []

    def observe(self, observer: Observer) -> None:
        """Tell ``observer`` about every change from now on."""
        self._observers.append(observer)

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._store._write(self.name, key, value)
        old = self._items.get(key)
        self._items[key] = value
        for observer in self._observers:
            observer.changed(key, old, value)

    def __delitem__(self, key: str) -> None:
        old = self._items.pop(key)
        self._store._delete(self.name, key)
        for observer in self._observers:
            observer.changed(key, old, None)

    def _replace(self, items: dict[str, Any]) -> None:
        self._items = items
        for observer in self._observers:
            observer.reset()

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items


class StoreError(ValueError):
    """The store's file cannot be used (missing folder, not SQLite, unreadable); the message
    names the file."""


class Store:
    """All sandbox state, in ``path`` (a SQLite file) or in memory when ``path`` is None.

    Raises:
        StoreError: ``path`` cannot be opened or created as a SQLite store.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = os.fspath(path) if path is not None else ":memory:"
        if self.path != ":memory:" and not os.path.isdir(os.path.dirname(self.path) or "."):
            folder = os.path.dirname(self.path)
            raise StoreError(f"{self.path}: the folder {folder} does not exist; create it first")
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            if self.path != ":memory:":
                # WAL + NORMAL: durable enough for a simulator, and a commit costs no fsync.
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
            self._depth = 0
            self._dirty = False  # whether the open transaction wrote anything
            self._collections: dict[str, Collection] = {}
            self._load()
        except (sqlite3.Error, ValueError) as exc:
            raise StoreError(
                f"{self.path}: cannot be used as sandbox data ({exc}); give a new file name "
                "or a file an earlier `sandbox serve --data` wrote"
            ) from None

    def collection(self, name: str) -> Collection:
        """The collection called ``name`` (created empty on first use)."""
        coll = self._collections.get(name)
        if coll is None:
            coll = self._collections[name] = Collection(self, name, {})
        return coll

    def next_number(self, counter: str, start: int = 1) -> int:
        """The next value of a persistent counter (``start`` the first time)."""
        meta = self.collection("meta")
        value = int(meta.get(counter, start - 1)) + 1
        meta[counter] = value
        return value

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes; roll back SQLite and reload the mirror if the block raises."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._depth, self._dirty = 1, False
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            if self._dirty:  # most failed requests wrote nothing: skip the reload
                self._load()
            raise
        else:
            self._db.execute("COMMIT")
        finally:
            self._depth = 0

    def close(self) -> None:
        self._db.close()

    # --- internals --------------------------------------------------------------------------

    def _load(self) -> None:
        loaded: dict[str, dict[str, Any]] = {}
        rows = self._db.execute("SELECT collection, key, value FROM documents ORDER BY seq")
        for name, key, value in rows:
            loaded.setdefault(name, {})[key] = json.loads(value)
        for name, coll in self._collections.items():
            coll._replace(loaded.pop(name, {}))
        for name, items in loaded.items():
            self._collections[name] = Collection(self, name, items)

    def _write(self, name: str, key: str, value: Any) -> None:
        self._dirty = True
        self._db.execute(
            "INSERT INTO documents (collection, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value",
            (name, key, json.dumps(value, separators=(",", ":"))),
        )

    def _delete(self, name: str, key: str) -> None:
        self._dirty = True
        self._db.execute("DELETE FROM documents WHERE collection = ? AND key = ?", (name, key))
