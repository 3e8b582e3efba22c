"""The scopes the actions need, what a grant leaves out, and what connect says about it."""

from __future__ import annotations

from pathlib import Path

import pytest

from zoho_tools.catalog import CATALOG
from zoho_tools.scopes import SELF_CLIENT_SCOPES, covers, describe_missing, uncovered

SEED_SCOPES = ("ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL")
README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_self_client_list_covers_every_action_and_is_in_the_readme() -> None:
    assert uncovered(SELF_CLIENT_SCOPES, CATALOG.values()) == {}
    assert f"`{','.join(SELF_CLIENT_SCOPES)}`" in README.read_text(encoding="utf-8")


def test_the_seeds_two_scopes_leave_out_search_and_users() -> None:
    missing = uncovered(SEED_SCOPES, CATALOG.values())
    assert set(missing) == {"ZohoSearch.securesearch.READ", "ZohoCRM.users.READ"}
    assert missing["ZohoCRM.users.READ"] == ["list_users", "get_user"]
    assert missing["ZohoSearch.securesearch.READ"][:2] == ["identify_caller", "search_contact"]
    line = describe_missing({"ZohoCRM.users.READ": ["list_users", "get_user"]})
    assert line == ["ZohoCRM.users.READ (needed by list_users, get_user)"]


@pytest.mark.parametrize(
    ("granted", "needed", "expected"),
    [
        (["ZohoCRM.modules.ALL"], "ZohoCRM.modules.contacts.READ", True),
        (["zohocrm.modules.contacts.all"], "ZohoCRM.modules.contacts.DELETE", True),
        (["ZohoCRM.modules.contacts.WRITE"], "ZohoCRM.modules.contacts.UPDATE", True),
        (["ZohoCRM.modules.contacts.WRITE"], "ZohoCRM.modules.contacts.READ", False),
        (["ZohoCRM.modules.leads.ALL"], "ZohoCRM.modules.contacts.READ", False),
        (["ZohoCRM.settings.ALL"], "ZohoCRM.settings.tags.READ", True),
        (["ZohoCRM.settings.ALL"], "ZohoCRM.users.READ", False),
        (["ZohoCRM.users.ALL"], "ZohoCRM.users.READ", True),
        ([], "ZohoSearch.securesearch.READ", False),
    ],
)
def test_what_a_scope_covers(granted: list[str], needed: str, expected: bool) -> None:
    assert covers(granted, needed) is expected
