"""A conversation, its results and its replies survive JSON: after any sequence of tool calls, a
conversation rebuilt from its JSON answers every later call exactly as the original does."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.clocks import Clock
from zoho_tools.agent.loop import run_tool_calls
from zoho_tools.connection import sandbox_executor
from zoho_tools.normalize import Locale
from zoho_tools.orchestrator import Conversation, ToolCall
from zoho_tools.replies import ToolReply
from zoho_tools.results import ActionResult, error_result
from zoho_tools.sandbox import Sandbox

NOW = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
LOCALE = Locale(time_zone="Europe/Berlin", country="DE")

#: Calls that touch every piece of state: collected values, confirmations, results to chain,
#: the write guard (including a write repeated), unknown fields and references.
CALLS = [
    ToolCall("search_contact", {"query": "Smith"}),
    ToolCall("search_contact", {"query": "nobody-like-this"}),
    ToolCall("create_contact", {"first_name": "Ann"}),
    ToolCall("create_contact", {"last_name": "Lee"}),
    ToolCall("create_contact", {"last_name": "Lee", "phone": "030 1234567"}),
    ToolCall("update_contact", {"id": "{{search_contact.id}}", "email": "a@b.example"}),
    ToolCall("delete_contact", {"id": "{{search_contact.id}}"}),
    ToolCall("delete_contact", {"id": "{{search_contact.id}}", "confirmed": True}),
    ToolCall("create_task", {"due_date": "2026-12-24"}),
    ToolCall("create_task", {"subject": "Call back {{caller_name}}"}),
    ToolCall("create_lead", {"last_name": "Doe", "colour": "red"}),
    ToolCall("create_lead", {"company": "Acme"}),
    ToolCall("no_such_action", {}),
    ToolCall("create_note", "{not json"),
]


def conversation() -> Conversation:
    return Conversation(
        variables={"caller_phone": "+4930999999", "caller_name": "Ann"},
        locale=LOCALE,
        now=lambda: NOW,
    )


def roundtrip(original: Conversation) -> Conversation:
    text = original.to_json()
    restored = Conversation.from_json(text, locale=LOCALE, now=lambda: NOW)
    assert restored.to_json() == text
    return restored


async def play(before: list[int], after: list[int]) -> None:
    """Run ``before`` on twin conversations with twin sandboxes; rebuild one from JSON; then
    both must answer ``after`` alike and end in the same state."""
    twins = [Sandbox(seed="demo", clock=Clock()) for _ in range(2)]
    executors = [sandbox_executor(sb) for sb in twins]
    try:
        first, second = conversation(), conversation()
        for index in before:
            for conv, executor in ((first, executors[0]), (second, executors[1])):
                await run_tool_calls(conv, executor, [CALLS[index]])
        second = roundtrip(second)
        for index in after:
            [kept] = await run_tool_calls(first, executors[0], [CALLS[index]])
            [rebuilt] = await run_tool_calls(second, executors[1], [CALLS[index]])
            assert rebuilt.reply == kept.reply
        assert second.to_dict() == first.to_dict()
    finally:
        for executor in executors:
            await executor.aclose()


steps = st.lists(st.integers(0, len(CALLS) - 1), max_size=8)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=steps, after=steps)
def test_a_rebuilt_conversation_behaves_as_the_original(
    before: list[int], after: list[int]
) -> None:
    asyncio.run(play(before, after))


def test_a_conversation_with_every_kind_of_state_round_trips() -> None:
    asyncio.run(play(list(range(len(CALLS))), [2, 3, 4, 7, 6, 7, 0, 5]))


def test_results_and_replies_round_trip() -> None:
    result = error_result("create_lead", "OUTCOME_UNKNOWN", "interrupted", field="last_name")
    data = json.loads(json.dumps(result.to_dict()))
    assert ActionResult.from_dict(data) == result
    ok = ActionResult("search_contact", "ok", data=[{"id": "1"}], count=1, records=[{"id": "1"}])
    assert ActionResult.from_dict(json.loads(json.dumps(ok.to_dict()))) == ok
    reply = ToolReply.of("search_contact", {"status": "ok", "data": ["x" * 900]}, is_error=False)
    again = ToolReply.from_dict(json.loads(json.dumps(reply.to_dict())))
    assert again == reply and again.text == reply.text


def test_state_of_another_shape_is_refused() -> None:
    import pytest

    with pytest.raises(ValueError, match="conversation state"):
        Conversation.from_dict({"format": "something else"})
    data: dict[str, Any] = conversation().to_dict()
    assert Conversation.from_dict(data).variables == data["variables"]
