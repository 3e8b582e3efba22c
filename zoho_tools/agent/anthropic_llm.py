"""The agent's model over the Anthropic SDK's Messages API.

The loop keeps its history in Chat Completions form (see :mod:`zoho_tools.agent.llm`); this
adapter turns it into Messages form on each request: the system message becomes ``system``, an
assistant turn's tool calls become ``tool_use`` blocks, and the tool results that follow it
become one user message of ``tool_result`` blocks (Anthropic wants them together, right after
the turn that asked). Tools are exported in the ``anthropic`` format (:attr:`tool_format`),
whose ``required`` lists only record ids: the model leaves out what the caller has not said and
the orchestrator asks for it.

Streaming is on by default: text reaches ``on_text`` as it arrives.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from zoho_tools.agent.llm import AssistantTurn, Message, SdkLLM, TextSink
from zoho_tools.orchestrator import ToolCall

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic
    from anthropic.types import Message as AnthropicMessage

#: The most a reply may take; a spoken answer needs far less.
DEFAULT_MAX_TOKENS = 1024


class AnthropicLLM(SdkLLM["AsyncAnthropic"]):
    """An :class:`~zoho_tools.agent.llm.LLM` backed by ``client.messages``.

    Takes the options of :class:`~zoho_tools.agent.llm.SdkLLM`, and ``max_tokens``: the most a
    reply may take (the Messages API requires it).
    """

    tool_format = "anthropic"

    def __init__(
        self,
        client: AsyncAnthropic,
        model: str,
        *,
        stream: bool = True,
        parallel_tool_calls: bool = True,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        temperature: float | None = None,
    ) -> None:
        super().__init__(
            client,
            model,
            stream=stream,
            parallel_tool_calls=parallel_tool_calls,
            temperature=temperature,
        )
        self._max_tokens = max_tokens

    def _request(self, **arguments: Any) -> dict[str, Any]:
        request = super()._request(**arguments)
        if "temperature" in request:
            # The SDK takes no temperature argument since 1.0 (its migration guide: "removed
            # deprecated request parameters"); the API still reads it from the body.
            request["extra_body"] = {"temperature": request.pop("temperature")}
        return request

    def _tools(self, tools: Sequence[dict[str, Any]]) -> dict[str, Any]:
        if not tools:
            return {}
        choice = {"type": "auto", "disable_parallel_tool_use": not self._parallel}
        return {"tools": list(tools), "tool_choice": choice}

    async def complete(
        self,
        messages: Sequence[Message],
        tools: Sequence[dict[str, Any]],
        *,
        on_text: TextSink | None = None,
    ) -> AssistantTurn:
        system, converted = to_anthropic_messages(messages)
        options = self._request(
            max_tokens=self._max_tokens,
            messages=converted,
            system=system or None,
            **self._tools(tools),
        )
        if not self._stream:
            return self._said(_turn(await self._client.messages.create(**options)), on_text)
        async with self._client.messages.stream(**options) as stream:
            async for text in stream.text_stream:
                if on_text:
                    on_text(text)
            return _turn(await stream.get_final_message())


def _turn(message: AnthropicMessage) -> AssistantTurn:
    text = "".join(block.text for block in message.content if block.type == "text")
    calls = tuple(
        ToolCall(name=block.name, arguments=block.input, id=block.id)
        for block in message.content
        if block.type == "tool_use"
    )
    return AssistantTurn(text=text, tool_calls=calls)


def to_anthropic_messages(messages: Sequence[Message]) -> tuple[str, list[dict[str, Any]]]:
    """The system prompt and the Messages API form of a Chat Completions history."""
    system: list[str] = []
    converted: list[dict[str, Any]] = []
    for message in messages:
        role = message["role"]
        if role == "system":
            system.append(message["content"])
        elif role == "tool":
            block = {
                "type": "tool_result",
                "tool_use_id": message["tool_call_id"],
                "content": message["content"],
            }
            last = converted[-1] if converted else None
            if last and last["role"] == "user" and isinstance(last["content"], list):
                last["content"].append(block)
            else:
                converted.append({"role": "user", "content": [block]})
        elif role == "assistant":
            blocks: list[dict[str, Any]] = []
            if message.get("content"):
                blocks.append({"type": "text", "text": message["content"]})
            for call in message.get("tool_calls") or ():
                function = call["function"]
                blocks.append(
                    {
                        "type": "tool_use",
                        "id": call["id"],
                        "name": function["name"],
                        "input": _object(function["arguments"]),
                    }
                )
            converted.append({"role": "assistant", "content": blocks})
        else:
            converted.append({"role": role, "content": message["content"]})
    return "\n\n".join(system), converted


def _object(arguments: Any) -> dict[str, Any]:
    """Tool-call arguments as the object ``tool_use.input`` must be; anything else (arguments
    the orchestrator already rejected) is shown as an empty object."""
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except ValueError:
            return {}
    return arguments if isinstance(arguments, dict) else {}
