"""The agent loop: model -> orchestrator -> executor -> model, until the model speaks.

One :class:`Agent` per conversation. :meth:`Agent.respond` takes what the caller said and runs
model turns until the model answers without tool calls. Tool calls of one model turn are checked
by the orchestrator one after another (they share the conversation's state) and the ones that are
ready are sent to Zoho concurrently (parallel tool calls). Every step is reported to ``on_event``
so a transcript, a log or a UI can follow along.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from zoho_tools.agent.llm import LLM, AssistantTurn, Message, TextSink, tool_format
from zoho_tools.executor import Executor
from zoho_tools.normalize import brief_name
from zoho_tools.orchestrator import (
    Conversation,
    NeedsLookup,
    Outcome,
    Ready,
    Settle,
    ToolCall,
    step,
)
from zoho_tools.org import OrgMetadata, needs_metadata, tailor
from zoho_tools.replies import ToolReply, internal_error, reply_for
from zoho_tools.results import ActionResult
from zoho_tools.templates import PLACEHOLDER

if TYPE_CHECKING:
    from zoho_tools.dynamic import ToolSurface

logger = logging.getLogger("zoho_tools.agent")

#: Model turns allowed for one caller utterance before the loop stops asking the model.
DEFAULT_MAX_ROUNDS = 8


@dataclass(frozen=True, slots=True)
class ToolEvent:
    """One tool call and what came of it: the orchestrator's outcome (None if the call crashed
    before it had one, or was for the meta-tool of a :class:`~zoho_tools.dynamic.ToolSurface`),
    Zoho's result if the call was sent, and the reply the model was given."""

    call: ToolCall
    outcome: Outcome | None
    result: ActionResult | None
    reply: ToolReply

    @property
    def shown(self) -> str:
        """The tool-result text the model was shown."""
        return self.reply.text


@dataclass(frozen=True, slots=True)
class SpeechEvent:
    """Something said: by the ``caller`` or the ``agent``."""

    speaker: str
    text: str


Event = ToolEvent | SpeechEvent


@dataclass(slots=True)
class Answer:
    """The agent's answer to one caller utterance, with the tool events that led to it (a tool's
    own result is a :class:`~zoho_tools.replies.ToolReply`)."""

    text: str
    events: list[ToolEvent] = field(default_factory=list)
    stopped: bool = False


class Agent:
    """Drives one conversation with a model (``llm``), the orchestrator and an executor.

    The model is shown ``tools`` if given, else the conversation's enabled actions; with a
    ``surface`` (:class:`~zoho_tools.dynamic.ToolSurface`), it is shown the surface's tools,
    which grow as the model loads categories, and the surface answers the meta-tool.
    """

    def __init__(
        self,
        llm: LLM,
        executor: Executor,
        conversation: Conversation,
        *,
        system_prompt: str,
        tools: Sequence[dict[str, Any]] | None = None,
        surface: ToolSurface | None = None,
        max_rounds: int = DEFAULT_MAX_ROUNDS,
        on_event: Callable[[Event], None] | None = None,
    ) -> None:
        from zoho_tools.adapters import export

        if tools is not None and surface is not None:
            raise ValueError("give the agent tools or a surface, not both")
        self.llm = llm
        self.executor = executor
        self.conversation = conversation
        self.surface = surface
        # Exported once (and again only when the surface changes), in the model's own format:
        # the same tool list on every turn also keeps the provider's prompt cache.
        if surface is not None:
            self.tools = surface.definitions(tool_format(llm))
            self._version = surface.version
        else:
            self.tools = (
                list(tools) if tools is not None else export(conversation.tools, tool_format(llm))
            )
        self.max_rounds = max_rounds
        self.messages: list[Message] = [{"role": "system", "content": system_prompt}]
        self._on_event = on_event or (lambda event: None)

    async def respond(self, caller_text: str, *, on_text: TextSink | None = None) -> Answer:
        """Answer one caller utterance. Tool calls run as the model makes them."""
        self._on_event(SpeechEvent("caller", caller_text))
        self.messages.append({"role": "user", "content": caller_text})
        reply = Answer(text="")
        for _ in range(self.max_rounds):
            if self.surface is not None and self.surface.version != self._version:
                self.tools = self.surface.definitions(tool_format(self.llm))
                self._version = self.surface.version
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

    async def start(self) -> ToolEvent:
        """Call start, before the caller's first words: identify the caller by their number
        (see :func:`identify_at_call_start`) so the greeting already knows them. The answer
        goes to the model as context, and ``{{identify_caller.id}}`` chains from then on."""
        event = await identify_at_call_start(self.conversation, self.executor, self._on_event)
        self.messages.append({"role": "system", "content": f"{CALL_START_CONTEXT} {event.shown}"})
        return event

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
        """Run tool calls of this conversation (see :func:`run_tool_calls`); the surface, if
        any, answers the calls of its meta-tool."""
        surface = self.surface
        if surface is None or not any(surface.handles(call) for call in calls):
            return await run_tool_calls(self.conversation, self.executor, calls, self._on_event)
        others = [call for call in calls if not surface.handles(call)]
        ran = iter(await run_tool_calls(self.conversation, self.executor, others))
        events = [
            ToolEvent(call, None, None, surface.answer(call))
            if surface.handles(call)
            else next(ran)
            for call in calls
        ]
        for event in events:
            self._on_event(event)
        return events


