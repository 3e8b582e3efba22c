"""The agent loop over the Anthropic SDK's Messages API, against the sandbox: the history in
Messages form, tools in Anthropic's format, streamed and plain answers. The SDK runs on httpx2,
so the API is a mock transport of httpx2's (respx patches httpx only)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx2
import pytest

from zoho_tools.adapters import export
from zoho_tools.agent.anthropic_llm import AnthropicLLM, to_anthropic_messages

if TYPE_CHECKING:  # the SDK is imported where a client is made, not at collection
    from anthropic import AsyncAnthropic

BASE = "https://anthropic.example.test"
MESSAGES = f"{BASE}/v1/messages"


def message(content: list[dict[str, Any]], stop: str) -> dict[str, Any]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "test-model",
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": {"input_tokens": 1, "output_tokens": 1},
    }


def tool_use(call_id: str, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_use", "id": call_id, "name": name, "input": arguments}


class ScriptedAPI:
    """Answers each request with the next response, and keeps the requests' JSON bodies."""

    def __init__(self, responses: list[httpx2.Response]) -> None:
        self.responses = responses
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        assert request.url == MESSAGES
        self.requests.append(json.loads(request.content))
        return self.responses.pop(0)

    def client(self) -> AsyncAnthropic:
        from anthropic import AsyncAnthropic

        http = httpx2.AsyncClient(transport=httpx2.MockTransport(self))
        return AsyncAnthropic(api_key="sk-ant-test", base_url=BASE, http_client=http)


def streamed(content: list[dict[str, Any]], stop: str) -> httpx2.Response:
    """The server-sent events of a streamed message: text in two deltas, tool input as JSON."""
    events: list[tuple[str, dict[str, Any]]] = [
        ("message_start", {"type": "message_start", "message": message([], "end_turn")})
    ]
    for index, block in enumerate(content):
        if block["type"] == "text":
            start: dict[str, Any] = {"type": "text", "text": ""}
            half = len(block["text"]) // 2
            deltas = [
                {"type": "text_delta", "text": part}
                for part in (block["text"][:half], block["text"][half:])
            ]
        else:
            start = {**block, "input": {}}
            deltas = [{"type": "input_json_delta", "partial_json": json.dumps(block["input"])}]
        events.append(
            (
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": start},
            )
        )
        events += [
            ("content_block_delta", {"type": "content_block_delta", "index": index, "delta": d})
            for d in deltas
        ]
        events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    events.append(
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": stop, "stop_sequence": None},
                "usage": {"output_tokens": 1},
            },
        )
    )
    events.append(("message_stop", {"type": "message_stop"}))
    body = "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)
    return httpx2.Response(200, text=body, headers={"content-type": "text/event-stream"})


@pytest.mark.parametrize("stream", [True, False])
async def test_two_parallel_tool_calls_then_an_answer(make_agent: Any, stream: bool) -> None:
    calls = [
        tool_use("toolu_a", "search_contact", {"query": "John Smith"}),
        tool_use("toolu_b", "create_case", {}),
    ]
    answer = [{"type": "text", "text": "I found John; what is the problem about?"}]
    if stream:
        responses = [streamed(calls, "tool_use"), streamed(answer, "end_turn")]
    else:
        responses = [
            httpx2.Response(200, json=message(calls, "tool_use")),
            httpx2.Response(200, json=message(answer, "end_turn")),
        ]
    api = ScriptedAPI(responses)
    model = AnthropicLLM(api.client(), "claude-test", stream=stream)
    agent = make_agent(model)
    heard: list[str] = []
    reply = await agent.respond("Hi, this is John Smith", on_text=heard.append)

    assert reply.text == "I found John; what is the problem about?"
    assert "".join(heard) == reply.text
    first = api.requests[0]
    assert first["system"] == "You are a test agent."
    assert first["tools"] == export(agent.conversation.tools, "anthropic")
    assert first["tool_choice"] == {"type": "auto", "disable_parallel_tool_use": False}
    assert first["messages"] == [{"role": "user", "content": "Hi, this is John Smith"}]
    second = api.requests[1]["messages"]
    assert second[1] == {"role": "assistant", "content": calls}
    # Both results in one user message, right after the turn that asked, in its order.
    results = second[2]
    assert results["role"] == "user" and len(second) == 3
    assert [b["tool_use_id"] for b in results["content"]] == ["toolu_a", "toolu_b"]
    by_id = {e.call.id: e.reply for e in reply.events}
    for block in results["content"]:
        assert block["content"] == by_id[block["tool_use_id"]].text
    assert by_id["toolu_a"].structured["data"][0]["Full_Name"] == "John Smith"
    assert by_id["toolu_b"].status == "needs_input"


def test_history_with_text_and_unparseable_arguments() -> None:
    system, converted = to_anthropic_messages(
        [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hello"},
            {
                "role": "assistant",
                "content": "One moment.",
                "tool_calls": [
                    {"id": "t1", "type": "function", "function": {"name": "x", "arguments": "{"}}
                ],
            },
            {"role": "tool", "tool_call_id": "t1", "content": '{"status":"rejected"}'},
            {"role": "assistant", "content": "Sorry."},
        ]
    )
    assert system == "Be brief."
    assert converted[1]["content"] == [
        {"type": "text", "text": "One moment."},
        # Arguments the orchestrator rejected as malformed still make a valid tool_use block.
        {"type": "tool_use", "id": "t1", "name": "x", "input": {}},
    ]
    assert converted[2]["content"][0]["type"] == "tool_result"
    assert converted[3] == {"role": "assistant", "content": [{"type": "text", "text": "Sorry."}]}
