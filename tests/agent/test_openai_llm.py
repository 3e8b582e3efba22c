"""The agent loop over the OpenAI SDK, Chat Completions answered by a respx router that is the
client's transport: tool calls (two in parallel) in plain and streamed answers, run for real
against the demo sandbox."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx
import respx

from tests.agent.conftest import MODEL_API as BASE
from zoho_tools.adapters import export
from zoho_tools.agent.openai_llm import OpenAIChatLLM
from zoho_tools.sandbox import Sandbox

if TYPE_CHECKING:
    from openai import AsyncOpenAI

COMPLETIONS = f"{BASE}/chat/completions"


def completion(message: dict[str, Any], finish: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "test-model",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
    }


def tool_call(call_id: str, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": call_id,
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(arguments)},
    }


def sse(chunks: list[dict[str, Any]]) -> httpx.Response:
    body = "".join(f"data: {json.dumps(chunk)}\n\n" for chunk in chunks) + "data: [DONE]\n\n"
    return httpx.Response(200, text=body, headers={"content-type": "text/event-stream"})


def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-2",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "test-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


async def test_two_parallel_tool_calls_then_an_answer(
    model_api: respx.MockRouter, client: AsyncOpenAI, make_agent: Any, sandbox: Sandbox
) -> None:
    route = model_api.post(COMPLETIONS).mock(
        side_effect=[
            httpx.Response(
                200,
                json=completion(
                    {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            tool_call("call_a", "search_contact", {"query": "John Smith"}),
                            tool_call("call_b", "search_deal", {"query": "Acme"}),
                        ],
                    },
                    "tool_calls",
                ),
            ),
            httpx.Response(
                200,
                json=completion(
                    {"role": "assistant", "content": "John, I see your Acme deals."}, "stop"
                ),
            ),
        ]
    )
    agent = make_agent(OpenAIChatLLM(client, "test-model", stream=False))
    reply = await agent.respond("Hi, John Smith from Acme here.")
    assert reply.text == "John, I see your Acme deals."
    assert [e.call.name for e in reply.events] == ["search_contact", "search_deal"]
    assert all(e.result is not None and e.result.ok for e in reply.events)

    first = json.loads(route.calls[0].request.content)
    assert first["model"] == "test-model"
    assert first["parallel_tool_calls"] is True
    assert first["tools"] == export(agent.conversation.tools, "openai")
    second = json.loads(route.calls[1].request.content)
    assert [m["role"] for m in second["messages"]] == [
        "system",
        "user",
        "assistant",
        "tool",
        "tool",
    ]
    answers = {m["tool_call_id"]: json.loads(m["content"]) for m in second["messages"][3:]}
    assert answers["call_a"]["data"][0]["Full_Name"] == "John Smith"
    assert answers["call_b"]["count"] >= 1


async def test_streamed_text_and_fragmented_tool_calls(
    model_api: respx.MockRouter, client: AsyncOpenAI, make_agent: Any, sandbox: Sandbox
) -> None:
    arguments = json.dumps({"subject": "Call back about the order", "due_date": "2026-11-25"})
    model_api.post(COMPLETIONS).mock(
        side_effect=[
            sse(
                [
                    chunk({"role": "assistant", "content": "One "}),
                    chunk({"content": "moment."}),
                    chunk(
                        {
                            "tool_calls": [
                                {
                                    "index": 0,
                                    "id": "call_x",
                                    "type": "function",
                                    "function": {
                                        "name": "create_task",
                                        "arguments": arguments[:20],
                                    },
                                },
                            ]
                        }
                    ),
                    chunk(
                        {"tool_calls": [{"index": 0, "function": {"arguments": arguments[20:]}}]}
                    ),
                    chunk(
                        {
                            "tool_calls": [
                                {
                                    "index": 1,
                                    "id": "call_y",
                                    "type": "function",
                                    "function": {"name": "list_users", "arguments": "{}"},
                                }
                            ]
                        }
                    ),
                    chunk({}, "tool_calls"),
                ]
            ),
            sse(
                [
                    chunk({"role": "assistant", "content": "Done, "}),
                    chunk({"content": "John."}, "stop"),
                ]
            ),
        ]
    )
    streamed: list[str] = []
    agent = make_agent(OpenAIChatLLM(client, "test-model"))
    reply = await agent.respond("Remind someone to call me back.", on_text=streamed.append)
    assert streamed == ["One ", "moment.", "Done, ", "John."]
    assert reply.text == "One moment. Done, John."
    assert [(e.call.id, e.call.name) for e in reply.events] == [
        ("call_x", "create_task"),
        ("call_y", "list_users"),
    ]
    assert sandbox.find("Tasks", Subject="Call back about the order")


async def test_malformed_arguments_from_the_model_are_rejected_not_fatal(
    model_api: respx.MockRouter, client: AsyncOpenAI, make_agent: Any
) -> None:
    model_api.post(COMPLETIONS).mock(
        side_effect=[
            httpx.Response(
                200,
                json=completion(
                    {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            {
                                "id": "call_bad",
                                "type": "function",
                                "function": {"name": "create_case", "arguments": '{"subject": '},
                            }
                        ],
                    },
                    "tool_calls",
                ),
            ),
            httpx.Response(
                200, json=completion({"role": "assistant", "content": "Sorry, one sec."}, "stop")
            ),
        ]
    )
    agent = make_agent(OpenAIChatLLM(client, "test-model", stream=False))
    reply = await agent.respond("My order is broken.")
    shown = json.loads(reply.events[0].shown)
    assert shown["status"] == "rejected"
    assert "not valid JSON" in shown["problems"][0]
