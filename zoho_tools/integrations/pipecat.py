"""Our tools for a Pipecat LLM service (``pip install "zoho-tools[pipecat]"``).

Pipecat's own ``FunctionSchema`` keeps only ``properties`` and ``required`` (it drops
``additionalProperties: false`` and ``strict``), so our exact OpenAI strict definitions go in as
the raw OpenAI tool list (``ToolsSchema(custom_tools={AdapterType.OPENAI: [...]})``), and one
handler per action is registered on the service with ``register_function``. Pipecat uses the same
OpenAI slot for Chat Completions and Responses services, whose tool shapes differ: say which with
``api``.

With a surface (:class:`~zoho_tools.dynamic.ToolSurface`), the context starts with the
meta-tool and the shown actions; a load replaces our tools in the call's context (its other tools
are kept), so the model's next request has them. Handlers are registered for every enabled
action from the start.

Pipecat runs the calls of one model turn as separate tasks, so each is checked and sent on its
own; a call that refers to a sibling of the same turn (``{{search_contact.id}}``) needs
``run_in_parallel=False`` on the service, or the model's next turn.
"""

from __future__ import annotations

from typing import Any, Literal

from pipecat.adapters.llm.schemas.tools_schema import AdapterType, ToolsSchema
from pipecat.processors.aggregators.llm_context import LLMContext
from pipecat.services.llm_service import FunctionCallParams, LLMService

from zoho_tools.dynamic import LOAD_ACTIONS
from zoho_tools.integrations import ToolSession

__all__ = ["pipecat_tools"]


def pipecat_tools(
    session: ToolSession,
    llm: LLMService[Any],
    *,
    api: Literal["chat", "responses"] = "chat",
) -> ToolsSchema:
    """Register a handler on ``llm`` for every enabled action and return the tools to put in
    ``LLMContext(tools=...)``: the OpenAI strict definitions, verbatim."""
    format = "openai" if api == "chat" else "openai-responses"

    async def handler(params: FunctionCallParams) -> None:
        version = session.version
        reply = await session.reply(
            params.function_name, dict(params.arguments), params.tool_call_id
        )
        if session.version != version:
            _show_loaded(session, params.context, format)
        # Pipecat serialises a result itself (json.dumps): given our text, the model would read
        # a JSON string holding JSON. The object is the one the reply text renders.
        await params.result_callback(reply.structured)

    names = [*session.conversation.tools, *([LOAD_ACTIONS] if session.surface else [])]
    for name in names:
        llm.register_function(name, handler)
    return ToolsSchema(
        standard_tools=[], custom_tools={AdapterType.OPENAI: session.definitions(format)}
    )


def _show_loaded(session: ToolSession, context: LLMContext, format: str) -> None:
    """Put the session's tools as they are now in ``context``, keeping tools that are not ours."""
    ours = {*session.conversation.tools, LOAD_ACTIONS}
    current = context.tools if isinstance(context.tools, ToolsSchema) else None
    custom = dict(current.custom_tools or {}) if current else {}
    others = [t for t in custom.get(AdapterType.OPENAI, []) if _name(t) not in ours]
    custom[AdapterType.OPENAI] = [*others, *session.definitions(format)]
    standard: list[Any] = []
    if current:
        standard = [*current.standard_tools, *(w.function for w in current.direct_functions)]
    context.set_tools(ToolsSchema(standard_tools=standard, custom_tools=custom))


def _name(tool: dict[str, Any]) -> Any:
    """A tool definition's name, in Chat (nested) or Responses (flat) form."""
    return tool.get("name") or tool.get("function", {}).get("name")
