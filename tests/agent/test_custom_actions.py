"""A custom action from a file says everything a built-in one can, and the agent loop runs it
against the demo sandbox like one: a record given by name is looked up, a list of items renders
to Zoho's form, a default follows from another value, ranges and conditions are checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from zoho_tools.agent.llm import AssistantTurn, ScriptedLLM
from zoho_tools.agent.loop import Agent
from zoho_tools.catalog import CATALOG
from zoho_tools.connection import demo_variables, sandbox_executor
from zoho_tools.custom_actions import load_custom_actions
from zoho_tools.normalize import Locale
from zoho_tools.orchestrator import Conversation, NeedsInput, Ready, Rejected
from zoho_tools.sandbox import Sandbox
from zoho_tools.templates import ActionTemplate

from .conftest import NOW, turn

BOOK_MEETING = """
[[actions]]
name = "book_meeting"
description = "Book a meeting with a contact."
method = "POST"
path = "/Events"
fields = ["Event_Title", "Start_DateTime", "End_DateTime", "Who_Id"]

[[actions.body.data]]
Event_Title = "{{title}}"
Start_DateTime = "{{start}}"
End_DateTime = "{{end}}"
Who_Id = { id = "{{contact}}" }
Remind_At = [{ unit = "{{remind_minutes}}", period = "minutes" }]
Venue = "{{venue}}"
Participants = "{{participants}}"

[[actions.params]]
name = "title"
required = true
min_length = 3
ask = "What is the meeting about?"

[[actions.params]]
name = "start"
type = "datetime"
required = true
ask = "When should it start?"

[[actions.params]]
name = "end"
type = "datetime"
required = true
default = { source = "start", minutes = 45 }

[[actions.params]]
name = "remind_minutes"
type = "integer"
default = 10
minimum = 0
maximum = 60

[[actions.params]]
name = "contact"
type = "id"
required = true
lookup = "Contacts"

[[actions.params]]
name = "where"
enum = ["Office", "Elsewhere"]
default = "Office"

[[actions.params]]
name = "venue"
required_when = ["where", "Elsewhere"]
ask = "Where will you meet?"

[[actions.params]]
name = "participants"
type = "items"
item_template = { type = "{{type}}", participant = "{{id}}" }

[[actions.params.item_params]]
name = "type"
enum = ["contact", "lead", "user"]
required = true

[[actions.params.item_params]]
name = "id"
type = "id"
required = true
"""


@pytest.fixture
def book_meeting(tmp_path: Path) -> ActionTemplate:
    path = tmp_path / "actions.toml"
    path.write_text(BOOK_MEETING)
    (action,) = load_custom_actions(path)
    return action


@pytest.fixture
def custom_conversation(sandbox: Sandbox, book_meeting: ActionTemplate) -> Conversation:
    return Conversation(
        catalog=CATALOG.with_actions([book_meeting]),
        variables={"call_id": "CA-9", **demo_variables(sandbox)},
        locale=Locale(time_zone="America/New_York"),
        now=lambda: NOW,
    )


async def say(sandbox: Sandbox, conversation: Conversation, *turns: AssistantTurn) -> list[Any]:
    executor = sandbox_executor(sandbox)
    agent = Agent(ScriptedLLM([*turns, turn("Done.")]), executor, conversation, system_prompt="T.")
    try:
        reply = await agent.respond("Book it.")
    finally:
        await executor.aclose()
    return list(reply.events)


async def test_a_custom_action_looks_up_a_name_renders_items_and_derives_a_default(
    sandbox: Sandbox, custom_conversation: Conversation
) -> None:
    (john,) = sandbox.find("Contacts", Last_Name="Smith", First_Name="John")
    (jane,) = sandbox.find("Contacts", Last_Name="Doe", First_Name="Jane")
    arguments = {
        "title": "Fleet review",
        "start": "2026-11-25T10:00",
        "contact": "John Smith",  # a name: looked up, never sent
        "participants": [{"type": "contact", "id": jane["id"]}],
    }
    (event,) = await say(sandbox, custom_conversation, turn("", ("book_meeting", arguments)))
    assert isinstance(event.outcome, Ready), event.reply.text
    assert event.result is not None and event.result.ok, event.result
    (sent,) = event.result.request.json["data"]
    assert sent == {
        "Event_Title": "Fleet review",
        "Start_DateTime": "2026-11-25T10:00:00-05:00",
        "End_DateTime": "2026-11-25T10:45:00-05:00",  # start + 45 minutes
        "Who_Id": {"id": john["id"]},
        "Remind_At": [{"unit": 10, "period": "minutes"}],
        "Participants": [{"type": "contact", "participant": jane["id"]}],
    }
    (stored,) = sandbox.find("Events", Event_Title="Fleet review")
    assert stored["Who_Id"]["id"] == john["id"]
    assert stored["End_DateTime"] == "2026-11-25T10:45:00-05:00"


async def test_a_custom_actions_ranges_lengths_and_conditions_are_checked(
    sandbox: Sandbox, custom_conversation: Conversation
) -> None:
    (john,) = sandbox.find("Contacts", Last_Name="Smith", First_Name="John")
    too_much = {
        "title": "Hi",
        "start": "2026-11-25T10:00",
        "contact": john["id"],
        "remind_minutes": 90,
    }
    elsewhere = {"title": "Site visit", "start": "2026-11-25T10:00", "contact": john["id"]}
    refused, asked = await say(
        sandbox,
        custom_conversation,
        turn("", ("book_meeting", too_much)),
        turn("", ("book_meeting", {**elsewhere, "where": "elsewhere"})),
    )
    assert isinstance(refused.outcome, Rejected)
    problems = {p.param: p.message for p in refused.outcome.problems}
    assert set(problems) == {"title", "remind_minutes"}
    assert "at least 3 characters" in problems["title"]
    assert "at most 60" in problems["remind_minutes"]
    assert isinstance(asked.outcome, NeedsInput)
    assert [(m.name, m.question) for m in asked.outcome.missing] == [
        ("venue", "Where will you meet?")
    ]
    assert sandbox.find("Events", Event_Title="Site visit") == []
