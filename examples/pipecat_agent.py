"""A Zoho CRM agent in a Pipecat pipeline, with the OpenAI service.

    pip install "zoho-tools[pipecat]" "pipecat-ai[openai]"
    OPENAI_API_KEY=sk-... python examples/pipecat_agent.py        # a text chat on the sandbox

The pipeline here is text only: [user context, LLM, assistant context]. A phone agent puts its
transport, speech-to-text and text-to-speech around the same three
(``[transport.input(), stt, user, llm, tts, transport.output(), assistant]``); the tools are
wired the same way.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable
from typing import Any

from pipecat.frames.frames import EndFrame, LLMRunFrame
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineWorker
from pipecat.processors.aggregators.llm_context import LLMContext
from pipecat.processors.aggregators.llm_response_universal import LLMContextAggregatorPair
from pipecat.services.llm_service import LLMService
from pipecat.workers.runner import WorkerRunner

from zoho_tools.agent.prompts import system_prompt
from zoho_tools.config import load_settings
from zoho_tools.connection import open_backend
from zoho_tools.integrations import ToolSession
from zoho_tools.integrations.pipecat import pipecat_tools
from zoho_tools.orchestrator import Conversation


def openai_service(system_instruction: str) -> LLMService[Any]:
    from pipecat.services.openai.llm import OpenAILLMService

    settings = OpenAILLMService.Settings(
        model=os.environ.get("OPENAI_MODEL", "gpt-4.1-mini"), system_instruction=system_instruction
    )
    return OpenAILLMService(api_key=os.environ["OPENAI_API_KEY"], settings=settings)


async def main(
    lines: Iterable[str], *, service: Callable[[str], LLMService[Any]] = openai_service
) -> list[str]:
    backend = open_backend(load_settings())
    conversation = Conversation(
        variables={"caller_phone": "+15551234567", "call_id": "call-1", **backend.variables}
    )
    llm = service(system_prompt("voice", conversation))
    tools = pipecat_tools(ToolSession(conversation, backend.executor), llm)
    context = LLMContext(messages=[], tools=tools)
    aggregators = LLMContextAggregatorPair(context)
    assistant = aggregators.assistant()
    said: asyncio.Queue[str] = asyncio.Queue()

    @assistant.event_handler("on_assistant_turn_stopped")
    async def on_turn(_assistant: Any, message: Any) -> None:
        if message.content:  # a turn of tool calls only says nothing
            await said.put(message.content)

    worker = PipelineWorker(Pipeline([aggregators.user(), llm, assistant]))
    runner = WorkerRunner(handle_sigint=False)
    await runner.add_workers(worker)
    running = asyncio.create_task(runner.run())
    replies = []
    try:
        for line in lines:
            context.add_message({"role": "user", "content": line})
            await worker.queue_frame(LLMRunFrame())
            reply = await said.get()
            print(f"agent> {reply}")
            replies.append(reply)
    finally:
        await worker.queue_frame(EndFrame())
        await running
        await backend.aclose()
    return replies


if __name__ == "__main__":
    asyncio.run(main(iter(lambda: input("caller> "), "")))