#: How the call-start lookup is introduced to the model.
CALL_START_CONTEXT = "Before the call was answered, identify_caller (the caller's number) gave:"


async def identify_at_call_start(
    conversation: Conversation,
    executor: Executor,
    on_event: Callable[[Event], None] | None = None,
) -> ToolEvent:
    """Run ``identify_caller`` for ``conversation`` before its first turn: the function to call
    from a voice platform's call-start hook (or any code that knows the caller's number), so the
    greeting can use the caller's name and what is open for them.

    It is an ordinary tool call of the conversation: the result is kept for chaining
    (``{{identify_caller.account_id}}``), and the event's ``reply.text`` is what to give the
    model (e.g. in its first system message). An agent without ``identify_caller`` enabled, or
    a call without ``{{caller_phone}}``, gets the usual rejected or needs-input reply.
    """
    (event,) = await run_tool_calls(
        conversation, executor, [ToolCall("identify_caller", {}, "call_start")], on_event
    )
    return event


async def run_tool_calls(
    conversation: Conversation,
    executor: Executor,
    calls: Sequence[ToolCall],
    on_event: Callable[[Event], None] | None = None,
) -> list[ToolEvent]:
    """Run the tool calls of one model turn; one event per call, in the calls' order.

    This is the whole tool side of an agent, for loops that are not :class:`Agent` (a voice
    platform's tool webhook, an MCP server, your own framework): give it the model's tool calls
    and send each event's ``reply`` back as that call's tool result.

    Calls are checked in order (they share the conversation's state) and the ready ones are sent
    to Zoho concurrently, except that a call referring to another call of the same turn
    (``create_case`` with ``{{search_contact.id}}`` beside ``search_contact``) waits for it. Every
    call gets a reply: one that crashes inside this service gets an internal error, and the
    others keep theirs (a sibling write Zoho already committed is never lost).

    Two kinds of I/O happen before a call is checked: with an executor that reads the org's
    metadata (:attr:`Executor.metadata`), its actions are fitted to the org's own picklists and
    mandatory fields; and names given for linked records (``account: "Acme"``) are looked up
    (:mod:`zoho_tools.names`), in parallel, before the calls that gave them are checked again.
    """
    events: dict[int, ToolEvent] = {}
    if executor.metadata is not None:
        await _tailor(conversation, executor.metadata, calls)
    for wave in _waves(calls):
        stepped = [(index, _step(conversation, calls[index])) for index in wave]
        if any(isinstance(outcome, NeedsLookup) for _, outcome in stepped):
            stepped = await _with_names(conversation, executor, calls, stepped, events)
        ready = [(index, outcome) for index, outcome in stepped if isinstance(outcome, Ready)]
        # Every guard is taken before anything is awaited, so a turn cancelled before a task
        # started still settles each of its writes.
        with ExitStack() as guards:
            sends = [
                _send(
                    conversation,
                    executor,
                    calls[i],
                    outcome,
                    guards.enter_context(conversation.sending(outcome)),
                )
                for i, outcome in ready
            ]
            # One request, the usual case, needs no task and no gather.
            sent = [await sends[0]] if len(sends) == 1 else await asyncio.gather(*sends)
        events.update(zip((index for index, _ in ready), sent, strict=True))
        for index, outcome in stepped:
            if not isinstance(outcome, Ready):
                events[index] = _answered(calls[index], outcome)
    ordered = [events[index] for index in range(len(calls))]
    if on_event:
        for event in ordered:
            on_event(event)
    return ordered


async def _tailor(
    conversation: Conversation, metadata: OrgMetadata, calls: Sequence[ToolCall]
) -> None:
    """Give the calls' actions the org's own picklists and mandatory fields before they are
    checked (read once per module and kept; see :mod:`zoho_tools.org`)."""
    declared = [
        template
        for call in calls
        if isinstance(call.name, str)
        and (template := conversation.declared(call.name)) is not None
        and needs_metadata(template)
    ]
    if not declared:
        return
    try:
        conversation.tailor(await metadata.tailored(declared))
    except Exception:  # a bug: the calls go ahead as the catalog declares them
        logger.exception("fitting %s to the org's metadata failed", declared[0].name)


