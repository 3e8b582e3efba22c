"""A Zoho CRM phone agent on LiveKit Agents: the caller's number from the SIP participant.

    pip install "zoho-tools[livekit]"
    LIVEKIT_URL=... LIVEKIT_API_KEY=... LIVEKIT_API_SECRET=... \\
        python -m livekit.agents start examples/livekit_agent.py --dev      # phone calls
    python examples/livekit_agent.py                                        # a text chat, no room

Speech and the model go through LiveKit Inference (the model names in ``phone_call``); the tools
run against the embedded sandbox, or your org with ZOHO_TOOLS_USE_ORG=1 (after
``zoho-tools connect``).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from typing import Any

from livekit.agents import Agent, AgentServer, AgentSession, JobContext
from livekit.agents.llm import LLM

from zoho_tools.agent.prompts import system_prompt
from zoho_tools.config import load_settings
from zoho_tools.connection import Backend, open_backend
from zoho_tools.integrations import ToolSession
from zoho_tools.integrations.livekit import caller_variables, livekit_tools
from zoho_tools.orchestrator import Conversation

server = AgentServer()


def zoho_agent(backend: Backend, variables: dict[str, Any]) -> Agent:
    """A LiveKit agent with the Zoho tools of one conversation."""
    conversation = Conversation(variables={**variables, **backend.variables})
    tools = ToolSession(conversation, backend.executor)
    return Agent(instructions=system_prompt("voice", conversation), tools=livekit_tools(tools))


@server.rtc_session()
async def phone_call(ctx: JobContext) -> None:
    await ctx.connect()
    caller = await ctx.wait_for_participant()
    backend = open_backend(load_settings(), use_org=bool(os.environ.get("ZOHO_TOOLS_USE_ORG")))
    ctx.add_shutdown_callback(backend.aclose)
    session = AgentSession(stt="deepgram/nova-3", llm="openai/gpt-4.1-mini", tts="cartesia/sonic-2")
    variables = {"call_id": ctx.room.name, **caller_variables(caller)}
    await session.start(zoho_agent(backend, variables), room=ctx.room)


async def text_chat(
    lines: Iterable[str], *, llm: LLM | str = "openai/gpt-4.1-mini", caller_phone: str = ""
) -> list[str]:
    """The same agent in a LiveKit session without a room: one reply per line."""
    backend = open_backend(load_settings())
    variables = {"call_id": "text-chat", **({"caller_phone": caller_phone} if caller_phone else {})}
    replies = []
    try:
        async with AgentSession(llm=llm) as session:
            await session.start(zoho_agent(backend, variables))
            for line in lines:
                result = await session.run(user_input=line)
                text = " ".join(
                    str(part)
                    for event in result.events
                    if event.type == "message"
                    for part in event.item.content
                )
                print(f"agent> {text}")
                replies.append(text)
    finally:
        await backend.aclose()
    return replies


if __name__ == "__main__":
    asyncio.run(text_chat(iter(lambda: input("caller> "), ""), caller_phone="+15551234567"))
