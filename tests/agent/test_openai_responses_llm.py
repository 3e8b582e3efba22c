"""The agent loop over the OpenAI SDK's Responses API (a respx router is the client's transport),
against the sandbox: the history as input items, tools in the Responses format, streamed and plain
answers."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import respx

from tests.agent.conftest import MODEL_API as BASE
from zoho_tools.adapters import export
from zoho_tools.agent.openai_responses_llm import OpenAIResponsesLLM

if TYPE_CHECKING:
    from openai import AsyncOpenAI

RESPONSES = f"{BASE}/responses"


def text_item(text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }


def call_item(call_id: str, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "function_call",
        "id": f"fc_{call_id}",
        "call_id": call_id,
        "name": name,
        "arguments": json.dumps(arguments),
        "status": "completed",
    }


def response(output: list[dict[str, Any]], status: str = "completed") -> dict[str, Any]:
    return {
        "id": "resp_1",
        "object": "response",
        "created_at": 1,
        "model": "test-model",
        "status": status,
        "output": output,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
    }


def streamed(output: list[dict[str, Any]]) -> httpx.Response:
    """The events of a streamed response: text in two deltas, arguments in one."""
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": response([], "in_progress")}
    ]
    for index, item in enumerate(output):
        if item["type"] == "message":
            text = item["content"][0]["text"]
            events.append(
                {
                    "type": "response.output_item.added",
                    "output_index": index,
                    "item": {**item, "status": "in_progress", "content": []},
                }
            )
            events.append(
                {
                    "type": "response.content_part.added",
                    "item_id": item["id"],
                    "output_index": index,
                    "content_index": 0,
                    "part": {"type": "output_text", "text": "", "annotations": []},
                }
            )
            events += [
                {
                    "type": "response.output_text.delta",
                    "item_id": item["id"],
                    "output_index": index,
                    "content_index": 0,
                    "delta": part,
                    "logprobs": [],
                }
                for part in (text[: len(text) // 2], text[len(text) // 2 :])
            ]
        else:
            events.append(
                {
                    "type": "response.output_item.added",
                    "output_index": index,
                    "item": {**item, "arguments": "", "status": "in_progress"},
                }
            )
            events.append(
                {
                    "type": "response.function_call_arguments.delta",
                    "item_id": item["id"],
                    "output_index": index,
                    "delta": item["arguments"],
                }
            )
        events.append({"type": "response.output_item.done", "output_index": index, "item": item})
    events.append({"type": "response.completed", "response": response(output)})
    body = "".join(
        f"event: {e['type']}\ndata: {json.dumps({**e, 'sequence_number': n})}\n\n"
        for n, e in enumerate(events)
    )
    return httpx.Response(200, text=body, headers={"content-type": "text/event-stream"})


@pytest.mark.parametrize("stream", [True, False])
async def test_two_parallel_tool_calls_then_an_answer(
    model_api: respx.MockRouter, client: AsyncOpenAI, make_agent: Any, stream: bool
) -> None:
    calls = [
        call_item("call_a", "search_contact", {"query": "John Smith"}),
        call_item("call_b", "create_case", {"subject": None}),
    ]
    answer = [text_item("I found John; what is the problem about?")]
    if stream:
        responses = [streamed(calls), streamed(answer)]
    else:
        responses = [
            httpx.Response(200, json=response(calls)),
            httpx.Response(200, json=response(answer)),
        ]
    route = model_api.post(RESPONSES).mock(side_effect=responses)
    agent = make_agent(OpenAIResponsesLLM(client, "test-model", stream=stream))
    heard: list[str] = []
    reply = await agent.respond("Hi, this is John Smith", on_text=heard.append)

    assert reply.text == "I found John; what is the problem about?"
    assert "".join(heard) == reply.text
    first = json.loads(route.calls[0].request.content)
    assert first["instructions"] == "You are a test agent."
    assert first["store"] is False
    assert first["tools"] == export(agent.conversation.tools, "openai-responses")
    assert first["input"] == [{"role": "user", "content": "Hi, this is John Smith"}]
    second = json.loads(route.calls[1].request.content)["input"]
    assert [item.get("type") for item in second[1:]] == ["function_call"] * 2 + [
        "function_call_output"
    ] * 2
    by_id = {e.call.id: e.reply for e in reply.events}
    assert [(i["call_id"], i["name"]) for i in second[1:3]] == [
        ("call_a", "search_contact"),
        ("call_b", "create_case"),
    ]
    for item in second[3:]:
        assert item["output"] == by_id[item["call_id"]].text
    assert by_id["call_a"].structured["data"][0]["Full_Name"] == "John Smith"
    assert by_id["call_b"].status == "needs_input"
