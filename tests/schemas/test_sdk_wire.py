"""The exported tools go through the real provider SDKs and reach the wire unchanged.

HTTP is mocked with respx, so nothing leaves the machine. The openai SDK accepts an ``httpx``
client, which respx patches directly. The anthropic SDK (2.x) sends through ``httpx2`` and refuses
``httpx`` objects, so its client gets an ``httpx2`` mock transport that hands each request to the
same kind of respx router. The SDKs are imported by the tests, not at collection (seconds).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, cast

import httpx
import httpx2
import respx

from tests.openai_http import openai_sync_http
from zoho_tools.adapters import export
from zoho_tools.catalog import CATALOG

if TYPE_CHECKING:
    from anthropic.types import ToolParam as AnthropicToolParam
    from openai.types.chat import ChatCompletionToolParam
    from openai.types.responses import ToolParam as ResponsesToolParam

TOOL_CALL_ARGUMENTS = {"first_name": "Jo", "last_name": None, "phone": None, "email": None}
CHAT_COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 0,
    "model": "gpt-4o",
    "choices": [
        {
            "index": 0,
            "finish_reason": "tool_calls",
            "message": {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {
                            "name": "create_contact",
                            "arguments": json.dumps(TOOL_CALL_ARGUMENTS),
                        },
                    }
                ],
            },
        }
    ],
}
RESPONSE = {
    "id": "resp_1",
    "object": "response",
    "created_at": 0,
    "model": "gpt-4o",
    "status": "completed",
    "output": [],
    "parallel_tool_calls": True,
    "tool_choice": "auto",
    "tools": [],
}
MESSAGE = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "model": "claude-test",
    "content": [
        {
            "type": "tool_use",
            "id": "toolu_1",
            "name": "create_contact",
            "input": {"first_name": "Jo"},
        }
    ],
    "stop_reason": "tool_use",
    "stop_sequence": None,
    "usage": {"input_tokens": 1, "output_tokens": 1},
}
ASK = "Please add me as a contact."


def test_openai_chat_tools_reach_the_wire_unchanged() -> None:
    import openai

    # The SDK's TypedDicts describe the JSON that export gives: the test is that they agree.
    tools = cast("list[ChatCompletionToolParam]", export(CATALOG, "openai"))
    with respx.mock(base_url="https://api.openai.com/v1", assert_all_called=True) as router:
        route = router.post("/chat/completions").respond(200, json=CHAT_COMPLETION)
        client = openai.OpenAI(api_key="sk-test", http_client=openai_sync_http(), max_retries=0)
        completion = client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": ASK}], tools=tools
        )
        assert json.loads(route.calls.last.request.content)["tools"] == tools
    [call] = completion.choices[0].message.tool_calls or []
    assert isinstance(call, openai.types.chat.ChatCompletionMessageFunctionToolCall)
    assert call.function.name == "create_contact"
    assert json.loads(call.function.arguments) == TOOL_CALL_ARGUMENTS


def test_openai_responses_tools_reach_the_wire_unchanged() -> None:
    import openai

    tools = cast("list[ResponsesToolParam]", export(CATALOG, "openai-responses"))
    with respx.mock(base_url="https://api.openai.com/v1", assert_all_called=True) as router:
        route = router.post("/responses").respond(200, json=RESPONSE)
        client = openai.OpenAI(api_key="sk-test", http_client=openai_sync_http(), max_retries=0)
        client.responses.create(model="gpt-4o", input=ASK, tools=tools)
        assert json.loads(route.calls.last.request.content)["tools"] == tools


def _through(router: respx.MockRouter) -> httpx2.MockTransport:
    """An ``httpx2`` transport that lets a respx router answer (see the module docstring)."""

    def handle(request: httpx2.Request) -> httpx2.Response:
        answer = router.handler(
            httpx.Request(
                request.method,
                str(request.url),
                headers=list(request.headers.multi_items()),
                content=request.read(),
            )
        )
        return httpx2.Response(
            answer.status_code, headers=list(answer.headers.multi_items()), content=answer.read()
        )

    return httpx2.MockTransport(handle)


def test_anthropic_tools_reach_the_wire_unchanged() -> None:
    import anthropic

    tools = cast("list[AnthropicToolParam]", export(CATALOG, "anthropic"))
    router = respx.MockRouter(base_url="https://api.anthropic.com", assert_all_called=True)
    route = router.post("/v1/messages").respond(200, json=MESSAGE)
    client = anthropic.Anthropic(
        api_key="sk-ant-test",
        http_client=httpx2.Client(transport=_through(router)),
        max_retries=0,
    )
    with router:  # checks on exit that the route was called, then forgets the calls
        message = client.messages.create(
            model="claude-test",
            max_tokens=100,
            messages=[{"role": "user", "content": ASK}],
            tools=tools,
        )
        assert json.loads(route.calls.last.request.content)["tools"] == tools
    assert message.content[0].type == "tool_use"
    assert message.content[0].name == "create_contact"
