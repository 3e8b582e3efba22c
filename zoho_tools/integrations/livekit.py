"""Our tools as LiveKit Agents function tools (``pip install "zoho-tools[livekit]"``).

Each enabled action becomes ``function_tool(handler, raw_schema=...)`` with the action's OpenAI
strict definition as the raw schema, which LiveKit sends to the model as it is. LiveKit does not
validate the arguments of a raw tool; our orchestrator does, in :meth:`ToolSession.reply`.

A reply that is an error (:attr:`ToolReply.is_error`) is raised as ``ToolError(reply.text)``, so
LiveKit marks the tool output as an error and the model reads the same text as in every other
channel; any other reply is returned as its text.

With a surface (:class:`~zoho_tools.dynamic.ToolSurface`), the agent is given the meta-tool and
the shown actions; when a load changes them, the tools of the running agent are replaced by the
new ones (its other tools are kept). LiveKit keeps one set of tools for a whole reply, so the
loaded actions are there from the caller's next turn.

The caller's number: on a phone call LiveKit's SIP participant carries it in its
``sip.phoneNumber`` attribute. :func:`caller_variables` reads it when the participant joins;
a tool called before that reads it from the session's linked participant, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from livekit.agents import Agent, RunContext, ToolError, function_tool
from livekit.agents.llm import RawFunctionTool, Tool, Toolset

from zoho_tools.dynamic import LOAD_ACTIONS
from zoho_tools.integrations import ToolSession

__all__ = ["SIP_PHONE_NUMBER", "caller_variables", "livekit_tools"]

#: The SIP participant attribute holding the caller's phone number.
SIP_PHONE_NUMBER = "sip.phoneNumber"


class Participant(Protocol):
    """What is read of a LiveKit participant (``rtc.RemoteParticipant`` has it)."""

    @property
    def attributes(self) -> Mapping[str, str]: ...


def caller_variables(participant: Participant | None) -> dict[str, str]:
    """The call variables a participant gives: ``caller_phone`` from a SIP participant's
    ``sip.phoneNumber``; nothing for a participant that is not a phone caller."""
    if participant is None:
        return {}
    phone = participant.attributes.get(SIP_PHONE_NUMBER)
    return {"caller_phone": phone} if phone else {}


def livekit_tools(session: ToolSession) -> list[Tool | Toolset]:
    """One LiveKit raw function tool per enabled action, for ``Agent(tools=...)``."""
    return [_tool(session, spec["function"]) for spec in session.definitions("openai")]


def _tool(session: ToolSession, schema: dict[str, Any]) -> RawFunctionTool[Any, Any]:
    name = schema["name"]

    async def handler(raw_arguments: dict[str, object], context: RunContext[Any]) -> str:
        _learn_caller(session, context)
        version = session.version
        reply = await session.reply(name, raw_arguments, context.function_call.call_id)
        if session.version != version:
            await _show_loaded(session, context.session.current_agent)
        if reply.is_error:
            raise ToolError(reply.text)
        return reply.text

    return function_tool(handler, raw_schema=schema)


async def _show_loaded(session: ToolSession, agent: Agent) -> None:
    """Give ``agent`` the session's tools as they are now, keeping its tools that are not ours."""
    ours = {*session.conversation.tools, LOAD_ACTIONS}
    kept = [tool for tool in agent.tools if getattr(tool, "id", None) not in ours]
    await agent.update_tools([*kept, *livekit_tools(session)])


def _learn_caller(session: ToolSession, context: RunContext[Any]) -> None:
    """Take the caller's number from the session's SIP participant if it is not known yet."""
    variables = session.conversation.variables
    if variables.get("caller_phone"):
        return
    try:
        participant = context.session.room_io.linked_participant
    except RuntimeError:  # a session without a room (text mode, tests): no participant
        return
    variables.update(caller_variables(participant))
