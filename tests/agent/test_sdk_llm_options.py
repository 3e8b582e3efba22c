"""The options the three SDK-backed models share (model, temperature, parallel tool calls,
streaming) and their own (store, max_tokens), as each sends them on the wire; and a plain
(not streamed) answer reaching ``on_text`` whole. The APIs are mock transports: the OpenAI SDK's
of httpx, the Anthropic SDK's of httpx2."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import httpx2
import pytest
from anthropic import AsyncAnthropic
from openai import AsyncOpenAI

from tests.openai_http import openai_http
from zoho_tools.adapters import export
from zoho_tools.agent.anthropic_llm import AnthropicLLM
from zoho_tools.agent.llm import LLM, tool_format
from zoho_tools.agent.openai_llm import OpenAIChatLLM
from zoho_tools.agent.openai_responses_llm import OpenAIResponsesLLM
from zoho_tools.catalog import CATALOG

HISTORY = [
    {"role": "system", "content": "You are the front desk."},
    {"role": "user", "content": "Hello"},
]
ANSWER = "Hello, how can I help?"

CHAT_ANSWER = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "m",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": ANSWER},
            "finish_reason": "stop",
        }
    ],
}
RESPONSES_ANSWER = {
    "id": "resp_1",
    "object": "response",
    "created_at": 1,
    "model": "m",
    "status": "completed",
    "output": [
        {
            "type": "message",
            "id": "msg_1",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": ANSWER, "annotations": []}],
        }
    ],
    "parallel_tool_calls": True,
    "tool_choice": "auto",
    "tools": [],
}
MESSAGES_ANSWER = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "model": "m",
    "content": [{"type": "text", "text": ANSWER}],
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {"input_tokens": 1, "output_tokens": 1},
}


class API:
    """Answers every request with ``answer`` and keeps the requests' JSON bodies."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.bodies: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request | httpx2.Request) -> Any:
        self.bodies.append(json.loads(request.content))
        response = httpx.Response if isinstance(request, httpx.Request) else httpx2.Response
        return response(200, json=self.answer)

    def openai(self) -> AsyncOpenAI:
        http = httpx.AsyncClient(transport=httpx.MockTransport(self))
        return AsyncOpenAI(
            api_key="sk-test", base_url="https://llm.test/v1", http_client=openai_http(http)
        )

    def anthropic(self) -> AsyncAnthropic:
        http = httpx2.AsyncClient(transport=httpx2.MockTransport(self))
        return AsyncAnthropic(api_key="sk-ant-test", base_url="https://llm.test", http_client=http)


Build = Callable[[API, dict[str, Any]], LLM]

MODELS: dict[str, tuple[dict[str, Any], Build]] = {
    "chat": (CHAT_ANSWER, lambda api, options: OpenAIChatLLM(api.openai(), "m", **options)),
    "responses": (
        RESPONSES_ANSWER,
        lambda api, options: OpenAIResponsesLLM(api.openai(), "m", **options),
    ),
    "anthropic": (
        MESSAGES_ANSWER,
        lambda api, options: AnthropicLLM(api.anthropic(), "m", **options),
    ),
}


async def sent(name: str, tools: bool, **options: Any) -> tuple[dict[str, Any], list[str]]:
    """The body ``name``'s model sends for :data:`HISTORY`, not streamed, and what reached
    ``on_text``."""
    answer, build = MODELS[name]
    api = API(answer)
    llm: LLM = build(api, {"stream": False, **options})
    said: list[str] = []
    tool_definitions = export(CATALOG, tool_format(llm), actions=["search_contact"])
    turn = await llm.complete(HISTORY, tool_definitions if tools else [], on_text=said.append)
    assert turn.text == ANSWER
    assert turn.tool_calls == ()
    [body] = api.bodies
    return body, said


@pytest.mark.parametrize("name", sorted(MODELS))
async def test_a_plain_answer_reaches_on_text_whole(name: str) -> None:
    _, said = await sent(name, tools=True)
    assert said == [ANSWER]


@pytest.mark.parametrize("name", sorted(MODELS))
async def test_without_tools_or_temperature_neither_is_sent(name: str) -> None:
    body, _ = await sent(name, tools=False)
    assert body["model"] == "m"
    for absent in ("tools", "parallel_tool_calls", "tool_choice", "temperature"):
        assert absent not in body


async def test_chat_completions_options() -> None:
    body, _ = await sent("chat", tools=True, temperature=0.2, parallel_tool_calls=False)
    assert body["messages"] == HISTORY
    assert [t["function"]["name"] for t in body["tools"]] == ["search_contact", "next_page"]
    assert body["parallel_tool_calls"] is False
    assert body["temperature"] == 0.2
    assert "stream" not in body or body["stream"] is False


async def test_responses_options() -> None:
    body, _ = await sent("responses", tools=True, temperature=0.2, parallel_tool_calls=False)
    assert body["instructions"] == "You are the front desk."
    assert body["input"] == [{"role": "user", "content": "Hello"}]
    assert body["store"] is False
    assert [t["name"] for t in body["tools"]] == ["search_contact", "next_page"]
    assert body["parallel_tool_calls"] is False
    assert body["temperature"] == 0.2

    stored, _ = await sent("responses", tools=False, store=True)
    assert stored["store"] is True


async def test_responses_without_a_system_message_sends_no_instructions() -> None:
    answer, build = MODELS["responses"]
    api = API(answer)
    await build(api, {"stream": False}).complete(HISTORY[1:], [])
    assert "instructions" not in api.bodies[0]


async def test_messages_options() -> None:
    body, _ = await sent(
        "anthropic", tools=True, temperature=0.2, parallel_tool_calls=False, max_tokens=300
    )
    assert body["system"] == "You are the front desk."
    assert body["messages"] == [{"role": "user", "content": "Hello"}]
    assert body["max_tokens"] == 300
    assert [t["name"] for t in body["tools"]] == ["search_contact", "next_page"]
    assert body["tool_choice"] == {"type": "auto", "disable_parallel_tool_use": True}
    assert "parallel_tool_calls" not in body
    assert body["temperature"] == 0.2

    default, _ = await sent("anthropic", tools=True)
    assert default["max_tokens"] == 1024
    assert default["tool_choice"]["disable_parallel_tool_use"] is False


def test_each_model_names_the_tool_format_it_takes() -> None:
    api = API({})
    assert tool_format(OpenAIChatLLM(api.openai(), "m")) == "openai"
    assert tool_format(OpenAIResponsesLLM(api.openai(), "m")) == "openai-responses"
    assert tool_format(AnthropicLLM(api.anthropic(), "m")) == "anthropic"
