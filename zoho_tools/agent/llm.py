"""The small interface between the agent loop and a language model, and a scripted model.

The loop speaks OpenAI's Chat Completions message format (the common denominator of
OpenAI-compatible servers); a model adapter turns one list of messages plus the tool definitions
into one :class:`AssistantTurn`: text to say, tool calls to run, or both.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

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
