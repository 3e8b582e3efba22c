"""Our tools in agent frameworks' own forms: LiveKit Agents, Pipecat, the OpenAI Agents SDK.

Each framework runs its own model loop; what it lacks is the tool side. :class:`ToolSession`
is that side for one conversation: the tool definitions to advertise, and
:meth:`ToolSession.reply` to answer a call. A call goes through
:func:`~zoho_tools.agent.loop.run_tool_calls`, so slot filling, confirmation, the write guard and
the one reply text (:class:`~zoho_tools.replies.ToolReply`) are the same as in our own
:class:`~zoho_tools.agent.loop.Agent`.

With a :class:`~zoho_tools.dynamic.ToolSurface`, the model starts on a profile and loads the
other actions by category with the ``load_actions`` meta-tool, and each framework's tools follow
the loads.

The framework modules (:mod:`.livekit`, :mod:`.pipecat`, :mod:`.openai_agents`) import their
framework, which comes with the extra of the same name (``pip install "zoho-tools[livekit]"``);
this module imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from zoho_tools.agent.loop import Event, ToolEvent, run_tool_calls
from zoho_tools.executor import Executor
from zoho_tools.orchestrator import Conversation, ToolCall
from zoho_tools.replies import ToolReply

if TYPE_CHECKING:
    from zoho_tools.dynamic import ToolSurface

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
    #: What the model is shown, when it starts on a profile and loads the rest.
    surface: ToolSurface | None = None

    def definitions(self, format: str = "openai") -> list[dict[str, Any]]:
        """The tool definitions to show the model now, in ``format`` (see
        :func:`zoho_tools.adapters.export`): the surface's, or every enabled action's."""
        from zoho_tools.adapters import export

        if self.surface is not None:
            return self.surface.definitions(format)
        return export(self.conversation.tools, format)

    def shows(self, name: str) -> bool:
        """Whether the model is shown the tool ``name`` now."""
        if self.surface is None:
            return name in self.conversation.tools
        return self.surface.handles(ToolCall(name)) or name in self.surface.shown

    @property
    def version(self) -> int:
        """Changes whenever the tools shown change (a load of the surface)."""
        return 0 if self.surface is None else self.surface.version

    async def reply(self, name: str, arguments: Any, call_id: str | None = None) -> ToolReply:
        """Run one tool call of the model (``arguments`` as sent: JSON text or an object) and
        return what to answer it with. Never raises for anything the model or Zoho did."""
        call = ToolCall(name, arguments, call_id)
        if self.surface is not None and self.surface.handles(call):
            event = ToolEvent(call, None, None, self.surface.answer(call))
            if self.on_event:
                self.on_event(event)
            return event.reply
        (event,) = await run_tool_calls(self.conversation, self.executor, [call], self.on_event)
        return event.reply
