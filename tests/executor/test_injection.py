"""Nothing a model or a caller says can change which endpoint is called or widen a search:
unsafe ids and module names are refused before anything is sent (the sandbox's log stays empty),
and criteria values reach Zoho as escaped literals."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from zoho_tools.arguments import prepare
from zoho_tools.catalog import CATALOG
from zoho_tools.custom_actions import load_custom_actions
from zoho_tools.results import UNSAFE_REQUEST
from zoho_tools.sandbox import Sandbox
from zoho_tools.templates import ActionTemplate
from zoho_tools.variables import resolve_in_scope

from .conftest import Agent, only

EXAMPLES = Path(__file__).parents[2] / "examples" / "custom_actions.toml"

HOSTILE_IDS = [
    "../settings",
    "123/../../oauth",
    "1 OR 1=1",
    "123?fields=Email",
    "123#",
    "%2e%2e%2fsettings",
    "123/",
    " 123",
    "123\n",
    "",
]


@pytest.mark.parametrize("bad_id", HOSTILE_IDS)
@pytest.mark.parametrize("action", ["get_contact", "update_contact", "delete_contact"])
async def test_hostile_ids_are_refused_and_sent_nowhere(
    agent: Agent, action: str, bad_id: str
) -> None:
    template = CATALOG[action]
    extra = {"email": "x@example.com"} if action == "update_contact" else {}
    prepared = prepare(template, {"id": bad_id, **extra})
    assert not prepared.ready
    if bad_id:
        assert [p.param for p in prepared.problems] == ["id"]
    else:  # blank: asked for again, as if not given
        assert [p.name for p in prepared.missing] == ["id"]

    # A library user skipping prepare() hits the executor's own guard.
    result = await agent.send(template, {"id": bad_id, **extra})
    assert (result.status, result.code) == ("error", UNSAFE_REQUEST)
    assert "Send a record id (digits)" in (result.hint or "")
    assert agent.sb.log == []


async def test_a_hostile_id_from_an_earlier_result_is_refused(agent: Agent) -> None:
    agent.results["search_contact"] = [{"id": "../../oauth/v2/token"}]
    # As the orchestrator does: the reference is resolved once, then the value is checked.
    hostile = resolve_in_scope("{{search_contact.id}}", agent.scope)
    assert hostile == "../../oauth/v2/token"
    prepared = prepare(CATALOG["update_contact"], {"id": hostile, "email": "x@example.com"})
    assert [p.param for p in prepared.problems] == ["id"]
    result = await agent.send(
        "update_contact", {"id": "{{search_contact.id}}", "email": "x@example.com"}
    )
    assert result.code == UNSAFE_REQUEST
    assert agent.sb.log == []


@pytest.fixture
def by_module(tmp_path: Path) -> ActionTemplate:
    """A custom action whose module is a parameter: the one place a name goes into a path."""
    path = tmp_path / "actions.toml"
    path.write_text(
        """
[[actions]]
name = "get_any_record"
description = "Get a record of any module by id."
method = "GET"
path = "/{{module}}/{{id}}"

[[actions.params]]
name = "module"
required = true

[[actions.params]]
name = "id"
type = "id"
required = true
"""
    )
    (action,) = load_custom_actions(path)
    return action


@pytest.mark.parametrize(
    "module",
    [
        "settings",
        "users",
        "contacts",
        "Contacts/../settings",
        "../oauth/v2/token",
        "Contacts?fields=Email",
        "Contacts%2F..",
        "org",
    ],
)
async def test_names_that_are_not_modules_are_refused_and_sent_nowhere(
    agent: Agent, by_module: ActionTemplate, module: str
) -> None:
    john = only(agent.sb.find("Contacts", Last_Name="Smith"))
    result = await agent.run(by_module, {"module": module, "id": john["id"]})
    assert (result.status, result.code) == ("error", UNSAFE_REQUEST)
    assert repr(module) in result.message
    assert agent.sb.log == []


async def test_a_real_module_name_goes_through(agent: Agent, by_module: ActionTemplate) -> None:
    john = only(agent.sb.find("Contacts", Last_Name="Smith"))
    result = await agent.run(by_module, {"module": "Contacts", "id": john["id"]})
    assert result.ok
    assert result.data["Full_Name"] == "John Smith"
    assert [e.path for e in agent.requests()] == [f"/crm/v7/Contacts/{john['id']}"]


@pytest.fixture
def open_deals() -> ActionTemplate:
    return {a.name: a for a in load_custom_actions(EXAMPLES)}["open_deals_for_account"]


# Unescaped, this value would close the Account_Name condition and match every "A..." deal.
INJECTION = "Nobody)or(Deal_Name:starts_with:A"


def test_the_injection_would_widen_the_search_if_it_were_not_escaped(sb: Sandbox) -> None:
    """The control: sent as is, the sandbox (like Zoho) reads the ``or``."""
    token = sb.issue_token()["access_token"]
    criteria = f"((Account_Name:equals:{INJECTION})and(Stage:not_equal:Closed Won))"
    with httpx.Client(
        transport=sb.transport(),
        base_url=sb.base_url,
        headers={"Authorization": f"Zoho-oauthtoken {token}"},
    ) as client:
        answer = client.get("/crm/v7/Deals/search", params={"criteria": criteria})
    assert answer.status_code == 200
    assert {d["Deal_Name"] for d in answer.json()["data"]} >= {"Acme Corp - Fleet Renewal"}


@pytest.mark.parametrize(
    "account_name",
    [INJECTION, "x)or(Stage:not_equal:Nothing", "Acme Corp)or(Amount:greater_than:0", "a,b\\"],
)
async def test_criteria_values_reach_zoho_as_escaped_literals(
    agent: Agent, open_deals: ActionTemplate, account_name: str
) -> None:
    result = await agent.run(open_deals, {"account_name": account_name})
    assert (result.status, result.count) == ("empty", 0)
    (sent,) = agent.requests("GET", "/Deals/search")
    escaped = (
        account_name.replace("\\", "\\\\")
        .replace("(", "\\(")
        .replace(")", "\\)")
        .replace(",", "\\,")
    )
    assert sent.query["criteria"] == (
        f"((Account_Name:equals:{escaped})and(Stage:not_equal:Closed Won))"
    )


async def test_a_name_with_brackets_and_commas_is_still_found(
    agent: Agent, open_deals: ActionTemplate
) -> None:
    account = agent.sb.create("Accounts", {"Account_Name": "Smith (UK), Ltd"})
    agent.sb.create(
        "Deals",
        {
            "Deal_Name": "Smith UK trackers",
            "Account_Name": {"id": account["id"]},
            "Stage": "Qualification",
            "Closing_Date": "2026-12-31",
        },
    )
    result = await agent.run(open_deals, {"account_name": "Smith (UK), Ltd"})
    assert result.ok, result
    assert [d["Deal_Name"] for d in result.data] == ["Smith UK trackers"]
