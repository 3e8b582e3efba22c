"""The framework examples run as documented, offline: a scripted or mocked model, the sandbox."""

from __future__ import annotations

import asyncio
import json
import runpy
from pathlib import Path
from typing import Any

import httpx
import respx

from tests.agent.conftest import MODEL_API as BASE
from tests.agent.test_openai_llm import COMPLETIONS, chunk, completion, sse, tool_call
from tests.openai_http import openai_http

from .pipecat_service import offline_openai_service

EXAMPLES = Path(__file__).parents[2] / "examples"
#: What the first tool call finds: the demo org's contact with the caller's number.
FOUND = "John Smith"


def example(name: str) -> dict[str, Any]:
    return runpy.run_path(str(EXAMPLES / name))


async def test_livekit_example_text_chat(capsys: Any) -> None:
    from .livekit_llm import ScriptedLiveKitLLM

    model = ScriptedLiveKitLLM(
        [("", [("search_contact", '{"query": null}', "c1")]), ("Hi John, how can I help?", [])]
    )
    module = example("livekit_agent.py")
    chat = module["text_chat"](["Hello"], llm=model, caller_phone="+15551234567")
    replies = await asyncio.wait_for(chat, 60)
    assert replies == ["Hi John, how can I help?"]
    (output,) = [i for i in model.contexts[1].items if i.type == "function_call_output"]
    assert FOUND in output.output
    assert capsys.readouterr().out == "agent> Hi John, how can I help?\n"
    assert module["server"] is not None  # what `python -m livekit.agents start` runs


@respx.mock
async def test_pipecat_example(capsys: Any) -> None:
    call = {
        "index": 0,
        "id": "c1",
        "type": "function",
        "function": {"name": "search_contact", "arguments": '{"query": null}'},
    }
    route = respx.post(COMPLETIONS).mock(
        side_effect=[
            sse([chunk({"role": "assistant", "tool_calls": [call]}, "tool_calls")]),
            sse([chunk({"role": "assistant", "content": "Hi John, how can I help?"}, "stop")]),
        ]
    )
    module = example("pipecat_agent.py")
    # The example waits for the assistant's words; a broken pipeline fails rather than hangs.
    replies = await asyncio.wait_for(module["main"](["Hello"], service=offline_openai_service), 60)
    assert replies == ["Hi John, how can I help?"]
    tool_result = json.loads(route.calls[1].request.content)["messages"][-1]["content"]
    assert FOUND in tool_result
    system = json.loads(route.calls[0].request.content)["messages"][0]
    assert system["role"] == "system" and "+15551234567" in system["content"]
    assert capsys.readouterr().out == "agent> Hi John, how can I help?\n"


@respx.mock
async def test_openai_agents_sdk_example(capsys: Any) -> None:
    from agents import OpenAIChatCompletionsModel, RunConfig
    from openai import AsyncOpenAI

    route = respx.post(COMPLETIONS).mock(
        side_effect=[
            httpx.Response(
                200,
                json=completion(
                    {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [tool_call("c1", "search_contact", {"query": None})],
                    },
                    "tool_calls",
                ),
            ),
            httpx.Response(
                200, json=completion({"role": "assistant", "content": "Hi John!"}, "stop")
            ),
            httpx.Response(200, json=completion({"role": "assistant", "content": "Done."}, "stop")),
        ]
    )
    client = AsyncOpenAI(api_key="sk-test", base_url=BASE, http_client=openai_http())
    module = example("openai_agents_sdk.py")
    replies = await module["main"](
        ["Hello", "Thanks"],
        model=OpenAIChatCompletionsModel(model="test-model", openai_client=client),
        run_config=RunConfig(tracing_disabled=True),
    )
    assert replies == ["Hi John!", "Done."]
    second_turn = json.loads(route.calls[1].request.content)["messages"]
    assert FOUND in second_turn[-1]["content"]
    # The second caller line is sent with the history of the first.
    third = json.loads(route.calls[2].request.content)["messages"]
    assert [m["role"] for m in third[1:]] == ["user", "assistant", "tool", "assistant", "user"]
    assert capsys.readouterr().out == "agent> Hi John!\nagent> Done.\n"
