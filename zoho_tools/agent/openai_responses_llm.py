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

from zoho_tools.agent.llm import AssistantTurn, Message, TextSink
from zoho_tools.orchestrator import ToolCall

if TYPE_CHECKING:
    from openai import AsyncOpenAI
    from openai.types.responses import Response


class OpenAIResponsesLLM:
    """An :class:`~zoho_tools.agent.llm.LLM` backed by ``client.responses``."""

    #: The tool definitions this model takes (see :func:`zoho_tools.adapters.export`).
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
        self._client = client
        self.model = model
        self._stream = stream
        self._parallel = parallel_tool_calls
        self._store = store
        self._temperature = temperature

    async def complete(
        self,
        messages: Sequence[Message],
        tools: Sequence[dict[str, Any]],
        *,
        on_text: TextSink | None = None,
    ) -> AssistantTurn:
        instructions, items = to_responses_input(messages)
        options: dict[str, Any] = {"model": self.model, "input": items, "store": self._store}
        if instructions:
            options["instructions"] = instructions
        if tools:
            options["tools"] = list(tools)
            options["parallel_tool_calls"] = self._parallel
        if self._temperature is not None:
            options["temperature"] = self._temperature
        if not self._stream:
            response = await self._client.responses.create(**options)
            turn = _turn(response)
            if turn.text and on_text:
                on_text(turn.text)
            return turn
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
