"""The agent's model over the OpenAI SDK's Chat Completions: any OpenAI-compatible server.

Streaming is on by default: text reaches ``on_text`` as it arrives (a voice agent starts speaking
sooner), and tool-call fragments are assembled by their index. Parallel tool calls are allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from zoho_tools.agent.llm import AssistantTurn, Message, SdkLLM, TextSink
from zoho_tools.orchestrator import ToolCall

if TYPE_CHECKING:
    from openai import AsyncOpenAI  # noqa: F401  (the client type, named as a string below)


class OpenAIChatLLM(SdkLLM["AsyncOpenAI"]):
    """An :class:`~zoho_tools.agent.llm.LLM` backed by ``client.chat.completions.create``.

    ``OpenAIChatLLM(client, model, *, stream=True, parallel_tool_calls=True, temperature=None)``
    (see :class:`~zoho_tools.agent.llm.SdkLLM`).
    """

    async def complete(
        self,
        messages: Sequence[Message],
        tools: Sequence[dict[str, Any]],
        *,
        on_text: TextSink | None = None,
    ) -> AssistantTurn:
        options = self._request(messages=list(messages), **self._tools(tools))
        if not self._stream:
            completion = await self._client.chat.completions.create(**options)
            message = completion.choices[0].message
            calls = tuple(
                ToolCall(name=c.function.name, arguments=c.function.arguments, id=c.id)
                for c in message.tool_calls or ()
                if c.type == "function"
            )
            return self._said(AssistantTurn(text=message.content or "", tool_calls=calls), on_text)
        return await self._streamed(options, on_text)

    async def _streamed(self, options: dict[str, Any], on_text: TextSink | None) -> AssistantTurn:
        text: list[str] = []
        calls: dict[int, dict[str, str]] = {}
        stream = await self._client.chat.completions.create(**options, stream=True)
        async for chunk in stream:
            if not chunk.choices:
                continue
            delta = chunk.choices[0].delta
            if delta.content:
                text.append(delta.content)
                if on_text:
                    on_text(delta.content)
            for fragment in delta.tool_calls or ():
                call = calls.setdefault(fragment.index, {"id": "", "name": "", "arguments": ""})
                if fragment.id:
                    call["id"] = fragment.id
                if fragment.function and fragment.function.name:
                    call["name"] += fragment.function.name
                if fragment.function and fragment.function.arguments:
                    call["arguments"] += fragment.function.arguments
        tool_calls = tuple(
            ToolCall(name=c["name"], arguments=c["arguments"], id=c["id"] or f"call_{index}")
            for index, c in sorted(calls.items())
        )
        return AssistantTurn(text="".join(text), tool_calls=tool_calls)


def describe_model_error(exc: BaseException) -> str | None:
    """One line saying what went wrong talking to the model and what to do, for the errors of
    the OpenAI SDK (``None`` for anything else). It never quotes the server's answer to a
    refused key: some servers echo part of the key there."""
    try:
        import openai
    except ImportError:  # the SDK is optional: without it, none of its errors can happen
        return None
    if isinstance(exc, openai.APITimeoutError):
        return "the model API did not answer in time; say that again, or try later"
    if isinstance(exc, openai.APIConnectionError):
        url = exc.request.url
        return (
            f"cannot reach the model API at {url.scheme}://{url.netloc.decode()}; "
            "check --base-url / OPENAI_BASE_URL and that the server is running"
        )
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return f"the model API refused the API key (HTTP {exc.status_code}); check OPENAI_API_KEY"
    if isinstance(exc, openai.RateLimitError):
        return "the model API is rate limiting (HTTP 429); wait a moment and say that again"
    if isinstance(exc, openai.NotFoundError):
        return "the model API does not know this model or path (HTTP 404); check --model"
    if isinstance(exc, openai.APIStatusError):
        return f"the model API failed (HTTP {exc.status_code}); say that again, or try later"
    if isinstance(exc, openai.APIError):
        return f"the model API answered something unexpected ({type(exc).__name__})"
    return None
