"""A Zoho CRM agent with the OpenAI Agents SDK: our tools as its FunctionTools.

pip install "zoho-tools[openai-agents]"
OPENAI_API_KEY=sk-... python examples/openai_agents_sdk.py          # a text chat on the sandbox
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from typing import Any

from agents import Agent, Model, Runner, TResponseInputItem

from zoho_tools.agent.prompts import system_prompt
from zoho_tools.config import load_settings
from zoho_tools.connection import open_backend
from zoho_tools.integrations import ToolSession
from zoho_tools.integrations.openai_agents import openai_agents_tools
from zoho_tools.orchestrator import Conversation


async def main(lines: Iterable[str], *, model: Model | str | None = None, **run: Any) -> list[str]:
    backend = open_backend(load_settings())
    conversation = Conversation(
        variables={"caller_phone": "+15551234567", "call_id": "call-1", **backend.variables}
    )
    agent = Agent(
        name=conversation.employee.name,
        instructions=system_prompt("chat", conversation),
        tools=list(openai_agents_tools(ToolSession(conversation, backend.executor))),
        model=model or os.environ.get("OPENAI_MODEL", "gpt-4.1-mini"),
    )
    history: list[TResponseInputItem] = []
    replies = []
    try:
        for line in lines:
            result = await Runner.run(agent, [*history, {"role": "user", "content": line}], **run)
            history = result.to_input_list()
            print(f"agent> {result.final_output}")
            replies.append(str(result.final_output))
    finally:
        await backend.aclose()
    return replies


if __name__ == "__main__":
    asyncio.run(main(iter(lambda: input("caller> "), "")))
