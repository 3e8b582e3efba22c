"""Our tools as OpenAI Agents SDK function tools (``pip install "zoho-tools[openai-agents]"``).

Each enabled action becomes a ``FunctionTool`` whose ``params_json_schema`` is the action's
OpenAI strict schema (``strict_json_schema=True``), so the SDK sends exactly what our other
OpenAI exports send. The SDK hands the arguments over as JSON text, which our orchestrator
parses and checks; the tool's output is the reply's text.
"""

from __future__ import annotations

from typing import Any

from agents import FunctionTool, RunContextWrapper
from agents.tool_context import ToolContext

from zoho_tools.integrations import ToolSession

__all__ = ["openai_agents_tools"]


def openai_agents_tools(session: ToolSession) -> list[FunctionTool]:
    """One ``FunctionTool`` per enabled action, for ``agents.Agent(tools=...)``. With a surface,
    there is one for the meta-tool too, and each action's is enabled once it is shown: the SDK
    asks before every model turn, so a load shows its actions from the next turn on."""
    from zoho_tools.adapters import export
    from zoho_tools.catalog import Catalog

    surface = session.surface
    tools = session.conversation.tools
    if surface is not None:
        tools = Catalog([surface.meta, *surface.tools.values()])
    return [_tool(session, spec) for spec in export(tools, "openai-responses")]


def _tool(session: ToolSession, spec: dict[str, Any]) -> FunctionTool:
    name = spec["name"]

    async def invoke(context: ToolContext[Any], arguments: str) -> str:
        reply = await session.reply(name, arguments, context.tool_call_id)
        return reply.text

    def shown(_context: RunContextWrapper[Any], _agent: Any) -> bool:
        return session.shows(name)

    return FunctionTool(
        name=name,
        description=spec["description"],
        params_json_schema=spec["parameters"],
        on_invoke_tool=invoke,
        strict_json_schema=True,
        is_enabled=shown if session.surface is not None else True,
    )
