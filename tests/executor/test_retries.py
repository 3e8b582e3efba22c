"""Retries against the sandbox's injected faults, and the rule that a retry never duplicates a
write: reads retry on 429/5xx/timeouts/drops within the budget; a create is retried only when
Zoho certainly did not act on it; an update or delete whose answer was lost is retried safely."""

from __future__ import annotations

from typing import Any

import pytest

from tests.clocks import Clock, FakeTime
from zoho_tools.executor import RetryPolicy
from zoho_tools.results import NETWORK_ERROR, OUTCOME_UNKNOWN, RATE_LIMITED, SERVER_ERROR
from zoho_tools.sandbox import Sandbox
from zoho_tools.sandbox.faults import FaultKind

from .conftest import Agent, only, open_agent

SEARCH = "/crm/v7/Contacts/search"


def john(sb: Sandbox) -> dict[str, Any]:
    return only(sb.find("Contacts", Last_Name="Smith", First_Name="John"))


# --- reads -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [429, 500, 502, 503, "timeout", "drop"])
async def test_a_search_is_retried_after_a_fault_and_succeeds(
    agent: Agent, kind: FaultKind
) -> None:
    agent.sb.faults.fail_next(1, kind=kind, method="GET", path=SEARCH)
    result = await agent.run("search_contact", {"query": "John Smith"})
    assert result.ok, result
    assert [r["id"] for r in result.data] == [john(agent.sb)["id"]]
    sent = agent.requests("GET", "/Contacts/search")
    assert [(e.fault, e.status) for e in sent] == [(str(kind), sent[0].status), (None, 200)]
    assert agent.time.sleeps == [0.25]


async def test_429_then_503_then_a_timeout_still_succeed_within_the_budget(agent: Agent) -> None:
    for kind in (429, 503, "timeout"):
        agent.sb.faults.fail_next(1, kind=kind, method="GET")
    contact_id = john(agent.sb)["id"]
    result = await agent.run("get_contact", {"id": contact_id})
    assert result.ok
    assert result.data["Full_Name"] == "John Smith"
    assert len(agent.requests("GET", f"/Contacts/{contact_id}")) == 4  # then its related lists
    assert agent.time.sleeps == [0.25, 0.5, 1.0]
    assert agent.time.now < 6.0


async def test_retries_give_up_when_the_time_budget_ends(sb: Sandbox, fake_time: FakeTime) -> None:
    budget = RetryPolicy(budget=1.0, max_attempts=10, base_delay=0.4, max_delay=2.0)
    async with open_agent(sb, fake_time, retry=budget) as agent:
        sb.faults.fail_next(10, kind=503, method="GET")
        result = await agent.run("search_contact", {"query": "John"})
    assert (result.status, result.code, result.http_status) == ("error", SERVER_ERROR, 503)
    assert "gave up" in result.message
    assert "do not loop" in (result.hint or "")
    # A 0.4 s wait fits in the 1 s budget, the next 0.8 s one does not: two requests, no more.
    assert len(agent.requests("GET")) == 2
    assert fake_time.sleeps == [0.4]
    assert sb.faults.pending == 8


async def test_a_persistent_429_ends_as_rate_limited_with_try_later(agent: Agent) -> None:
    agent.sb.faults.fail_next(10, kind=429, method="GET")
    result = await agent.run("search_contact", {"query": "John"})
    assert (result.status, result.code, result.http_status) == ("error", RATE_LIMITED, 429)
    assert "Try once more in a minute" in (result.hint or "")
    assert len(agent.requests("GET")) == 4  # max_attempts
    assert agent.sb.log[-1].response["code"] == "TOO_MANY_REQUESTS"


async def test_persistent_timeouts_end_as_a_network_error(agent: Agent) -> None:
    agent.sb.faults.fail_next(10, kind="timeout", method="GET")
    result = await agent.run("search_contact", {"query": "John"})
    assert (result.status, result.code) == ("error", NETWORK_ERROR)
    assert "timed out" in result.message
    assert "do not loop" in (result.hint or "")
    assert len(agent.requests("GET")) == 4


