"""The agent loop with a scripted model, against the demo sandbox."""

from __future__ import annotations

import json
from typing import Any

from zoho_tools.agent.llm import ScriptedLLM
from zoho_tools.agent.loop import Agent, Event, SpeechEvent, ToolEvent
from zoho_tools.connection import sandbox_executor
from zoho_tools.orchestrator import Conversation, NeedsInput, Ready
from zoho_tools.sandbox import Sandbox

from .conftest import InFlight, turn


async def test_tool_results_go_back_to_the_model_before_it_answers(make_agent: Any) -> None:
    events: list[Event] = []
    model = ScriptedLLM(
        [
            turn("One moment.", ("search_contact", {"query": "John Smith"})),
            turn("Found you, John."),
        ]
    )
    agent = make_agent(model, events=events)
    reply = await agent.respond("Hi, it's John Smith.")
    assert reply.text == "One moment. Found you, John."
    assert not reply.stopped
    [event] = reply.events
    assert event.result is not None and event.result.ok
    # The second model turn saw: system, user, assistant with the tool call, the tool result.
    second = model.seen[1]
    assert [m["role"] for m in second] == ["system", "user", "assistant", "tool"]
    assert second[2]["tool_calls"][0]["function"]["name"] == "search_contact"
    assert second[3]["tool_call_id"] == "call_0"
    assert json.loads(second[3]["content"])["data"][0]["Full_Name"] == "John Smith"
    assert [type(e) for e in events] == [SpeechEvent, SpeechEvent, ToolEvent, SpeechEvent]


async def test_parallel_tool_calls_are_sent_concurrently(
    sandbox: Sandbox, conversation: Conversation
) -> None:
    model = ScriptedLLM(
        [
            turn(
                "",
                ("search_contact", {"query": "John Smith"}),
                ("search_account", {"query": "Acme"}),
                ("create_lead", {"last_name": "Doe"}),  # needs input: never sent
            ),
            turn("Done."),
        ]
    )
    in_flight = InFlight(sandbox.async_transport())
    executor = sandbox_executor(sandbox, transport=in_flight)
    agent = Agent(model, executor, conversation, system_prompt="Test.")
    try:
        reply = await agent.respond("Look up John and Acme.")
    finally:
        await executor.aclose()
    outcomes = [type(e.outcome) for e in reply.events]
    assert outcomes == [Ready, Ready, NeedsInput]
    assert all(e.result is not None and e.result.ok for e in reply.events[:2])
    assert in_flight.most == 2
    tool_messages = [m for m in agent.messages if m["role"] == "tool"]
    assert [m["tool_call_id"] for m in tool_messages] == ["call_0", "call_1", "call_2"]
    assert json.loads(tool_messages[2]["content"])["status"] == "needs_input"


async def test_a_model_that_never_stops_calling_tools_is_stopped(make_agent: Any) -> None:
    model = ScriptedLLM([turn("", ("list_users", {})) for _ in range(5)])
    agent = make_agent(model, max_rounds=3)
    reply = await agent.respond("Who works there?")
    assert reply.stopped
    assert len(reply.events) == 3
    assert len(model.turns) == 2  # never asked past the limit


async def test_direct_calls_take_the_same_path(make_agent: Any, sandbox: Sandbox) -> None:
    agent = make_agent(ScriptedLLM([]))
    event = await agent.call("create_task", '{"subject": "Send the contract"}')
    assert isinstance(event.outcome, Ready)
    assert event.result is not None and event.result.ok
    assert sandbox.find("Tasks", Subject="Send the contract")
    again = await agent.call("create_task", '{"subject": "Send the contract"}')
    assert json.loads(again.shown)["status"] == "already_done"
    assert len(sandbox.find("Tasks", Subject="Send the contract")) == 1


async def test_chaining_across_turns(make_agent: Any, sandbox: Sandbox) -> None:
    model = ScriptedLLM(
        [
            turn("", ("search_contact", {"query": None})),  # the caller's number
            turn(
                "",
                (
                    "create_task",
                    {"subject": "Call John back", "contact": "{{search_contact.id}}"},
                ),
            ),
            turn("I'll make sure someone calls you back."),
        ]
    )
    agent = make_agent(model)
    await agent.respond("Please have someone call me back.")
    [task] = sandbox.find("Tasks", Subject="Call John back")
    assert task["Who_Id"]["name"] == "John Smith"
