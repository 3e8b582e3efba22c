"""The tool service: conversations kept per call key across requests, trusted call variables,
and a retried tool-call id answered from its first reply without running twice."""

from __future__ import annotations

import json

from zoho_tools.orchestrator import ToolCall
from zoho_tools.server.service import ToolService


def case(subject: str | None, call_id: str) -> ToolCall:
    return ToolCall("create_case", json.dumps({"subject": subject}), call_id)


async def test_slot_filling_spans_requests_of_one_call(service: ToolService) -> None:
    (asked,) = await service.run("vapi:1", [ToolCall("create_lead", '{"last_name": "Doe"}', "t1")])
    assert asked.status == "needs_input" and asked.structured["missing"] == ["company"]
    (made,) = await service.run("vapi:1", [ToolCall("create_lead", '{"company": "Acme"}', "t2")])
    assert made.status == "ok", made.text
    # Another call has its own conversation: nothing was collected there.
    (other,) = await service.run("vapi:2", [ToolCall("create_lead", '{"company": "Acme"}', "t3")])
    assert other.status == "needs_input"


async def test_a_retried_tool_call_is_answered_again_not_run_twice(service: ToolService) -> None:
    sandbox = service.backend.sandbox
    assert sandbox is not None
    before = len(sandbox.find("Cases"))
    (first,) = await service.run("retell:9", [case("Broken order", "tc-1")])
    (again,) = await service.run("retell:9", [case("Broken order", "tc-1")])
    assert first.status == "ok" and again == first
    assert len(sandbox.find("Cases")) == before + 1


async def test_call_variables_come_from_the_platform(service: ToolService) -> None:
    calls = [ToolCall("search_contact", '{"query": null}', "t1")]
    (found,) = await service.run("vapi:7", calls, variables={"caller_phone": "+15551234567"})
    assert found.status == "ok", found.text
    assert found.structured["data"][0]["Full_Name"] == "John Smith"