# --- creates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["drop", "timeout", 500, 502, 503])
async def test_a_create_whose_answer_is_lost_after_commit_is_not_duplicated(
    agent: Agent, kind: FaultKind
) -> None:
    agent.sb.faults.fail_next(1, kind=kind, method="POST", path="/crm/v7/Tasks", after_commit=True)
    result = await agent.run("create_task", {"subject": "Call Ms Quimby back"})

    assert (result.status, result.code) == ("error", OUTCOME_UNKNOWN)
    assert "Do NOT repeat it" in (result.hint or "")
    assert "search for the record first" in (result.hint or "")
    assert len(agent.requests("POST", "/Tasks")) == 1
    assert agent.time.sleeps == []
    created = only(agent.sb.find("Tasks", Subject="Call Ms Quimby back"))

    # Following the hint finds the record the lost answer would have named.
    found = await agent.run("search_task", {"query": "Quimby"})
    assert found.ok
    assert [r["id"] for r in found.data] == [created["id"]]


async def test_a_create_dropped_before_commit_is_unknown_and_nothing_was_written(
    agent: Agent,
) -> None:
    agent.sb.faults.fail_next(1, kind="drop", method="POST")
    result = await agent.run("create_task", {"subject": "Send the brochure"})
    # The client cannot tell a drop before commit from one after: it must not retry.
    assert result.code == OUTCOME_UNKNOWN
    assert agent.sb.find("Tasks", Subject="Send the brochure") == []
    assert (await agent.run("search_task", {"query": "brochure"})).status == "empty"
    assert (await agent.run("create_task", {"subject": "Send the brochure"})).ok
    only(agent.sb.find("Tasks", Subject="Send the brochure"))


async def test_a_create_refused_with_429_is_retried_and_made_once(agent: Agent) -> None:
    agent.sb.faults.fail_next(1, kind=429, method="POST")
    result = await agent.run("create_task", {"subject": "Ship the spare tracker"})
    assert result.ok, result
    created = only(agent.sb.find("Tasks", Subject="Ship the spare tracker"))
    assert result.data == {"id": created["id"]}
    assert [e.status for e in agent.requests("POST", "/Tasks")] == [429, 201]
    assert agent.time.sleeps == [0.25]


async def test_a_create_refused_with_429_until_the_end_is_rate_limited_not_unknown(
    agent: Agent,
) -> None:
    agent.sb.faults.fail_next(10, kind=429, method="POST")
    result = await agent.run("create_task", {"subject": "Never made"})
    assert (result.code, result.http_status) == (RATE_LIMITED, 429)
    assert agent.sb.find("Tasks", Subject="Never made") == []
    assert len(agent.requests("POST")) == 4


# --- updates and deletes -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [503, "drop"])
async def test_an_update_whose_answer_is_lost_after_commit_is_retried_safely(
    agent: Agent, kind: FaultKind
) -> None:
    before = john(agent.sb)
    contacts = len(agent.sb.records("Contacts"))
    agent.sb.faults.fail_next(1, kind=kind, method="PUT", after_commit=True)
    result = await agent.run(
        "update_contact", {"id": before["id"], "email": "john.smith@acme.example"}
    )
    assert result.ok, result
    assert result.data == {"id": before["id"]}
    sent = agent.requests("PUT", f"/Contacts/{before['id']}")
    assert [(e.fault, e.after_commit) for e in sent] == [(str(kind), True), (None, False)]
    assert sent[0].json == sent[1].json == {"data": [{"Email": "john.smith@acme.example"}]}
    after = john(agent.sb)
    assert after["Email"] == "john.smith@acme.example"
    assert {k: v for k, v in after.items() if k not in ("Email", "Modified_Time")} == {
        k: v for k, v in before.items() if k not in ("Email", "Modified_Time")
    }
    assert len(agent.sb.records("Contacts")) == contacts


