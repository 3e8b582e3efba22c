"""The agent loop: model -> orchestrator -> executor -> model, until the model speaks.

One :class:`Agent` per conversation. :meth:`Agent.respond` takes what the caller said and runs
model turns until the model answers without tool calls. Tool calls of one model turn are checked
by the orchestrator one after another (they share the conversation's state) and the ones that are
ready are sent to Zoho concurrently (parallel tool calls). Every step is reported to ``on_event``
so a transcript, a log or a UI can follow along.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from zoho_tools.agent.llm import LLM, AssistantTurn, Message, TextSink
from zoho_tools.executor import Executor
from zoho_tools.orchestrator import Conversation, Outcome, Ready, ToolCall, outcome_text, step
from zoho_tools.results import ActionResult

#: Model turns allowed for one caller utterance before the loop stops asking the model.
DEFAULT_MAX_ROUNDS = 8


@dataclass(frozen=True, slots=True)
class ToolEvent:
    """One tool call and what came of it: the orchestrator's outcome, Zoho's result if the call
    was sent, and the text the model was shown."""

    call: ToolCall
    outcome: Outcome
    result: ActionResult | None
    shown: str


@dataclass(frozen=True, slots=True)
class SpeechEvent:
    """Something said: by the ``caller`` or the ``agent``."""

    speaker: str
    text: str


Event = ToolEvent | SpeechEvent


@dataclass(slots=True)
class Reply:
    """The agent's answer to one caller utterance, with the tool events that led to it."""

    text: str
    events: list[ToolEvent] = field(default_factory=list)
    stopped: bool = False


class Agent:
    """Drives one conversation with a model (``llm``), the orchestrator and an executor."""

    def __init__(
        self,
        llm: LLM,
        executor: Executor,
        conversation: Conversation,
        *,
        system_prompt: str,
        tools: Sequence[dict[str, Any]] | None = None,
        max_rounds: int = DEFAULT_MAX_ROUNDS,
        on_event: Callable[[Event], None] | None = None,
    ) -> None:
        from zoho_tools.adapters import export

        self.llm = llm
        self.executor = executor
        self.conversation = conversation
        # Exported once: the same tool list on every turn also keeps the provider's prompt cache.
        self.tools = list(tools) if tools is not None else export(conversation.tools, "openai")
        self.max_rounds = max_rounds
        self.messages: list[Message] = [{"role": "system", "content": system_prompt}]
        self._on_event = on_event or (lambda event: None)

    async def respond(self, caller_text: str, *, on_text: TextSink | None = None) -> Reply:
        """Answer one caller utterance. Tool calls run as the model makes them."""
        self._on_event(SpeechEvent("caller", caller_text))
        self.messages.append({"role": "user", "content": caller_text})
        reply = Reply(text="")
        for _ in range(self.max_rounds):
            turn = await self.llm.complete(self.messages, self.tools, on_text=on_text)
            self.messages.append(turn.message())
            if turn.text:
                reply.text = f"{reply.text} {turn.text}".strip()
                self._on_event(SpeechEvent("agent", turn.text))
            if not turn.tool_calls:
                return reply
            reply.events.extend(await self._run(turn))
        reply.stopped = True
        return reply

    async def call(self, name: str, arguments: Any, *, call_id: str = "direct") -> ToolEvent:
        """Run one tool call without a model (the REPL's direct mode); same path as the model's."""
        (event,) = await self.run_tool_calls([ToolCall(name, arguments, call_id)])
        return event

    async def _run(self, turn: AssistantTurn) -> list[ToolEvent]:
        events = await self.run_tool_calls(turn.tool_calls)
        for event in events:
            self.messages.append(
                {"role": "tool", "tool_call_id": event.call.id, "content": event.shown}
            )
        return events

    async def run_tool_calls(self, calls: Sequence[ToolCall]) -> list[ToolEvent]:
        """Run tool calls of this conversation (see :func:`run_tool_calls`)."""
        return await run_tool_calls(self.conversation, self.executor, calls, self._on_event)


async def run_tool_calls(
    conversation: Conversation,
    executor: Executor,
    calls: Sequence[ToolCall],
    on_event: Callable[[Event], None] | None = None,
) -> list[ToolEvent]:
    """Check every call in order, send the ready ones concurrently, record the results.

    This is the whole tool side of an agent, for loops that are not :class:`Agent` (a voice
    platform's tool webhook, your own framework): give it the model's tool calls and send each
    event's ``shown`` text back as that call's tool result.
    """
    outcomes = [step(conversation, call) for call in calls]
    ready = [outcome for outcome in outcomes if isinstance(outcome, Ready)]
    results = await asyncio.gather(*(executor.execute(r.request) for r in ready))
    sent = dict(zip((id(r) for r in ready), results, strict=True))
    events = []
    for call, outcome in zip(calls, outcomes, strict=True):
        if isinstance(outcome, Ready):
            result = sent[id(outcome)]
            conversation.record(outcome, result)
            event = ToolEvent(call, outcome, result, result.to_text())
        else:
            event = ToolEvent(call, outcome, None, outcome_text(outcome))
        if on_event:
            on_event(event)
        events.append(event)
    return events
