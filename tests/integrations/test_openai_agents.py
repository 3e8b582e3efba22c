"""Our tools in the OpenAI Agents SDK's own ``Runner`` (Chat Completions mocked by respx)."""

from __future__ import annotations

import json

import httpx
import respx

from tests.agent.conftest import MODEL_API as BASE
from tests.agent.test_openai_llm import COMPLETIONS, completion, tool_call
from tests.openai_http import openai_http
from zoho_tools.adapters import export
from zoho_tools.agent.loop import Event, ToolEvent
from zoho_tools.integrations import ToolSession

from .conftest import CALLER


@respx.mock
async def test_the_runner_calls_our_tools_and_the_model_reads_our_reply_text(
    session: ToolSession, events: list[Event]
) -> None:
    from agents import Agent, OpenAIChatCompletionsModel, RunConfig, Runner
    from openai import AsyncOpenAI

    from zoho_tools.integrations.openai_agents import openai_agents_tools

    session.conversation.variables["caller_phone"] = CALLER
    route = respx.post(COMPLETIONS).mock(
        side_effect=[
            httpx.Response(
                200,
                json=completion(
                    {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            tool_call("c1", "search_contact", {"query": None}),
                            tool_call("c2", "create_case", {"subject": None}),
                        ],
                    },
                    "tool_calls",
                ),
            ),
            httpx.Response(
                200,
                json=completion({"role": "assistant", "content": "Hi John."}, "stop"),
            ),
        ]
    )
    client = AsyncOpenAI(api_key="sk-test", base_url=BASE, http_client=openai_http())
    tools = openai_agents_tools(session)
    agent = Agent(
        name="Ava",
        instructions="Test agent.",
        tools=list(tools),
        model=OpenAIChatCompletionsModel(model="test-model", openai_client=client),
    )
    result = await Runner.run(agent, "Hello", run_config=RunConfig(tracing_disabled=True))

    assert result.final_output == "Hi John."
    # The SDK sent our strict definitions unchanged.
    sent = json.loads(route.calls[0].request.content)["tools"]
    assert sent == export(session.conversation.tools, "openai")
    # Each tool output the model read is the reply of our orchestrator for that call.
    replies = {e.call.id: e.reply for e in events if isinstance(e, ToolEvent)}
    messages = json.loads(route.calls[1].request.content)["messages"]
    outputs = {m["tool_call_id"]: m["content"] for m in messages if m["role"] == "tool"}
    assert outputs == {call_id: reply.text for call_id, reply in replies.items()}
    assert replies["c1"].structured["data"][0]["Full_Name"] == "John Smith"
    assert replies["c2"].status == "needs_input"  # the subject is asked for, never invented


@respx.mock
async def test_with_a_surface_the_runner_shows_loaded_actions_from_the_next_turn(
    session: ToolSession,
) -> None:
    from agents import Agent, OpenAIChatCompletionsModel, RunConfig, Runner
    from openai import AsyncOpenAI

    from zoho_tools.dynamic import LOAD_ACTIONS, ToolSurface
    from zoho_tools.integrations.openai_agents import openai_agents_tools

    session.surface = ToolSurface(session.conversation.tools, profile="voice")
    turns = [
        tool_call("m1", LOAD_ACTIONS, {"category": "deals"}),
        tool_call("d1", "search_deal", {"query": "Acme"}),
    ]
    route = respx.post(COMPLETIONS).mock(
        side_effect=[
            *(
                httpx.Response(
                    200,
                    json=completion(
                        {"role": "assistant", "content": None, "tool_calls": [turn]}, "tool_calls"
                    ),
                )
                for turn in turns
            ),
            httpx.Response(
                200, json=completion({"role": "assistant", "content": "Found it."}, "stop")
            ),
        ]
    )
    client = AsyncOpenAI(api_key="sk-test", base_url=BASE, http_client=openai_http())
    agent = Agent(
        name="Ava",
        tools=list(openai_agents_tools(session)),
        model=OpenAIChatCompletionsModel(model="test-model", openai_client=client),
    )
    result = await Runner.run(agent, "My Acme deal?", run_config=RunConfig(tracing_disabled=True))

    assert result.final_output == "Found it."
    sent = [
        [t["function"]["name"] for t in json.loads(call.request.content)["tools"]]
        for call in route.calls
    ]
    voice = list(session.conversation.tools.select(profile="voice"))
    assert sent[0] == [LOAD_ACTIONS, *voice]
    assert "search_deal" in sent[1] and set(sent[0]) < set(sent[1])
    output = json.loads(route.calls[2].request.content)["messages"][-1]["content"]
    assert json.loads(output)["status"] == "ok"
