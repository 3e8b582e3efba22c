"""Results past the first page: a search's reply carries a page_token, next_page sends it back."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from zoho_tools.agent.loop import run_tool_calls
from zoho_tools.catalog import CATALOG
from zoho_tools.catalog._shapes import SEARCH_PAGE_SIZE
from zoho_tools.connection import sandbox_executor
from zoho_tools.orchestrator import Conversation, Employee, Ready, Rejected, ToolCall, step
from zoho_tools.paging import (
    MAX_PAGED_RECORDS,
    BadPageToken,
    page_token,
    read_token,
)
from zoho_tools.rendering import ActionRequest
from zoho_tools.results import DEFAULT_MAX_RECORDS
from zoho_tools.sandbox import Sandbox

#: What a reply shows of a page (the executor's default), and tickets for two more pages after
#: the first and a short last one.
SHOWN = DEFAULT_MAX_RECORDS
TICKETS = 3 * SHOWN + 2


@pytest.fixture
def sandbox() -> Sandbox:
    sandbox = Sandbox()
    for number in range(TICKETS):
        sandbox.create(
            "Cases",
            {"Subject": f"Printer jam {number:02}", "Status": "New", "Case_Origin": "Phone"},
        )
    return sandbox


async def _run(sandbox: Sandbox, conversation: Conversation, name: str, **args: Any) -> Any:
    async with sandbox_executor(sandbox) as executor:
        (event,) = await run_tool_calls(conversation, executor, [ToolCall(name, args)])
    return json.loads(event.shown)


def _subjects(shown: dict[str, Any]) -> list[str]:
    return [record["Subject"] for record in shown["data"]]


async def test_next_page_walks_a_search_to_its_last_page_skipping_nothing(
    sandbox: Sandbox,
) -> None:
    conversation = Conversation()
    pages = [await _run(sandbox, conversation, "search_case", query="printer")]
    # The first request asks Zoho for a full page; the reply shows its first few records.
    assert sandbox.log.matching("GET", "/Cases/search")[-1].query["per_page"] == str(
        SEARCH_PAGE_SIZE
    )
    while "page_token" in pages[-1]:
        assert pages[-1]["status"] == "ok" and pages[-1]["more_records"] is True
        token = pages[-1]["page_token"]
        pages.append(await _run(sandbox, conversation, "next_page", page_token=token))
    assert [len(page["data"]) for page in pages] == [SHOWN, SHOWN, SHOWN, 2]
    assert "more_records" not in pages[-1]
    heard = [subject for page in pages for subject in _subjects(page)]
    assert heard == [f"Printer jam {n:02}" for n in range(TICKETS)]  # in order, none skipped
    sent = sandbox.log.matching("GET", "/Cases/search")[-1]
    assert (sent.query["page"], sent.query["per_page"], sent.query["word"]) == (
        "4",
        str(SHOWN),
        "printer",
    )


async def test_a_page_is_the_answer_of_the_search_it_continues(sandbox: Sandbox) -> None:
    conversation = Conversation()
    first = await _run(sandbox, conversation, "search_case", query="printer")
    second = await _run(sandbox, conversation, "next_page", page_token=first["page_token"])
    # {{search_case.id}} now names the first record of the page the caller heard last.
    assert conversation.results["search_case"].records[0]["id"] == second["data"][0]["id"]
    assert "next_page" not in conversation.results


def test_a_token_is_the_checked_search_and_the_records_after_those_shown() -> None:
    first = ActionRequest(CATALOG["search_case"], {"query": "printer"})
    token = page_token(first, shown=4)  # 4 of a page of SEARCH_PAGE_SIZE shown
    assert token is not None and "=" not in token  # fits a URL or a JSON string as it is
    wanted = read_token(token)
    assert (wanted.action, dict(wanted.arguments), wanted.page, wanted.per_page) == (
        "search_case",
        {"query": "printer"},
        2,
        4,
    )
    later = ActionRequest(first.template, first.arguments, page=3, per_page=4)
    assert read_token(page_token(later, shown=4) or "").page == 4
    # Fewer shown than a later page held (another executor's setting): no page of that size
    # starts right after them, so no token rather than a gap.
    assert page_token(later, shown=3) is None


def test_no_token_past_what_zoho_pages() -> None:
    last = MAX_PAGED_RECORDS // SHOWN
    template = CATALOG["search_case"]
    near_end = ActionRequest(template, {"query": "x1"}, page=last - 1, per_page=SHOWN)
    assert page_token(near_end, SHOWN) is not None
    at_end = ActionRequest(template, {"query": "x1"}, page=last, per_page=SHOWN)
    assert page_token(at_end, SHOWN) is None
    # Reads that are not paged (one record, a plan) have no next page.
    assert page_token(ActionRequest(CATALOG["get_case"], {"id": "1"}), 1) is None
    identify = ActionRequest(CATALOG["identify_caller"], {"phone": "+15551234567"})
    assert page_token(identify, 1) is None


def _token(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "not a token",
        "%%%",
        _token(["search_case"]),
        _token({"action": "search_case", "arguments": {"query": "x1"}}),
        _token({"action": "search_case", "arguments": {"query": "x1"}, "page": 1, "per_page": 5}),
        _token({"action": "search_case", "arguments": {"query": "x1"}, "page": 2}),
        _token({"action": "search_case", "arguments": {"query": "x1"}, "page": True}),
        _token({"action": "search_case", "arguments": {}, "page": 2, "per_page": 999}),
        _token({"action": 7, "arguments": {}, "page": 2, "per_page": 5}),
        "A" * 10_000,
    ],
)
def test_anything_else_is_not_a_token(token: Any) -> None:
    with pytest.raises(BadPageToken):
        read_token(token)
    outcome = step(Conversation(), ToolCall("next_page", {"page_token": token}))
    assert isinstance(outcome, Rejected) and outcome.problems[0].param == "page_token"


def test_a_token_is_checked_as_the_search_it_continues() -> None:
    conversation = Conversation()
    too_short = _token(
        {"action": "search_case", "arguments": {"query": "x"}, "page": 2, "per_page": 5}
    )
    outcome = step(conversation, ToolCall("next_page", {"page_token": too_short}))
    assert isinstance(outcome, Rejected)
    a_write = _token(
        {"action": "create_case", "arguments": {"subject": "x"}, "page": 2, "per_page": 5}
    )
    outcome = step(conversation, ToolCall("next_page", {"page_token": a_write}))
    assert isinstance(outcome, Rejected) and outcome.unavailable
    fine = _token(
        {"action": "search_case", "arguments": {"query": "printer"}, "page": 2, "per_page": 5}
    )
    outcome = step(conversation, ToolCall("next_page", {"page_token": fine}))
    assert isinstance(outcome, Ready)
    assert (outcome.request.template.name, outcome.request.page) == ("search_case", 2)


def test_a_token_only_continues_an_action_this_agent_has() -> None:
    conversation = Conversation(employee=Employee(actions=frozenset({"search_contact"})))
    assert "next_page" in conversation.tools  # a search brings it along
    cases = _token(
        {"action": "search_case", "arguments": {"query": "printer"}, "page": 2, "per_page": 5}
    )
    outcome = step(conversation, ToolCall("next_page", {"page_token": cases}))
    assert isinstance(outcome, Rejected) and outcome.unavailable
