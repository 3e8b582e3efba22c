"""The agent's model over the OpenAI SDK's Responses API.

The loop keeps its history in Chat Completions form (see :mod:`zoho_tools.agent.llm`); this
adapter turns it into Responses input items on each request: the system message becomes
``instructions``, an assistant turn's tool calls become ``function_call`` items and tool results
``function_call_output`` items. Nothing is kept on OpenAI's side (``store=False`` by default):
the whole history goes with each request, as with Chat Completions. Tools are exported in the
``openai-responses`` format (:attr:`tool_format`), strict.

Streaming is on by default: text reaches ``on_text`` as it arrives.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from zoho_tools.agent.llm import AssistantTurn, Message, SdkLLM, TextSink
from zoho_tools.orchestrator import ToolCall

if TYPE_CHECKING:
    from openai import AsyncOpenAI
    from openai.types.responses import Response


class OpenAIResponsesLLM(SdkLLM["AsyncOpenAI"]):
    """An :class:`~zoho_tools.agent.llm.LLM` backed by ``client.responses``.

    Takes the options of :class:`~zoho_tools.agent.llm.SdkLLM`, and ``store``: whether OpenAI
    keeps the responses (off by default: each request carries the whole history).
    """

    tool_format = "openai-responses"

    def __init__(
        self,
        client: AsyncOpenAI,
        model: str,
        *,
        stream: bool = True,
        parallel_tool_calls: bool = True,
        store: bool = False,
        temperature: float | None = None,
    ) -> None:
        super().__init__(
            client,
            model,
            stream=stream,
            parallel_tool_calls=parallel_tool_calls,
            temperature=temperature,
        )
        self._store = store

    async def complete(
        self,
        messages: Sequence[Message],
        tools: Sequence[dict[str, Any]],
        *,
        on_text: TextSink | None = None,
    ) -> AssistantTurn:
        instructions, items = to_responses_input(messages)
        options = self._request(
            input=items, store=self._store, instructions=instructions or None, **self._tools(tools)
        )
        if not self._stream:
            return self._said(_turn(await self._client.responses.create(**options)), on_text)
        async with self._client.responses.stream(**options) as stream:
            async for event in stream:
                if event.type == "response.output_text.delta" and on_text:
                    on_text(event.delta)
            return _turn(await stream.get_final_response())


def _turn(response: Response) -> AssistantTurn:
    calls = tuple(
        ToolCall(name=item.name, arguments=item.arguments, id=item.call_id)
        for item in response.output
        if item.type == "function_call"
    )
    return AssistantTurn(text=response.output_text, tool_calls=calls)


def to_responses_input(messages: Sequence[Message]) -> tuple[str, list[dict[str, Any]]]:
    """The instructions and the Responses input items of a Chat Completions history."""
    instructions: list[str] = []
    items: list[dict[str, Any]] = []
    for message in messages:
        role = message["role"]
        if role == "system":
            instructions.append(message["content"])
        elif role == "tool":
            items.append(
                {
                    "type": "function_call_output",
                    "call_id": message["tool_call_id"],
                    "output": message["content"],
                }
            )
        elif role == "assistant":
            if message.get("content"):
                items.append({"role": "assistant", "content": message["content"]})
            for call in message.get("tool_calls") or ():
                function = call["function"]
                items.append(
                    {
                        "type": "function_call",
                        "call_id": call["id"],
                        "name": function["name"],
                        "arguments": function["arguments"],
                    }
                )
        else:
            items.append({"role": role, "content": message["content"]})
    return "\n\n".join(instructions), items
