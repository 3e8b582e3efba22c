"""Our tools in agent frameworks' own forms: LiveKit Agents, Pipecat, the OpenAI Agents SDK.

Each framework runs its own model loop; what it lacks is the tool side. :class:`ToolSession`
is that side for one conversation: the tool definitions to advertise, and
:meth:`ToolSession.reply` to answer a call. A call goes through
:func:`~zoho_tools.agent.loop.run_tool_calls`, so slot filling, confirmation, the write guard and
the one reply text (:class:`~zoho_tools.replies.ToolReply`) are the same as in our own
:class:`~zoho_tools.agent.loop.Agent`.

The framework modules (:mod:`.livekit`, :mod:`.pipecat`, :mod:`.openai_agents`) import their
framework, which comes with the extra of the same name (``pip install "zoho-tools[livekit]"``);
this module imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from zoho_tools.agent.loop import Event, run_tool_calls
from zoho_tools.executor import Executor
from zoho_tools.orchestrator import Conversation, ToolCall
from zoho_tools.replies import ToolReply

__all__ = ["ToolSession"]


@dataclass(slots=True)
class ToolSession:
    """One conversation's tools for a framework: what to advertise, and how to answer a call.

    Not thread-safe, like the :class:`Conversation` it holds: one session per call or chat.
    """

    conversation: Conversation
    executor: Executor
    #: Told about every tool call and its reply (a transcript, a log).
    on_event: Callable[[Event], None] | None = None

    def definitions(self, format: str = "openai") -> list[dict[str, Any]]:
        """The enabled actions' tool definitions in ``format`` (see
        :func:`zoho_tools.adapters.export`)."""
        from zoho_tools.adapters import export

        return export(self.conversation.tools, format)

    async def reply(self, name: str, arguments: Any, call_id: str | None = None) -> ToolReply:
        """Run one tool call of the model (``arguments`` as sent: JSON text or an object) and
        return what to answer it with. Never raises for anything the model or Zoho did."""
        call = ToolCall(name, arguments, call_id)
        (event,) = await run_tool_calls(self.conversation, self.executor, [call], self.on_event)
        return event.reply