@pytest.mark.parametrize("action", ["update_contact", "delete_contact"])
async def test_an_update_or_delete_whose_every_answer_was_lost_is_unknown_not_failed(
    agent: Agent, action: str
) -> None:
    before = john(agent.sb)
    method = "PUT" if action == "update_contact" else "DELETE"
    agent.sb.faults.fail_next(10, kind="drop", method=method, after_commit=True)
    arguments = {"id": before["id"], "email": "john@acme.example"} if method == "PUT" else {}
    result = await agent.run(action, {"id": before["id"], **arguments})
    # Zoho did it, and no answer said so: "failed" would be a lie, "unknown" sends the model to
    # check before it tells the caller anything.
    assert (result.status, result.code) == ("error", OUTCOME_UNKNOWN)
    assert "may or may not" in result.message
    assert "search for the record first" in (result.hint or "")


async def test_a_rename_retried_after_commit_is_not_a_duplicate_of_itself(agent: Agent) -> None:
    initech = only(agent.sb.find("Accounts", Account_Name="Initech"))
    agent.sb.faults.fail_next(1, kind=503, method="PUT", after_commit=True)
    result = await agent.run(
        "update_account", {"id": initech["id"], "account_name": "Initech Global"}
    )
    # Account_Name is unique: the retry sets the value the first attempt already set.
    assert result.ok, result
    assert only(agent.sb.find("Accounts", Account_Name="Initech Global"))["id"] == initech["id"]


async def test_a_delete_whose_answer_is_lost_after_commit_reports_the_record_deleted(
    agent: Agent,
) -> None:
    task = agent.sb.create("Tasks", {"Subject": "Obsolete follow-up"})
    agent.sb.faults.fail_next(1, kind="drop", method="DELETE", after_commit=True)
    result = await agent.run("delete_task", {"id": task["id"]})
    assert agent.sb.find("Tasks", id=task["id"]) == []
    # The retry finds the record already gone (Zoho: INVALID_DATA "record not deleted"); that is
    # what the caller asked for, not "no record has that id, search first".
    assert result.ok, result
    assert result.data == {"id": task["id"]}
    assert [e.status for e in agent.requests("DELETE")] == [None, 400]


# --- the token refresh -------------------------------------------------------------------------

TOKEN = "/oauth/v2/token"


@pytest.mark.parametrize("kind", ["drop", "timeout", 502, 503])
async def test_a_refresh_the_accounts_server_does_not_answer_is_retried(
    agent: Agent, clock: Clock, kind: FaultKind
) -> None:
    clock.advance(2 * 3600)  # the token has expired: refreshed before sending
    agent.sb.faults.fail_next(1, kind=kind, path=TOKEN)
    # A create too: the request itself was never sent, so a retry cannot duplicate it.
    result = await agent.run("create_task", {"subject": "After a refresh blip"})
    assert result.ok, result
    only(agent.sb.find("Tasks", Subject="After a refresh blip"))
    assert [e.fault for e in agent.sb.log.matching("POST", TOKEN)] == [str(kind), None]
    assert len(agent.requests("POST", "/Tasks")) == 1


async def test_an_unreachable_accounts_server_is_a_network_error_not_a_lost_connection(
    agent: Agent, clock: Clock
) -> None:
    clock.advance(2 * 3600)
    agent.sb.faults.fail_next(10, kind="drop", path=TOKEN)
    result = await agent.run("create_task", {"subject": "Never sent"})
    # Not NOT_CONNECTED ("the operator must reconnect"): nothing is wrong with the connection.
    assert (result.status, result.code) == ("error", NETWORK_ERROR)
    assert "could not refresh the token" in result.message
    assert "Try once more later" in (result.hint or "")
    assert agent.requests() == []
    assert agent.sb.find("Tasks", Subject="Never sent") == []
