"""The examples shipped with the package run as documented."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from openai import AsyncOpenAI

from tests.openai_http import openai_http
from zoho_tools.catalog import CATALOG
from zoho_tools.employee import load_employee

from .test_openai_llm import chunk, sse

EXAMPLES = Path(__file__).parents[2] / "examples"


@respx.mock
async def test_openai_agent_example(capsys: Any, caplog: Any) -> None:
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
        api_key="sk-test", base_url="https://llm.example.test/v1", http_client=openai_http()
    )
    replies = await module["main"](["Hello"], client=client)
    assert replies == ["Hi John, how can I help?"]
    tool_result = json.loads(route.calls[1].request.content)["messages"][-1]["content"]
    assert "John Smith" in tool_result  # found by the caller's number in the sandbox
    # The sandbox notice is a warning on stderr, never on stdout (which may carry a protocol).
    assert "embedded sandbox" not in capsys.readouterr().out
    assert any("embedded sandbox" in r.getMessage() for r in caplog.records)


@respx.mock
@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (httpx.Response(401, json={"error": {"message": "Incorrect API key sk-tes***"}}), "key"),
        (httpx.Response(429, json={"error": {"message": "slow down"}}), "429"),
        (httpx.ConnectError("refused"), "cannot reach the model API"),
        (httpx.ReadTimeout("slow"), "did not answer in time"),
    ],
    ids=["bad-key", "rate-limited", "refused", "timeout"],
)
async def test_openai_agent_example_survives_a_failing_model(
    capsys: Any, answer: Any, said: str
) -> None:
    route = respx.post("https://llm.example.test/v1/chat/completions")
    route.side_effect = [
        answer,
        sse([chunk({"role": "assistant", "content": "Hello again."}, "stop")]),
    ]
    module = runpy.run_path(str(EXAMPLES / "openai_agent.py"))
    client = AsyncOpenAI(
        api_key="sk-test",
        base_url="https://llm.example.test/v1",
        http_client=openai_http(),
        max_retries=0,
    )
    replies = await module["main"](["Hello", "Hello"], client=client)
    assert replies == ["Hello again."]  # the failed turn is reported, the next one answered
    err = capsys.readouterr().err
    assert said in err
    assert "Traceback" not in err and "sk-tes" not in err
    # The retried turn carries the caller's line once, not twice.
    sent = json.loads(route.calls[-1].request.content)["messages"]
    assert [m["content"] for m in sent if m["role"] == "user"] == ["Hello"]


def test_employee_example_is_valid() -> None:
    employee = load_employee(EXAMPLES / "employee.yaml").build(CATALOG)
    assert employee.actions is not None and "log_call" in employee.actions
    assert employee.defaults["log_call"] == {"call_type": "Inbound"}
