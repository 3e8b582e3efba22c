"""The built-in catalog: the Zoho CRM actions in fifteen categories, as one read-only mapping.

Each category has its own file (``contacts.py``, ``leads.py``, ... ``users_tags.py``) whose
``ACTIONS`` tuple declares its actions once; :data:`CATALOG` merges them in the order of
:data:`CATEGORIES`, refusing a duplicate name. A :class:`Catalog` narrows to a selection
(:meth:`Catalog.select`) or grows by custom actions (:meth:`Catalog.with_actions`); both return
a new catalog and never change the one they are called on.

:data:`CATALOG` is built on first use, not at import: importing a piece of the catalog (its
modules, its call variables) does not load the fifteen category files.

Unknown action names and categories raise :class:`UnknownName` (a :class:`KeyError`) whose
message lists the close matches, so a typo in a configuration or on the command line says what
was meant.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from types import MappingProxyType

from zoho_tools.catalog._shapes import CALL_VARIABLES
from zoho_tools.errors import ZohoToolsError
from zoho_tools.paging import NEXT_PAGE, page_size
from zoho_tools.templates import ActionTemplate

__all__ = [
    "CALL_VARIABLES",
    "CATALOG",
    "CATEGORIES",
    "PROFILES",
    "Catalog",
    "UnknownName",
    "category_title",
]

#: Category slugs, in catalog order, with their display titles.
CATEGORIES: Mapping[str, str] = MappingProxyType(
    {
        "contacts": "Contacts",
        "leads": "Leads",
        "accounts": "Accounts",
        "deals": "Deals",
        "cases": "Cases",
        "tasks": "Tasks",
        "calls": "Calls",
        "events": "Events",
        "notes": "Notes",
        "products": "Products",
        "quotes": "Quotes",
        "appointments": "Appointments",
        "solutions": "Solutions",
        "lookups": "Direct lookups",
        "users-tags": "Users & Tags",
    }
)


#: Named selections of actions, for agents that should not see all of them on every turn.
#: ``voice``: what a phone agent needs most, within 1,000 tokens as OpenAI strict tools: identify
#: the caller, find a contact, a lead or a case, open a case or a follow-up task, log the call,
#: take a note. Booking a meeting (``create_event``, 273 tokens with its participants, times and
#: reminder) does not fit beside them; a dynamic surface loads it with the events category.
PROFILES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "voice": (
            "identify_caller",
            "search_contact",
            "search_lead",
            "search_case",
            "create_case",
            "create_task",
            "log_call",
            "create_note",
        ),
    }
)


class UnknownName(ZohoToolsError, KeyError):
    """An action or category that does not exist; the message names the close matches."""

    def __str__(self) -> str:
        # KeyError would show the repr of its argument (quotes and escapes); show the message.
        return str(self.args[0])


def unknown_name(kind: str, name: str, known: Iterable[str]) -> UnknownName:
    """The error for an unknown ``kind`` (action, category, profile) named ``name``: it names
    the close matches among ``known``, or all of them."""
    known = list(known)
    import difflib  # only on this error path: it is slow to import

    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    if close:
        return UnknownName(f"unknown {kind} {name!r}; did you mean: {', '.join(close)}?")
    return UnknownName(f"unknown {kind} {name!r}; known: {', '.join(known)}")


class Catalog(Mapping[str, ActionTemplate]):
    """A read-only, ordered mapping of action name to :class:`ActionTemplate`.

    Raises :class:`ValueError` when two actions share a name.
    """

    __slots__ = ("_actions",)

    def __init__(self, actions: Iterable[ActionTemplate] = ()) -> None:
        by_name: dict[str, ActionTemplate] = {}
        for action in actions:
            if action.name in by_name:
                raise ValueError(f"the catalog already has an action named {action.name!r}")
            by_name[action.name] = action
        self._actions: Mapping[str, ActionTemplate] = MappingProxyType(by_name)

    # -- Mapping --------------------------------------------------------------------------------

    def __getitem__(self, name: str) -> ActionTemplate:
        try:
            return self._actions[name]
        except KeyError:
            raise unknown_name("action", name, self._actions) from None

    def __contains__(self, name: object) -> bool:
        return name in self._actions

    def get(self, name: str, default: ActionTemplate | None = None) -> ActionTemplate | None:  # type: ignore[override]
        return self._actions.get(name, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._actions)

    def __len__(self) -> int:
        return len(self._actions)

    def __repr__(self) -> str:
        return f"Catalog({len(self)} actions: {', '.join(self.categories)})"

    # -- categories -----------------------------------------------------------------------------

    @property
    def categories(self) -> tuple[str, ...]:
        """The category slugs of this catalog's actions: built-in order first, then custom ones
        in the order they first appear."""
        present = {action.category for action in self._actions.values()}
        builtin = [slug for slug in CATEGORIES if slug in present]
        custom = dict.fromkeys(
            a.category for a in self._actions.values() if a.category not in CATEGORIES
        )
        return (*builtin, *custom)

    def category(self, name: str) -> str:
        """The slug of a category given by slug or title, in any case (``"Users & Tags"``,
        ``"users-tags"``, ``"LOOKUPS"``). Raises :class:`UnknownName`."""
        titles = {slug: category_title(slug) for slug in (*CATEGORIES, *self.categories)}
        folded = name.strip().casefold()
        for slug, title in titles.items():
            if folded in (slug.casefold(), title.casefold()):
                return slug
        raise unknown_name("category", name, titles)

    # -- new catalogs ---------------------------------------------------------------------------

    def select(
        self,
        names: Iterable[str] | None = None,
        categories: Iterable[str] | None = None,
        read_only: bool = False,
        *,
        profile: str | None = None,
    ) -> Catalog:
        """The actions named in ``names`` plus those in ``categories`` plus those of ``profile``
        (see :data:`PROFILES`; all actions when all three are ``None``), in catalog order;
        ``read_only`` keeps only the read-only ones. A profile's actions that this catalog does
        not have (a catalog already narrowed) are left out. A selection with a search (or another
        action Zoho pages) has ``next_page`` too, so the ``page_token`` its replies carry can be
        used (:mod:`zoho_tools.paging`).

        Raises :class:`UnknownName` for a name, category or profile that does not exist.
        """
        if isinstance(names, str) or isinstance(categories, str):
            raise TypeError("names and categories are lists, not a single string")
        if profile is not None:
            if profile not in PROFILES:
                raise unknown_name("profile", profile, PROFILES)
            names = [*(names or ()), *(n for n in PROFILES[profile] if n in self._actions)]
        chosen_names = {self[name].name for name in names} if names is not None else set()
        chosen_categories = (
            {self.category(c) for c in categories} if categories is not None else set()
        )
        everything = names is None and categories is None
        chosen = [
            action
            for action in self._actions.values()
            if (everything or action.name in chosen_names or action.category in chosen_categories)
            and (action.read_only or not read_only)
        ]
        pages = any(page_size(action) is not None for action in chosen)
        if pages and NEXT_PAGE in self._actions and all(a.name != NEXT_PAGE for a in chosen):
            chosen_names = {action.name for action in chosen} | {NEXT_PAGE}
            chosen = [action for action in self._actions.values() if action.name in chosen_names]
        return Catalog(chosen)

    def with_actions(self, extra: Iterable[ActionTemplate]) -> Catalog:
        """This catalog plus ``extra`` (custom actions) after it. Raises :class:`ValueError` when
        an extra action's name is already taken."""
        return Catalog((*self._actions.values(), *extra))


def category_title(slug: str) -> str:
    """The display title of a category; a custom category's slug, capitalised."""
    return CATEGORIES.get(slug) or slug.replace("-", " ").replace("_", " ").capitalize()


@cache
def builtin_catalog() -> Catalog:
    """The built-in actions of every category, in :data:`CATEGORIES` order; built once, on the
    first call (which imports the category files)."""
    actions: list[ActionTemplate] = []
    for slug in CATEGORIES:
        module = importlib.import_module(f"{__name__}.{slug.replace('-', '_')}")
        for action in module.ACTIONS:
            if action.category != slug:
                raise ValueError(f"{action.name} is declared in {slug} but says {action.category}")
            actions.append(action)
    return Catalog(actions)


#: The built-in actions: :func:`builtin_catalog`, built when first read (PEP 562 ``__getattr__``
#: below), so ``from zoho_tools.catalog import CATALOG`` works and nothing else pays for it.
CATALOG: Catalog


def __getattr__(name: str) -> Catalog:
    if name == "CATALOG":
        catalog = builtin_catalog()
        globals()["CATALOG"] = catalog  # later reads find it without coming here
        return catalog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
