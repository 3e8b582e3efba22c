"""Our tools in a real LiveKit ``AgentSession`` (text mode, a scripted model, the sandbox)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from zoho_tools.adapters import export
from zoho_tools.agent.loop import Event, ToolEvent
from zoho_tools.integrations import ToolSession

from .conftest import CALLER


@dataclass
class SipParticipant:
    attributes: dict[str, str] = field(default_factory=dict)


async def run(session: ToolSession, turns: list[Any], said: str = "Hello") -> list[Any]:
    from livekit.agents import Agent, AgentSession, RunResult

    from zoho_tools.integrations.livekit import livekit_tools

    from .livekit_llm import ScriptedLiveKitLLM

    model = ScriptedLiveKitLLM(turns)
    async with AgentSession(llm=model) as lk_session:
        await lk_session.start(Agent(instructions="Test agent.", tools=livekit_tools(session)))
        result: RunResult[None] = await lk_session.run(user_input=said)
    return [model, *result.events]


async def test_a_tool_call_runs_through_the_orchestrator_and_comes_back_as_the_reply_text(
    session: ToolSession, events: list[Event]
) -> None:
    session.conversation.variables["caller_phone"] = CALLER
    model, call, output, message = await run(
        session, [("", [("search_contact", '{"query": null}', "c1")]), ("Hi John!", [])]
    )
    assert call.item.name == "search_contact"
    (event,) = events
    assert isinstance(event, ToolEvent) and event.call.id == "c1"
    # The output LiveKit hands the model is our one reply text, found by the caller's number.
    assert output.item.output == event.reply.text
    assert not output.item.is_error
    assert json.loads(output.item.output)["data"][0]["Full_Name"] == "John Smith"
    assert message.item.content == ["Hi John!"]
    # The raw schema goes to OpenAI verbatim: exactly our strict Chat export.
    assert model.sent_tools[0] == export(session.conversation.tools, "openai")


async def test_asking_the_caller_is_a_plain_output_and_a_rejection_a_tool_error(
    session: ToolSession, events: list[Event]
) -> None:
    _, _, asked, _, rejected, _ = await run(
        session,
        [
            ("", [("create_case", "{}", "c1")]),
            ("", [("create_case", '{"subjekt": "Broken router"}', "c2")]),
            ("What is the problem about?", []),
        ],
    )
    needs_input, wrong_type = (e.reply for e in events if isinstance(e, ToolEvent))
    assert needs_input.status == "needs_input" and not asked.item.is_error
    assert asked.item.output == needs_input.text
    # LiveKit marks a ToolError's message as an error output; the text is still ours.
    assert wrong_type.status == "rejected" and rejected.item.is_error
    assert rejected.item.output == wrong_type.text


def test_the_caller_number_comes_from_the_sip_participant() -> None:
    from zoho_tools.integrations.livekit import caller_variables

    sip = SipParticipant({"sip.phoneNumber": CALLER, "sip.callID": "SCL_1"})
    assert caller_variables(sip) == {"caller_phone": CALLER}
    assert caller_variables(SipParticipant()) == {}  # a participant that is not a phone call
    assert caller_variables(None) == {}


async def test_a_session_without_a_room_leaves_the_caller_unknown_and_the_tool_asks(
    session: ToolSession,
) -> None:
    # Text mode has no SIP participant: search_contact's query has the caller's number as its
    # default, which is then unknown, so the orchestrator asks instead of guessing.
    _, _, output, _ = await run(
        session, [("", [("search_contact", '{"query": null}', "c1")]), ("Who is calling?", [])]
    )
    assert "caller_phone" not in session.conversation.variables
    assert json.loads(output.item.output)["missing"] == ["query"]


async def test_with_a_surface_a_load_gives_the_running_agent_the_new_tools(
    session: ToolSession,
) -> None:
    from livekit.agents import Agent, AgentSession, RunResult

    from zoho_tools.dynamic import LOAD_ACTIONS, ToolSurface
    from zoho_tools.integrations.livekit import livekit_tools

    from .livekit_llm import ScriptedLiveKitLLM

    session.surface = ToolSurface(session.conversation.tools, profile="voice")
    model = ScriptedLiveKitLLM(
        [
            ("", [(LOAD_ACTIONS, '{"category": "deals"}', "m1")]),
            ("Deals are open to me now.", []),
            ("", [("search_deal", '{"query": "Acme"}', "d1")]),
            ("Your Acme deal is in negotiation.", []),
        ]
    )
    async with AgentSession(llm=model) as lk_session:
        await lk_session.start(Agent(instructions="Test agent.", tools=livekit_tools(session)))
        loaded: RunResult[None] = await lk_session.run(user_input="My Acme deal?")
        found: RunResult[None] = await lk_session.run(user_input="Go ahead.")
    names = [[t["function"]["name"] for t in sent] for sent in model.sent_tools]
    voice = list(session.conversation.tools.select(profile="voice"))
    assert names[0] == [LOAD_ACTIONS, *voice]
    # LiveKit keeps a reply's tools for the whole reply: the loaded ones come with the next turn.
    assert "search_deal" in names[2] and set(names[0]) < set(names[2])
    (load_output,) = [e.item for e in loaded.events if e.type == "function_call_output"]
    (search_output,) = [e.item for e in found.events if e.type == "function_call_output"]
    assert json.loads(load_output.output)["actions"][0] == "search_deal"
    assert json.loads(search_output.output)["status"] == "ok"
