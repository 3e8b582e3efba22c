"""The latency budget: a request answers in time even when Zoho is slow; the turn goes on, and
its outcome comes with the next request of the call or a retry of the same tool-call id."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from tests.clocks import Clock
from tests.server.conftest import Gate, all_verifiers, encoded, serving, vapi_tool_calls
from zoho_tools.orchestrator import ToolCall
from zoho_tools.sandbox import Sandbox
from zoho_tools.server.latency import BudgetedRunner
from zoho_tools.server.service import ToolService
from zoho_tools.server.webhooks import create_app

BUDGET = 0.3


@pytest.fixture
async def slow(service: ToolService, wall: Clock) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(service, verifiers=all_verifiers(wall), budget=BUDGET)
    async with serving(app) as client:
        yield client


async def turn(client: httpx.AsyncClient, *calls: tuple[str, str, Any]) -> list[dict[str, Any]]:
    payload = vapi_tool_calls("call-slow", *calls)
    response = await client.post(
        "/vapi", content=encoded(payload), headers={"x-vapi-secret": "vapi-SECRET-7f3a"}
    )
    assert response.status_code == 200, response.text
    return [json.loads(item.get("result") or item["error"]) for item in response.json()["results"]]


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


async def test_a_slow_zoho_call_is_answered_in_time_and_reported_next_time(
    slow: httpx.AsyncClient, sb: Sandbox, gate: Gate
) -> None:
    cases = len(sb.find("Cases"))
    gate.open.clear()
    started = time.monotonic()
    (pending,) = await turn(slow, ("tc-1", "create_case", {"subject": "Slow"}))
    assert time.monotonic() - started < BUDGET + 1.0
    assert pending["status"] == "pending"
    assert len(sb.find("Cases")) == cases  # still on its way to Zoho
    gate.open.set()
    await until(lambda: len(sb.find("Cases")) == cases + 1)
    # The next request of the call carries the outcome the model has not seen yet.
    (found,) = await turn(slow, ("tc-2", "search_contact", {}))
    assert found["status"] == "ok"
    (earlier,) = found["earlier"]
    assert earlier["action"] == "create_case" and earlier["status"] == "ok"
    case_id = earlier["data"]["id"]
    # ... once: the request after that does not repeat it.
    (plain,) = await turn(slow, ("tc-3", "search_contact", {}))
    assert "earlier" not in plain
    # Vapi retrying the slow call's id gets its outcome, and nothing is written again.
    (retried,) = await turn(slow, ("tc-1", "create_case", {"subject": "Slow"}))
    assert retried["status"] == "ok" and retried["data"]["id"] == case_id
    assert len(sb.find("Cases")) == cases + 1


async def test_a_retry_while_the_call_still_runs_is_not_run_twice(
    slow: httpx.AsyncClient, sb: Sandbox, gate: Gate
) -> None:
    cases = len(sb.find("Cases"))
    gate.open.clear()
    (first,) = await turn(slow, ("tc-1", "create_case", {"subject": "Slow"}))
    (second,) = await turn(slow, ("tc-1", "create_case", {"subject": "Slow"}))
    assert first["status"] == second["status"] == "pending"
    assert gate.waiting == 1  # one request to Zoho, held at the gate
    gate.open.set()
    (outcome,) = await turn(slow, ("tc-1", "create_case", {"subject": "Slow"}))
    assert outcome["status"] == "ok"
    assert len(sb.find("Cases")) == cases + 1


async def test_a_fast_call_is_answered_directly(slow: httpx.AsyncClient) -> None:
    (found,) = await turn(slow, ("tc-1", "search_contact", {}))
    assert found["status"] == "ok" and "earlier" not in found


async def test_shutting_down_waits_for_a_running_write(
    service: ToolService, sb: Sandbox, gate: Gate
) -> None:
    runner = BudgetedRunner(service, BUDGET)
    cases = len(sb.find("Cases"))
    gate.open.clear()
    (pending,) = await runner.run("k", [ToolCall("create_case", {"subject": "Late"}, "t")], {})
    assert pending.status == "pending"
    asyncio.get_running_loop().call_later(0.05, gate.open.set)
    await runner.aclose(grace=5)
    assert len(sb.find("Cases")) == cases + 1


async def test_a_budget_must_be_positive(service: ToolService) -> None:
    with pytest.raises(ValueError, match="positive"):
        BudgetedRunner(service, 0)


async def test_a_request_that_goes_away_leaves_its_outcome_for_the_next(
    service: ToolService, sb: Sandbox, gate: Gate
) -> None:
    runner = BudgetedRunner(service, 30)
    gate.open.clear()
    request = asyncio.create_task(
        runner.run("k", [ToolCall("create_case", {"subject": "Hung up"}, "t1")], {})
    )
    await until(lambda: gate.waiting == 1)
    request.cancel()  # the platform hung up
    with pytest.raises(asyncio.CancelledError):
        await request
    gate.open.set()
    (found,) = await runner.run("k", [ToolCall("search_case", {"query": "Hung up"}, "t2")], {})
    (earlier,) = found.structured["earlier"]
    assert earlier["action"] == "create_case" and earlier["status"] == "ok"
    assert found.structured["data"][0]["id"] == earlier["data"]["id"]
    await runner.aclose()
