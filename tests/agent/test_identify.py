"""identify_caller on the demo sandbox: one tool call finds the caller and what is open for them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.agent.conftest import InFlight
from zoho_tools.agent.llm import ScriptedLLM
from zoho_tools.agent.loop import identify_at_call_start, run_tool_calls
from zoho_tools.connection import sandbox_executor
from zoho_tools.executor import RetryPolicy
from zoho_tools.orchestrator import Conversation, Employee, ToolCall
from zoho_tools.sandbox import Sandbox


def _shown(event: Any) -> dict[str, Any]:
    return dict(json.loads(event.shown))


async def _identify(sandbox: Sandbox, conversation: Conversation) -> dict[str, Any]:
    async with sandbox_executor(sandbox) as executor:
        (event,) = await run_tool_calls(conversation, executor, [ToolCall("identify_caller", {})])
    return _shown(event)


async def test_a_contact_comes_with_their_account_and_what_is_open(
    sandbox: Sandbox, conversation: Conversation
) -> None:
    shown = await _identify(sandbox, conversation)
    [john] = sandbox.find("Contacts", Last_Name="Smith")
    data = shown["data"]
    assert shown["status"] == "ok"
    assert data["module"] == "Contacts" and data["id"] == john["id"]
    assert data["name"] == "John Smith"
    assert (data["account_id"], data["account_name"]) == (john["Account_Name"]["id"], "Acme Corp")
    assert [c["Subject"] for c in data["open_cases"]] == ["Tracker not reporting location"]
    # The closed-won support plan is not open; the renewal is.
    assert [d["Deal_Name"] for d in data["open_deals"]] == ["Acme Corp - Fleet Renewal"]
    assert [e["Event_Title"] for e in data["upcoming_events"]] == ["Quarterly review with Acme"]
    assert "other_matches" not in data and "unavailable" not in data


async def test_closed_cases_and_past_meetings_are_left_out(
    sandbox: Sandbox, conversation: Conversation
) -> None:
    [case] = sandbox.find("Cases", Subject="Tracker not reporting location")
    [john] = sandbox.find("Contacts", Last_Name="Smith")
    sandbox.create(
        "Cases",
        {"Subject": "Old billing question", "Status": "Closed", "Case_Origin": "Phone",
         "Related_To": {"id": john["id"]}},
    )  # fmt: skip
    sandbox.create(
        "Events",
        {"Event_Title": "Kick-off last month", "Start_DateTime": "2026-10-01T10:00:00-04:00",
         "End_DateTime": "2026-10-01T11:00:00-04:00", "Who_Id": {"id": john["id"]}},
    )  # fmt: skip
    data = (await _identify(sandbox, conversation))["data"]
    assert [c["id"] for c in data["open_cases"]] == [case["id"]]
    assert [e["Event_Title"] for e in data["upcoming_events"]] == ["Quarterly review with Acme"]


async def test_a_lead_or_a_company_line_is_found_too(
    sandbox: Sandbox, conversation: Conversation
) -> None:
    conversation.variables["caller_phone"] = "+15554441212"  # Emily Davis, a lead
    lead = (await _identify(sandbox, conversation))["data"]
    assert (lead["module"], lead["name"], lead["company"]) == (
        "Leads",
        "Emily Davis",
        "Brightside Dental",
    )
    assert "open_deals" not in lead
    conversation.variables["caller_phone"] = "+15550100100"  # Acme Corp's main line
    account = (await _identify(sandbox, conversation))["data"]
    assert account["module"] == "Accounts" and account["account_name"] == "Acme Corp"
    assert [d["Deal_Name"] for d in account["open_deals"]] == ["Acme Corp - Fleet Renewal"]


async def test_an_unknown_number_is_an_empty_answer_with_what_to_do(
    sandbox: Sandbox, conversation: Conversation
) -> None:
    conversation.variables["caller_phone"] = "+15550000000"
    shown = await _identify(sandbox, conversation)
    assert shown["status"] == "empty" and "ask for their name" in shown["hint"]
    assert conversation.results["identify_caller"].status == "empty"


async def test_several_records_with_the_number_are_named(
    sandbox: Sandbox, conversation: Conversation
) -> None:
    sandbox.create("Leads", {"Last_Name": "Smith", "Company": "Smith Ltd", "Phone": "5551234567"})
    data = (await _identify(sandbox, conversation))["data"]
    assert data["name"] == "John Smith"  # a contact first
    assert data["other_matches"] == [
        {"module": "Leads", "id": data["other_matches"][0]["id"], "name": "Smith"}
    ]


async def test_the_searches_run_in_parallel_and_chain(
    sandbox: Sandbox, conversation: Conversation
) -> None:
    in_flight = InFlight(sandbox.async_transport())
    async with sandbox_executor(sandbox, transport=in_flight) as executor:
        await run_tool_calls(conversation, executor, [ToolCall("identify_caller", {})])
        assert in_flight.most >= 3  # Contacts, Leads and Accounts at once
        (event,) = await run_tool_calls(
            conversation,
            executor,
            [
                ToolCall(
                    "create_task", {"subject": "Call back", "contact": "{{identify_caller.id}}"}
                )
            ],
        )
    assert _shown(event)["status"] == "ok"
    [john] = sandbox.find("Contacts", Last_Name="Smith")
    assert sandbox.find("Tasks", Subject="Call back")[0]["Who_Id"]["id"] == john["id"]


async def test_a_failing_people_search_is_the_actions_error(
    sandbox: Sandbox, conversation: Conversation
) -> None:
    sandbox.faults.fail_next(8, kind=503, path="/crm/v7/Contacts/search")
    sandbox.faults.fail_next(8, kind=503, path="/crm/v7/Leads/search")
    sandbox.faults.fail_next(8, kind=503, path="/crm/v7/Accounts/search")
    async with sandbox_executor(sandbox, retry=RetryPolicy(max_attempts=1)) as executor:
        (event,) = await run_tool_calls(conversation, executor, [ToolCall("identify_caller", {})])
    shown = _shown(event)
    assert shown["status"] == "error" and event.reply.is_error
    assert "identify_caller" not in conversation.results


async def test_a_failing_list_is_named_not_fatal(
    sandbox: Sandbox, conversation: Conversation
) -> None:
    sandbox.faults.fail_next(8, kind=503, path="/crm/v7/Cases/search")
    async with sandbox_executor(sandbox, retry=RetryPolicy(max_attempts=1)) as executor:
        (event,) = await run_tool_calls(conversation, executor, [ToolCall("identify_caller", {})])
    data = _shown(event)["data"]
    assert data["unavailable"] == ["open_cases"] and data["open_deals"]


async def test_with_no_caller_number_it_asks_for_one(sandbox: Sandbox) -> None:
    conversation = Conversation()
    shown = await _identify(sandbox, conversation)
    assert shown["status"] == "needs_input" and shown["missing"] == ["phone"]


async def test_call_start_hook_and_agent_start(sandbox: Sandbox, make_agent: Any) -> None:
    agent = make_agent(ScriptedLLM([]))
    event = await agent.start()
    assert _shown(event)["data"]["name"] == "John Smith"
    assert agent.messages[-1]["role"] == "system"
    assert "John Smith" in agent.messages[-1]["content"]
    assert agent.conversation.results["identify_caller"].ok


async def test_call_start_without_the_action_enabled_is_a_plain_rejection(
    sandbox: Sandbox,
) -> None:
    conversation = Conversation(
        employee=Employee(actions=frozenset({"search_contact"})),
        variables={"caller_phone": "+15551234567"},
    )
    async with sandbox_executor(sandbox) as executor:
        event = await identify_at_call_start(conversation, executor)
    assert _shown(event)["status"] == "rejected" and event.reply.is_error


@pytest.mark.parametrize("phone", ["(555) 123-4567", "555.123.4567"])
async def test_the_number_may_be_given_in_any_spoken_form(sandbox: Sandbox, phone: str) -> None:
    conversation = Conversation()
    async with sandbox_executor(sandbox) as executor:
        (event,) = await run_tool_calls(
            conversation, executor, [ToolCall("identify_caller", {"phone": phone})]
        )
    assert _shown(event)["data"]["name"] == "John Smith"
