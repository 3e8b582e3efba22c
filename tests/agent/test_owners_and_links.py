"""Owners on record actions, and activities linked beyond contacts, on the demo sandbox."""

from __future__ import annotations

import json
from typing import Any

from zoho_tools.agent.loop import run_tool_calls
from zoho_tools.connection import sandbox_executor
from zoho_tools.orchestrator import Conversation, ToolCall
from zoho_tools.sandbox import Sandbox


async def _run(sandbox: Sandbox, conversation: Conversation, name: str, **args: Any) -> Any:
    async with sandbox_executor(sandbox) as executor:
        (event,) = await run_tool_calls(conversation, executor, [ToolCall(name, args)])
    return json.loads(event.shown)


def _one(sandbox: Sandbox, module: str, **equals: Any) -> dict[str, Any]:
    [record] = sandbox.find(module, **equals)
    return record


async def test_a_new_record_gets_the_owner_named(sandbox: Sandbox) -> None:
    conversation = Conversation()
    shown = await _run(sandbox, conversation, "create_contact", last_name="Lee", owner="Jordan")
    assert shown["status"] == "ok"
    assert _one(sandbox, "Contacts", Last_Name="Lee")["Owner"]["name"] == "Jordan Reyes"
    [users] = sandbox.log.matching("GET", "/users")
    assert users.query["type"] == "ActiveUsers"


async def test_an_owner_by_email_or_id_and_a_reassignment(sandbox: Sandbox) -> None:
    conversation = Conversation()
    sam = next(u for u in sandbox.users if u["last_name"] == "Patel")
    renewal = _one(sandbox, "Deals", Deal_Name="Acme Corp - Fleet Renewal")
    shown = await _run(
        sandbox, conversation, "update_deal", id=renewal["id"], owner="SAM.patel@zylker.example"
    )
    assert shown["status"] == "ok"
    assert _one(sandbox, "Deals", Deal_Name="Acme Corp - Fleet Renewal")["Owner"]["id"] == sam["id"]
    sandbox.log.clear()
    shown = await _run(
        sandbox, conversation, "create_case", subject="Broken tracker", owner=sam["id"]
    )
    assert shown["status"] == "ok" and not sandbox.log.matching("GET", "/users")
    assert _one(sandbox, "Cases", Subject="Broken tracker")["Owner"]["name"] == "Sam Patel"


async def test_an_unknown_owner_is_refused_and_nothing_written(sandbox: Sandbox) -> None:
    shown = await _run(
        sandbox, Conversation(), "create_lead", last_name="Vu", company="Vu Co", owner="Taylor"
    )
    assert shown["status"] == "rejected" and shown["problems"][0].startswith("owner: nothing")
    assert not sandbox.find("Leads", Last_Name="Vu")


async def test_list_users_lists_every_user(sandbox: Sandbox) -> None:
    shown = await _run(sandbox, Conversation(), "list_users")
    assert shown["count"] == len(sandbox.users)
    assert sandbox.log.matching("GET", "/users")[0].query["type"] == "AllUsers"
    # No filter to choose: the list says each user's status and role.
    shown = await _run(sandbox, Conversation(), "list_users", type="AdminUsers")
    assert shown["status"] == "rejected" and "has no parameter 'type'" in shown["problems"][0]
    assert len(sandbox.log.matching("GET", "/users")) == 1


async def test_tasks_and_calls_link_to_a_deal_or_a_lead(sandbox: Sandbox) -> None:
    conversation = Conversation()
    renewal = _one(sandbox, "Deals", Deal_Name="Acme Corp - Fleet Renewal")
    emily = _one(sandbox, "Leads", Last_Name="Davis")
    task = await _run(
        sandbox, conversation, "create_task", subject="Send the contract",
        related_module="Deals", related_id=renewal["id"], contact="John Smith",
    )  # fmt: skip
    assert task["status"] == "ok"
    stored = _one(sandbox, "Tasks", Subject="Send the contract")
    assert stored["What_Id"] == {"name": "Acme Corp - Fleet Renewal", "id": renewal["id"]}
    assert stored["$se_module"] == "Deals" and stored["Who_Id"]["name"] == "John Smith"
    call = await _run(
        sandbox, conversation, "log_call", subject="Intro call", call_type="Outbound",
        related_module="Leads", related_id=emily["id"],
    )  # fmt: skip
    assert call["status"] == "ok"
    [post] = sandbox.log.matching("POST", "/Calls")
    assert post.json["data"][0]["What_Id"] == {"id": emily["id"]}
    assert post.json["data"][0]["$se_module"] == "Leads"


async def test_a_link_without_its_module_is_asked_for(sandbox: Sandbox) -> None:
    conversation = Conversation()
    renewal = _one(sandbox, "Deals", Deal_Name="Acme Corp - Fleet Renewal")
    shown = await _run(sandbox, conversation, "create_task", subject="X", related_id=renewal["id"])
    assert shown["status"] == "needs_input" and shown["missing"] == ["related_module"]
    shown = await _run(sandbox, conversation, "create_task", related_module="deals")
    assert shown["status"] == "ok"
    assert _one(sandbox, "Tasks", Subject="X")["$se_module"] == "Deals"


async def test_a_meeting_with_participants_about_an_account(sandbox: Sandbox) -> None:
    john = _one(sandbox, "Contacts", Last_Name="Smith")
    emily = _one(sandbox, "Leads", Last_Name="Davis")
    acme = _one(sandbox, "Accounts", Account_Name="Acme Corp")
    jordan = next(u for u in sandbox.users if u["first_name"] == "Jordan")
    shown = await _run(
        sandbox, Conversation(), "create_event", title="Fleet review",
        start="2026-12-01T10:00:00-05:00", related_module="Accounts", related_id=acme["id"],
        participants=[{"type": "contact", "id": john["id"]}, {"type": "lead", "id": emily["id"]},
                      {"type": "user", "id": jordan["id"]}],
    )  # fmt: skip
    assert shown["status"] == "ok"
    [post] = sandbox.log.matching("POST", "/Events")
    assert post.json["data"][0]["Participants"] == [
        {"type": "contact", "participant": john["id"]},
        {"type": "lead", "participant": emily["id"]},
        {"type": "user", "participant": jordan["id"]},
    ]
    event = _one(sandbox, "Events", Event_Title="Fleet review")
    assert event["What_Id"]["id"] == acme["id"] and len(event["Participants"]) == 3


async def test_a_participant_of_an_unknown_kind_is_refused_before_sending(
    sandbox: Sandbox,
) -> None:
    shown = await _run(
        sandbox, Conversation(), "create_event", title="X", start="2026-12-01T10:00:00-05:00",
        participants=[{"type": "robot", "id": "123"}],
    )  # fmt: skip
    assert shown["status"] == "rejected" and "participants" in shown["problems"][0]
    assert not sandbox.log.matching("POST", "/Events")