async def _refreshed_picklist(
    conversation: Conversation, metadata: OrgMetadata, ready: Ready, result: ActionResult
) -> ActionResult:
    """Zoho refused a picklist value the org's metadata allowed when it was read: read it
    again, check further calls against it, and give the model the org's values now."""
    template = ready.request.template
    param = template.param(result.field) if result.field else None
    declared = conversation.declared(template.name)
    if param is None or not param.enum or template.module is None or declared is None:
        return result
    fresh = await metadata.refresh(template.module)
    tailored = tailor(declared, fresh)
    conversation.tailor([tailored])
    values = (tailored.param(param.name) or param).enum
    hint = (
        f"{param.name} must be one of this org's values: {', '.join(values)}. Ask the caller "
        "which one they mean, then repeat the call."
    )
    return replace(result, hint=hint)


async def _with_names(
    conversation: Conversation,
    executor: Executor,
    calls: Sequence[ToolCall],
    stepped: list[tuple[int, Outcome | None]],
    events: dict[int, ToolEvent],
) -> list[tuple[int, Outcome | None]]:
    """Look up the names the calls of ``stepped`` gave for record ids (in parallel), and step
    those calls again. A call whose search failed is answered with Zoho's error (into
    ``events``) and left out of what is returned."""
    from zoho_tools.names import look_up

    wanted = [(i, o) for i, o in stepped if isinstance(o, NeedsLookup)]
    try:
        answers = await asyncio.gather(
            *(look_up(executor.send, outcome.action, outcome.lookups) for _, outcome in wanted)
        )
    except BaseException:
        # Cancelled while looking up: the writes handed out beside them were never sent.
        for _, outcome in stepped:
            if isinstance(outcome, Ready):
                conversation.release(outcome)
        raise
    failed = {}
    for (index, _), (found, error) in zip(wanted, answers, strict=True):
        conversation.found_names(found)
        if error is not None:
            failed[index] = error
    again: list[tuple[int, Outcome | None]] = []
    for index, outcome in stepped:
        if isinstance(outcome, NeedsLookup):
            outcome = _step(conversation, calls[index])
            if isinstance(outcome, NeedsLookup):  # its search failed: say so
                error = failed.get(index)
                reply = reply_for(None, error) if error else internal_error(outcome.action)
                events[index] = ToolEvent(calls[index], outcome, error, reply)
                continue
        again.append((index, outcome))
    return again


def _step(conversation: Conversation, call: ToolCall) -> Outcome | None:
    """The orchestrator's outcome, or None if checking the call crashed (a bug: logged)."""
    try:
        return step(conversation, call)
    except Exception:
        logger.exception("checking the tool call %s failed", _name(call))
        return None


def _answered(call: ToolCall, outcome: Outcome | None) -> ToolEvent:
    reply = internal_error(_name(call)) if outcome is None else reply_for(outcome)
    return ToolEvent(call, outcome, None, reply)


async def _send(
    conversation: Conversation, executor: Executor, call: ToolCall, ready: Ready, settle: Settle
) -> ToolEvent:
    """Send one ready call and settle it. An exception (a bug: the executor turns every fault of
    Zoho's into a result) becomes an internal error; the guard settles the call all the same."""
    try:
        result = await executor.execute(ready.request)
        if executor.metadata is not None and result.code == "INVALID_DATA":
            result = await _refreshed_picklist(conversation, executor.metadata, ready, result)
        settle(result)
    except Exception:
        logger.exception("sending the tool call %s failed", ready.action)
        return ToolEvent(call, ready, None, internal_error(ready.action))
    return ToolEvent(call, ready, result, reply_for(ready, result))


def _name(call: ToolCall) -> str:
    return brief_name(call.name) if isinstance(call.name, str) else "?"


def _waves(calls: Sequence[ToolCall]) -> list[list[int]]:
    """The calls' indexes in waves: each call after the calls of the same turn whose results it
    refers to (by action name), independent ones together. A cycle of references cannot be
    ordered, so its calls go together in the last wave (their references then fail clearly)."""
    if len(calls) == 1:
        return [[0]]
    by_name: dict[str, list[int]] = {}
    for index, call in enumerate(calls):
        if isinstance(call.name, str):
            by_name.setdefault(call.name, []).append(index)
    needs = [
        {j for head in _referenced(call.arguments) for j in by_name.get(head, ()) if j != i}
        for i, call in enumerate(calls)
    ]
    waves = []
    left = set(range(len(calls)))
    while left:
        wave = sorted(i for i in left if not needs[i] & left) or sorted(left)
        waves.append(wave)
        left.difference_update(wave)
    return waves


def _referenced(arguments: Any) -> set[str]:
    """The action names that ``{{action.field}}`` references in raw arguments point to. Walks
    without recursion (the arguments are the model's, not yet checked)."""
    heads: set[str] = set()
    stack = [arguments]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            heads.update(name.partition(".")[0] for name in PLACEHOLDER.findall(value))
        elif isinstance(value, Mapping):
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
    return heads
