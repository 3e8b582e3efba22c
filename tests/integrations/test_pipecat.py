"""Our tools in a real Pipecat pipeline: its OpenAI service (Chat Completions mocked by respx),
its context aggregators, our handlers registered on the service, the sandbox behind them."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import respx

from tests.agent.test_openai_llm import COMPLETIONS, chunk, sse
from zoho_tools.adapters import export
from zoho_tools.agent.loop import Event, ToolEvent
from zoho_tools.integrations import ToolSession

from .conftest import CALLER
from .pipecat_service import offline_openai_service


def streamed_call(index: int, call_id: str, name: str, arguments: str) -> dict[str, Any]:
    return {
        "index": index,
        "id": call_id,
        "type": "function",
        "function": {"name": name, "arguments": arguments},
    }


async def run_pipeline(session: ToolSession) -> list[dict[str, Any]]:
    """One caller turn through [user aggregator, OpenAI service, assistant aggregator], until
    the assistant has spoken after its tool calls."""
    from pipecat.frames.frames import EndFrame, LLMRunFrame
    from pipecat.pipeline.pipeline import Pipeline
    from pipecat.pipeline.worker import PipelineWorker
    from pipecat.processors.aggregators.llm_context import LLMContext
    from pipecat.processors.aggregators.llm_response_universal import LLMContextAggregatorPair
    from pipecat.workers.runner import WorkerRunner

    from zoho_tools.integrations.pipecat import pipecat_tools

    llm = offline_openai_service()
    context = LLMContext(
        messages=[{"role": "user", "content": "Hello"}], tools=pipecat_tools(session, llm)
    )
    aggregators = LLMContextAggregatorPair(context)
    assistant = aggregators.assistant()
    spoke = asyncio.Event()

    async def on_turn(_assistant: Any, message: Any) -> None:
        if message.content:  # the turn of tool calls says nothing
            spoke.set()

    assistant.add_event_handler("on_assistant_turn_stopped", on_turn)

    worker = PipelineWorker(Pipeline([aggregators.user(), llm, assistant]))
    runner = WorkerRunner(handle_sigint=False)
    await runner.add_workers(worker)
    running = asyncio.create_task(runner.run())
    try:
        await worker.queue_frame(LLMRunFrame())
        await asyncio.wait_for(spoke.wait(), timeout=30)
    finally:
        await worker.queue_frame(EndFrame())
        await running
    # As JSON, the form the model's API receives them in.
    messages: list[dict[str, Any]] = json.loads(json.dumps(context.get_messages()))
    return messages


@respx.mock
async def test_the_service_runs_our_handlers_and_the_model_reads_our_replies(
    session: ToolSession, events: list[Event]
) -> None:
    session.conversation.variables["caller_phone"] = CALLER
    first = streamed_call(0, "c1", "search_contact", '{"query": null}')
    second = streamed_call(1, "c2", "delete_contact", '{"id": "1"}')
    route = respx.post(COMPLETIONS).mock(
        side_effect=[
            sse(
                [
                    # Streamed as OpenAI does: one tool call per chunk.
                    chunk({"role": "assistant", "tool_calls": [first]}),
                    chunk({"tool_calls": [second]}, "tool_calls"),
                ]
            ),
            sse([chunk({"role": "assistant", "content": "Hi John."}, "stop")]),
        ]
    )
    messages = await run_pipeline(session)

    # The exact strict definitions reached the API: additionalProperties and strict included.
    sent = json.loads(route.calls[0].request.content)["tools"]
    assert sent == export(session.conversation.tools, "openai")
    assert all(t["function"]["parameters"]["additionalProperties"] is False for t in sent)
    replies = {e.call.id: e.reply for e in events if isinstance(e, ToolEvent)}
    outputs = {m["tool_call_id"]: m["content"] for m in messages if m["role"] == "tool"}
    assert set(outputs) == {"c1", "c2"}
    for call_id, reply in replies.items():
        # Pipecat serialises the result itself; it is the very object our reply text renders.
        assert json.loads(outputs[call_id]) == reply.structured == json.loads(reply.text)
    assert replies["c1"].structured["data"][0]["Full_Name"] == "John Smith"
    assert replies["c2"].status == "needs_confirmation"  # a delete is read back first
    assert messages[-1] == {"role": "assistant", "content": "Hi John."}


@respx.mock
async def test_with_a_surface_a_load_puts_the_new_tools_in_the_context(
    session: ToolSession,
) -> None:
    from zoho_tools.dynamic import LOAD_ACTIONS, ToolSurface

    session.surface = ToolSurface(session.conversation.tools, profile="voice")
    load = streamed_call(0, "m1", LOAD_ACTIONS, '{"category": "deals"}')
    search = streamed_call(0, "d1", "search_deal", '{"query": "Acme"}')
    route = respx.post(COMPLETIONS).mock(
        side_effect=[
            sse([chunk({"role": "assistant", "tool_calls": [load]}, "tool_calls")]),
            sse([chunk({"role": "assistant", "tool_calls": [search]}, "tool_calls")]),
            sse([chunk({"role": "assistant", "content": "Your deal is in negotiation."}, "stop")]),
        ]
    )
    messages = await run_pipeline(session)

    sent = [
        [t["function"]["name"] for t in json.loads(call.request.content)["tools"]]
        for call in route.calls
    ]
    voice = list(session.conversation.tools.select(profile="voice"))
    assert sent[0] == [LOAD_ACTIONS, *voice]
    assert "search_deal" in sent[1] and set(sent[0]) < set(sent[1])
    found = [json.loads(m["content"]) for m in messages if m.get("tool_call_id") == "d1"]
    assert found[0]["status"] == "ok"
