"""Our tools for a Pipecat LLM service (``pip install "zoho-tools[pipecat]"``).

Pipecat's own ``FunctionSchema`` keeps only ``properties`` and ``required`` (it drops
``additionalProperties: false`` and ``strict``), so our exact OpenAI strict definitions go in as
the raw OpenAI tool list (``ToolsSchema(custom_tools={AdapterType.OPENAI: [...]})``), and one
handler per action is registered on the service with ``register_function``. Pipecat uses the same
OpenAI slot for Chat Completions and Responses services, whose tool shapes differ: say which with
``api``.

Pipecat runs the calls of one model turn as separate tasks, so each is checked and sent on its
own; a call that refers to a sibling of the same turn (``{{search_contact.id}}``) needs
``run_in_parallel=False`` on the service, or the model's next turn.
"""

from __future__ import annotations

from typing import Any, Literal

from pipecat.adapters.llm.schemas.tools_schema import AdapterType, ToolsSchema
from pipecat.services.llm_service import FunctionCallParams, LLMService

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
    definitions = session.definitions("openai" if api == "chat" else "openai-responses")

    async def handler(params: FunctionCallParams) -> None:
        reply = await session.reply(
            params.function_name, dict(params.arguments), params.tool_call_id
        )
        # Pipecat serialises a result itself (json.dumps): given our text, the model would read
        # a JSON string holding JSON. The object is the one the reply text renders.
        await params.result_callback(reply.structured)

    for name in session.conversation.tools:
        llm.register_function(name, handler)
    return ToolsSchema(standard_tools=[], custom_tools={AdapterType.OPENAI: definitions})
