"""The four custom actions of ``examples/custom_actions.toml`` run end to end against the demo
org: loaded from the file, prepared, rendered, sent and read like the built-in actions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clocks import Clock
from zoho_tools.catalog import CATALOG
from zoho_tools.custom_actions import load_custom_actions
from zoho_tools.rendering import ActionRequest
from zoho_tools.templates import ActionTemplate

from .conftest import Agent, only

EXAMPLES = Path(__file__).parents[2] / "examples" / "custom_actions.toml"


@pytest.fixture(scope="module")
def custom() -> dict[str, ActionTemplate]:
    return {action.name: action for action in load_custom_actions(EXAMPLES)}


def test_the_example_file_holds_the_four_examples(custom: dict[str, ActionTemplate]) -> None:
    assert set(custom) == {
        "find_contact_by_phone",
        "find_lead_by_email",
        "open_deals_for_account",
        "recent_leads",
    }
    # They join the built-in catalog without a clash.
    assert len(CATALOG.with_actions(custom.values())) == len(CATALOG) + 4


async def test_find_contact_by_phone_defaults_to_the_callers_number(
    agent: Agent, custom: dict[str, ActionTemplate]
) -> None:
    result = await agent.run(custom["find_contact_by_phone"])
    assert result.ok, result
    assert [r["Full_Name"] for r in result.data] == ["John Smith"]
    assert set(result.data[0]) <= {"id", "Full_Name", "Phone", "Mobile", "Email", "Account_Name"}
    (sent,) = agent.requests("GET", "/Contacts/search")
    assert sent.query == {"phone": "+15551234567", "per_page": "5"}


async def test_find_contact_by_phone_finds_a_number_stored_in_another_format(
    agent: Agent, custom: dict[str, ActionTemplate]
) -> None:
    # Jane Doe's number is stored as "(555) 987-6543"; the caller says it their own way.
    result = await agent.run(custom["find_contact_by_phone"], {"phone": "555.987.6543"})
    assert result.ok, result
    assert [r["Full_Name"] for r in result.data] == ["Jane Doe"]


async def test_find_lead_by_email(agent: Agent, custom: dict[str, ActionTemplate]) -> None:
    result = await agent.run(
        custom["find_lead_by_email"], {"email": "Emily@Brightside-Dental.example"}
    )
    assert result.ok, result
    (emily,) = result.data
    assert (emily["Full_Name"], emily["Company"]) == ("Emily Davis", "Brightside Dental")
    assert emily["id"] == only(agent.sb.find("Leads", Last_Name="Davis"))["id"]

    unknown = await agent.run(custom["find_lead_by_email"], {"email": "nobody@nowhere.example"})
    assert (unknown.status, unknown.count) == ("empty", 0)


async def test_open_deals_for_account_leaves_out_closed_won(
    agent: Agent, custom: dict[str, ActionTemplate]
) -> None:
    result = await agent.run(custom["open_deals_for_account"], {"account_name": "Acme Corp"})
    assert result.ok, result
    assert [d["Deal_Name"] for d in result.data] == ["Acme Corp - Fleet Renewal"]
    assert set(result.data[0]) == {"id", "Deal_Name", "Stage", "Amount", "Closing_Date"}
    # The demo org's other Acme deal is the won support plan.
    assert {d["Stage"] for d in agent.sb.find("Deals", Account_Name="Acme Corp")} == {
        "Negotiation/Review",
        "Closed Won",
    }


async def test_recent_leads_newest_first_with_the_count_asked_for(
    agent: Agent, custom: dict[str, ActionTemplate], clock: Clock
) -> None:
    clock.advance(60)
    created = await agent.run(
        "create_lead", {"last_name": "Okafor", "company": "Okafor Freight", "phone": "+15550001111"}
    )
    assert created.ok, created

    newest = await agent.run(custom["recent_leads"], {"count": 1})
    assert newest.ok, newest
    assert [(r["id"], r["Company"]) for r in newest.data] == [
        (created.data["id"], "Okafor Freight")
    ]
    assert newest.more_records

    everyone = await agent.run(custom["recent_leads"])  # the declared default: 5
    assert everyone.count == len(agent.sb.records("Leads")) == 4
    assert everyone.data[0]["id"] == created.data["id"]
    sent = agent.requests("GET", "/Leads")[-1]
    assert sent.query == {
        "fields": "Full_Name,Company,Phone,Lead_Status",
        "sort_by": "Created_Time",
        "sort_order": "desc",
        "per_page": "5",
    }


async def test_a_custom_action_uses_the_same_retries(
    agent: Agent, custom: dict[str, ActionTemplate]
) -> None:
    agent.sb.faults.fail_next(1, kind=503, method="GET")
    result = await agent.executor.execute(
        ActionRequest(custom["find_lead_by_email"], {"email": "carlos@mendezroofing.example"})
    )
    assert result.ok
    assert [r["Full_Name"] for r in result.data] == ["Carlos Mendez"]
    assert [e.status for e in agent.requests("GET")] == [503, 200]
