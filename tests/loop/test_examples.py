"""The examples shipped with the package run as documented."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import httpx
import respx
from openai import AsyncOpenAI

from zoho_tools.catalog import CATALOG
from zoho_tools.employee import load_employee

from .test_openai_llm import chunk, sse

EXAMPLES = Path(__file__).parents[2] / "examples"


@respx.mock
async def test_openai_agent_example(capsys: Any) -> None:
    call = {
        "index": 0,
        "id": "c1",
        "type": "function",
        "function": {"name": "search_contact", "arguments": '{"query": null}'},
    }
    route = respx.post("https://llm.example.test/v1/chat/completions").mock(
        side_effect=[
            sse([chunk({"role": "assistant", "tool_calls": [call]}, "tool_calls")]),
            sse([chunk({"role": "assistant", "content": "Hi John, how can I help?"}, "stop")]),
        ]
    )
    module = runpy.run_path(str(EXAMPLES / "openai_agent.py"))
    # The SDK's own HTTP client is not httpx (which respx intercepts), so hand it one.
    client = AsyncOpenAI(
        api_key="sk-test", base_url="https://llm.example.test/v1", http_client=httpx.AsyncClient()
    )
    replies = await module["main"](["Hello"], client=client)
    assert replies == ["Hi John, how can I help?"]
    tool_result = json.loads(route.calls[1].request.content)["messages"][-1]["content"]
    assert "John Smith" in tool_result  # found by the caller's number in the sandbox
    assert "embedded sandbox" in capsys.readouterr().out


def test_employee_example_is_valid() -> None:
    employee = load_employee(EXAMPLES / "employee.yaml").build(CATALOG)
    assert employee.actions is not None and "log_call" in employee.actions
    assert employee.defaults["log_call"] == {"call_type": "Inbound"}
