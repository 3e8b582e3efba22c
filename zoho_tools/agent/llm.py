"""The small interface between the agent loop and a language model, and a scripted model.

The loop speaks OpenAI's Chat Completions message format (the common denominator of
OpenAI-compatible servers); a model adapter turns one list of messages plus the tool definitions
into one :class:`AssistantTurn`: text to say, tool calls to run, or both.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from zoho_tools.errors import ZohoToolsError
from zoho_tools.orchestrator import ToolCall

Message = dict[str, Any]
TextSink = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class AssistantTurn:
    """What the model answered: ``text`` (possibly streamed already) and ``tool_calls``."""

    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()

    def message(self) -> Message:
        """The assistant message to append to the history, in Chat Completions form."""
        message: Message = {"role": "assistant", "content": self.text or None}
        if self.tool_calls:
            message["tool_calls"] = [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": _as_json(call.arguments)},
                }
                for call in self.tool_calls
            ]
        return message


def _as_json(arguments: Any) -> str:
    return arguments if isinstance(arguments, str) else json.dumps(arguments or {})


class LLM(Protocol):
    """A model that plays the agent. ``on_text`` receives text as it streams, if given.

    ``tools`` are in the format the model's API takes: a model may say which with a
    ``tool_format`` attribute (a format of :func:`zoho_tools.adapters.export`; ``"openai"``,
    Chat Completions, when it has none).
    """

    async def complete(
        self,
        messages: Sequence[Message],
        tools: Sequence[dict[str, Any]],
        *,
        on_text: TextSink | None = None,
    ) -> AssistantTurn: ...


def tool_format(llm: LLM) -> str:
    """The tool format ``llm`` takes (see :class:`LLM`)."""
    return str(getattr(llm, "tool_format", "openai"))


Client = TypeVar("Client")


class SdkLLM(Generic[Client]):
    """What the models over a provider's SDK share: the client, the model name and the options
    every request carries.

    The caller builds ``client`` (``AsyncOpenAI(...)``, ``AsyncAnthropic(...)``) with its API key,
    base URL, retries and HTTP client: the key stays with the SDK, never in a model's state. A
    subclass turns the history into its API's request (:meth:`_request` adds the model and the
    temperature, :meth:`_tools` the tools) and the reply into an :class:`AssistantTurn`: streamed
    to ``on_text`` as it arrives when ``stream`` is on, handed over whole (:meth:`_said`) when it
    is off. ``parallel_tool_calls`` lets the model ask for several tools in one turn.
    """

    #: The tool definitions this model takes (see :func:`zoho_tools.adapters.export`).
    tool_format = "openai"

    def __init__(
        self,
        client: Client,
        model: str,
        *,
        stream: bool = True,
        parallel_tool_calls: bool = True,
        temperature: float | None = None,
    ) -> None:
        self._client = client
        self.model = model
        self._stream = stream
        self._parallel = parallel_tool_calls
        self._temperature = temperature

    def _request(self, **arguments: Any) -> dict[str, Any]:
        """The keyword arguments of one request: the model, ``arguments`` but those that are
        ``None``, and the temperature if one was set."""
        request: dict[str, Any] = {"model": self.model}
        request.update((key, value) for key, value in arguments.items() if value is not None)
        if self._temperature is not None:
            request["temperature"] = self._temperature
        return request

    def _tools(self, tools: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """The request's arguments that offer ``tools`` (none when there are none), as OpenAI's
        APIs take them; a subclass for another API says them its way."""
        if not tools:
            return {}
        return {"tools": list(tools), "parallel_tool_calls": self._parallel}

    @staticmethod
    def _said(turn: AssistantTurn, on_text: TextSink | None) -> AssistantTurn:
        """``turn``, answered whole (not streamed): its text reaches ``on_text`` at once."""
        if turn.text and on_text:
            on_text(turn.text)
        return turn


class ScriptExhausted(ZohoToolsError, RuntimeError):
    """The scripted model was asked for more turns than its script has."""


@dataclass
class ScriptedLLM:
    """A model that answers from a script: each ``complete`` returns the next turn.

    Used by the scripted-conversation fixtures and the demo, so the whole stack (orchestrator,
    executor, sandbox) runs for real with a deterministic model. It records what it was shown.
    """

    turns: list[AssistantTurn]
    seen: list[list[Message]] = field(default_factory=list)

    @classmethod
    def from_turns(cls, turns: Iterable[AssistantTurn]) -> ScriptedLLM:
        return cls(list(turns))

    async def complete(
        self,
        messages: Sequence[Message],
        tools: Sequence[dict[str, Any]],
        *,
        on_text: TextSink | None = None,
    ) -> AssistantTurn:
        self.seen.append(list(messages))
        if not self.turns:
            raise ScriptExhausted("the script has no more turns for the model")
        turn = self.turns.pop(0)
        if turn.text and on_text:
            on_text(turn.text)
        return turn
