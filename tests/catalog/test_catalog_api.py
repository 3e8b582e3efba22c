"""The Catalog mapping: read-only, ordered, selections, custom actions, helpful unknown names."""

from __future__ import annotations

import dataclasses

import pytest

from zoho_tools.catalog import CATALOG, Catalog, UnknownName
from zoho_tools.templates import ActionTemplate, Param

CUSTOM = ActionTemplate(
    name="find_invoice",
    title="Find invoice",
    description="Find invoices by subject.",
    category="billing",
    module="Invoices",
    method="GET",
    path="/Invoices/search",
    params=(Param(name="query", required=True, min_length=2),),
    query={"word": "{{query}}"},
    read_only=True,
    idempotent=True,
    scopes=("ZohoCRM.modules.invoices.READ",),
    custom=True,
)


def test_it_is_a_read_only_mapping() -> None:
    assert CATALOG["create_contact"].name == "create_contact"
    assert "create_contact" in CATALOG and "create_contacts" not in CATALOG
    assert CATALOG.get("nope") is None
    with pytest.raises(TypeError):
        CATALOG["x"] = CUSTOM  # type: ignore[index]
    assert not hasattr(CATALOG, "__dict__")


def test_unknown_names_say_what_was_meant() -> None:
    with pytest.raises(UnknownName) as caught:
        CATALOG["serch_contact"]
    assert isinstance(caught.value, KeyError)
    assert str(caught.value).startswith(
        "unknown action 'serch_contact'; did you mean: search_contact"
    )


def test_duplicates_are_refused() -> None:
    with pytest.raises(ValueError, match="already has an action named 'create_contact'"):
        Catalog([CATALOG["create_contact"], CATALOG["create_contact"]])
    renamed = dataclasses.replace(CUSTOM, name="get_deal")
    with pytest.raises(ValueError, match="get_deal"):
        CATALOG.with_actions([renamed])


def test_custom_actions_join_after_the_built_in_ones() -> None:
    extended = CATALOG.with_actions([CUSTOM])
    assert len(extended) == 64 and list(extended)[-1] == "find_invoice"
    assert extended.categories[-1] == "billing"
    assert extended.category("Billing") == "billing"
    assert len(CATALOG) == 63  # the original is unchanged
    assert list(extended.select(categories=["billing"])) == ["find_invoice"]


def test_select_by_names_categories_and_read_only() -> None:
    assert list(CATALOG.select(names=["get_case", "create_deal"])) == ["create_deal", "get_case"]
    assert list(CATALOG.select(categories=["Direct lookups"])) == [
        "get_contact",
        "get_lead",
        "get_account",
        "get_deal",
        "get_case",
        "next_page",
    ]
    both = CATALOG.select(names=["create_deal"], categories=["solutions"])
    # A search brings next_page, so the page_token of its replies can be used.
    assert list(both) == ["create_deal", "search_solution", "create_solution", "next_page"]
    assert list(CATALOG.select(names=["get_case", "create_deal"])) == ["create_deal", "get_case"]
    read_only = CATALOG.select(read_only=True)
    assert len(read_only) == 15 + 6 + 3 and all(a.read_only for a in read_only.values())
    assert list(CATALOG.select(categories=["users-tags"], read_only=True)) == [
        "next_page",
        "list_users",
        "get_user",
        "list_tags",
    ]
    assert len(CATALOG.select()) == 63
    assert len(CATALOG.select(names=[])) == 0


@pytest.mark.parametrize("spelling", ["users-tags", "Users & Tags", "USERS & TAGS", " users-tags "])
def test_categories_match_slug_or_title_in_any_case(spelling: str) -> None:
    assert CATALOG.category(spelling) == "users-tags"


def test_unknown_selections_raise_with_close_matches() -> None:
    with pytest.raises(UnknownName, match="did you mean: lookups"):
        CATALOG.select(categories=["lookup"])
    with pytest.raises(UnknownName, match="did you mean: get_user"):
        CATALOG.select(names=["get_users"])
    with pytest.raises(TypeError):
        CATALOG.select(names="create_contact")  # a str is an Iterable[str]: refused at runtime


def test_importing_a_piece_of_the_catalog_does_not_build_it() -> None:
    import json
    import subprocess
    import sys

    code = (
        "import sys, json\n"
        "import zoho_tools.schemas, zoho_tools.catalog._modules\n"
        "before = 'zoho_tools.catalog.deals' in sys.modules\n"
        "from zoho_tools.catalog import CATALOG\n"
        "print(json.dumps([before, 'zoho_tools.catalog.deals' in sys.modules, len(CATALOG)]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(done.stdout) == [False, True, len(CATALOG)]


def test_the_built_in_catalog_is_built_once() -> None:
    import zoho_tools.catalog as catalog

    assert catalog.CATALOG is catalog.builtin_catalog() is CATALOG
    with pytest.raises(AttributeError, match="no attribute 'CATALOGUE'"):
        _ = catalog.CATALOGUE
