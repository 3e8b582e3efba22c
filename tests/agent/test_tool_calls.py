"""run_tool_calls, the tool side of every agent: calls of one turn in dependency order, a crash
that costs only its own call, and a write guard that is settled whatever happens to the request."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from zoho_tools.agent.loop import run_tool_calls
from zoho_tools.connection import sandbox_executor
from zoho_tools.executor import Executor
from zoho_tools.orchestrator import Conversation, Repeated, ToolCall, step
from zoho_tools.rendering import ActionRequest
from zoho_tools.results import OUTCOME_UNKNOWN, ActionResult
from zoho_tools.sandbox import Sandbox

from .conftest import InFlight


def call(name: str, arguments: dict[str, Any], call_id: str = "c") -> ToolCall:
    return ToolCall(name, json.dumps(arguments), call_id)


@pytest.fixture
async def executor(sandbox: Sandbox) -> Any:
    executor = sandbox_executor(sandbox)
    yield executor
    await executor.aclose()


async def test_a_call_referring_to_a_sibling_runs_after_it(
    conversation: Conversation, executor: Executor, sandbox: Sandbox
) -> None:
    calls = [
        # Listed first, but it needs the search's result: it waits for it.
        call("create_case", {"subject": "Broken order", "contact": "{{search_contact.id}}"}, "2"),
        call("search_contact", {"query": "John Smith"}, "1"),
    ]
    case, search = await run_tool_calls(conversation, executor, calls)
    assert search.reply.status == "ok"
    assert case.reply.status == "ok", case.reply.text
    john = sandbox.find("Contacts", Last_Name="Smith", First_Name="John")[0]
    [made] = sandbox.find("Cases", Subject="Broken order")
    assert made["Related_To"]["id"] == john["id"]
    assert [e.call.id for e in (case, search)] == ["2", "1"]  # replies in the calls' order


async def test_a_reference_to_a_sibling_that_found_nothing_is_a_clear_rejection(
    conversation: Conversation, executor: Executor
) -> None:
    calls = [
        call("search_contact", {"query": "Nobody Atall"}, "1"),
        call("create_task", {"subject": "Call back", "contact": "{{search_contact.id}}"}, "2"),
    ]
    search, task = await run_tool_calls(conversation, executor, calls)
    assert search.reply.status == "empty"
    assert task.reply.status == "rejected" and task.reply.is_error
    assert "has no field 'id'" in task.reply.text


async def test_independent_calls_still_go_together(
    sandbox: Sandbox, conversation: Conversation
) -> None:
    in_flight = InFlight(sandbox.async_transport())
    executor = sandbox_executor(sandbox, transport=in_flight)
    async with executor:
        calls = [
            call("search_contact", {"query": "John Smith"}, "1"),
            call("search_account", {"query": "Acme"}, "2"),
            call("create_task", {"subject": "x", "contact": "{{search_contact.id}}"}, "3"),
        ]
        events = await run_tool_calls(conversation, executor, calls)
    assert [e.reply.status for e in events] == ["ok", "ok", "ok"]
    assert in_flight.most == 2  # the two searches together, then the task


class Exploding(Executor):
    """An executor with a bug in one action: it raises instead of returning a result."""

    def __init__(self, inner: Executor, broken: str) -> None:
        self.inner = inner
        self.broken = broken
        self.metadata = inner.metadata

    async def execute(self, request: ActionRequest) -> ActionResult:
        if request.template.name == self.broken:
            raise RuntimeError("a bug")
        return await self.inner.execute(request)


async def test_a_crash_costs_only_its_own_call(
    conversation: Conversation, executor: Executor, sandbox: Sandbox
) -> None:
    calls = [
        call("create_task", {"subject": "Send the invoice"}, "1"),
        call("create_case", {"subject": "Broken order"}, "2"),
    ]
    task, case = await run_tool_calls(conversation, Exploding(executor, "create_case"), calls)
    # The sibling's write was committed by Zoho, and its result reaches the model.
    assert task.reply.status == "ok" and task.result is not None
    assert sandbox.find("Tasks", Subject="Send the invoice")
    assert case.reply.structured["code"] == "INTERNAL_ERROR" and case.reply.is_error
    # The crashed write may have gone out: it is not sent again until a search checks.
    again = step(conversation, call("create_case", {"subject": "Broken order"}))
    assert isinstance(again, Repeated) and again.previous is not None
    assert again.previous.code == OUTCOME_UNKNOWN


async def test_a_crash_while_checking_a_call_costs_only_that_call(
    conversation: Conversation, executor: Executor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zoho_tools.agent import loop

    real_step = step  # what the loop calls, imported from the orchestrator

    def flaky(conversation: Conversation, tool_call: ToolCall) -> Any:
        if tool_call.name == "search_account":
            raise RuntimeError("a bug")
        return real_step(conversation, tool_call)

    monkeypatch.setattr(loop, "step", flaky)
    calls = [
        call("search_account", {"query": "Acme"}, "1"),
        call("search_contact", {"query": "John"}, "2"),
    ]
    broken, fine = await run_tool_calls(conversation, executor, calls)
    assert broken.outcome is None and broken.reply.structured["code"] == "INTERNAL_ERROR"
    assert fine.reply.status == "ok"


class Stalled(httpx.AsyncBaseTransport):
    """Writes hang until cancelled (a caller barging in); everything else goes through."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.stalled = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and "/oauth/" not in request.url.path:
            self.stalled.set()
            await asyncio.Event().wait()
        return await self.inner.handle_async_request(request)


async def test_a_cancelled_turn_settles_its_write_and_a_search_releases_it(
    sandbox: Sandbox, conversation: Conversation
) -> None:
    stalled = Stalled(sandbox.async_transport())
    executor = sandbox_executor(sandbox, transport=stalled)
    async with executor:
        create = call("create_task", {"subject": "Call Ms Quimby back"})
        turn = asyncio.create_task(run_tool_calls(conversation, executor, [create]))
        await stalled.stalled.wait()
        turn.cancel()
        with pytest.raises(asyncio.CancelledError):
            await turn
        # Not stuck "being sent", not lost: unknown, so not repeated blindly...
        blocked = step(conversation, create)
        assert isinstance(blocked, Repeated) and blocked.previous is not None
        assert blocked.previous.code == OUTCOME_UNKNOWN
        # ...until a search checks, even one that finds nothing.
        [search] = await run_tool_calls(
            conversation, executor, [call("search_task", {"query": "Quimby"})]
        )
        assert search.reply.status == "empty"
    async with sandbox_executor(sandbox) as working:
        [made] = await run_tool_calls(conversation, working, [create])
    assert made.reply.status == "ok", made.reply.text


async def test_a_turn_cancelled_before_its_tasks_started_settles_every_write(
    conversation: Conversation, executor: Executor
) -> None:
    calls = [call("create_task", {"subject": f"Task {n}"}, str(n)) for n in range(3)]
    turn = asyncio.create_task(run_tool_calls(conversation, executor, calls))
    await asyncio.sleep(0)  # the turn has stepped and gathered; no request has run yet
    turn.cancel()
    with pytest.raises(asyncio.CancelledError):
        await turn
    for again in (step(conversation, c) for c in calls):
        # Settled as unknown (checked by a search next), not "still being sent" forever.
        assert isinstance(again, Repeated) and again.previous is not None
        assert again.previous.code == OUTCOME_UNKNOWN
