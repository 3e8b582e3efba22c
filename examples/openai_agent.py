"""A Zoho CRM phone agent in a few lines, with the OpenAI SDK.

    OPENAI_API_KEY=sk-... python examples/openai_agent.py            # embedded sandbox
    OPENAI_API_KEY=sk-... python examples/openai_agent.py --org      # your org (zoho-tools connect)

Any OpenAI-compatible server works: set OPENAI_BASE_URL (and OPENAI_MODEL).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterable

from openai import AsyncOpenAI

from zoho_tools.agent.loop import Agent
from zoho_tools.agent.openai_llm import OpenAIChatLLM, describe_model_error
from zoho_tools.agent.prompts import system_prompt
from zoho_tools.config import load_settings
from zoho_tools.connection import open_backend
from zoho_tools.orchestrator import Conversation


async def main(
    lines: Iterable[str], *, use_org: bool = False, client: AsyncOpenAI | None = None
) -> list[str]:
    backend = open_backend(load_settings(), use_org=use_org)
    conversation = Conversation(
        variables={"caller_phone": "+15551234567", "call_id": "call-1", **backend.variables}
    )
    model = OpenAIChatLLM(client or AsyncOpenAI(), os.environ.get("OPENAI_MODEL", "gpt-4o-mini"))
    agent = Agent(
        model, backend.executor, conversation, system_prompt=system_prompt("voice", conversation)
    )
    replies = []
    try:
        for line in lines:
            before = len(agent.messages)
            try:
                reply = await agent.respond(line)
            except Exception as exc:
                problem = describe_model_error(exc)
                if problem is None:
                    raise
                # The model never answered: forget the line, so the caller can say it again.
                del agent.messages[before:]
                print(f"(not answered: {problem})", file=sys.stderr)
                continue
            print(f"agent> {reply.text}")
            replies.append(reply.text)
    finally:
        await backend.aclose()
    return replies


def _caller_lines() -> Iterable[str]:
    while True:
        try:
            line = input("caller> ")
        except EOFError:
            return
        if not line:
            return
        yield line


if __name__ == "__main__":
    asyncio.run(main(_caller_lines(), use_org="--org" in sys.argv))
