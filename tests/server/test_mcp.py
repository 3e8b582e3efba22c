"""The MCP server in process, driven by the SDK's own client in both protocol eras: 2026-07-28
(``mode="auto"``, sessionless, forms as ``input_required``) and 2025-11-25 (``mode="legacy"``,
the initialize handshake, forms as ``elicitation/create`` during the call)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from mcp import Client
from mcp.server import Server
from mcp.shared.exceptions import MCPError
from mcp.types import (
    CallToolResult,
    ElicitResult,
    InputRequiredResult,
    InputResponses,
    TextContent,
)

from tests.mcp_meta import meta
from tests.server.conftest import User, contact_id
from zoho_tools.adapters import export
from zoho_tools.orchestrator import Conversation
from zoho_tools.server.mcp import INPUT_KEY, create_mcp_server
from zoho_tools.server.service import ToolService
from zoho_tools.server.state import Session

ERAS = {"auto": "2026-07-28", "legacy": "2025-11-25"}
CALLER = "+15551234567"  # John Smith in the demo org


@pytest.fixture(params=list(ERAS))
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def server(service: ToolService) -> Server[Any]:
    # Like stdio: one client, so requests that name no conversation share one.
    return create_mcp_server(service, default_conversation="mcp:test")


def connect(server: Server[Any], mode: str, user: User | None = None) -> Client:
    return Client(server, mode=mode, elicitation_callback=user, raise_exceptions=True)


def structured(result: CallToolResult) -> dict[str, Any]:
    """The reply, after checking that its text is the same JSON."""
    assert result.structured_content is not None
    [content] = result.content
    assert isinstance(content, TextContent), content
    assert json.loads(content.text) == result.structured_content
    reply: dict[str, Any] = result.structured_content
    return reply


async def test_tools_are_the_catalog_definitions_in_catalog_order(
    server: Server[Any], service: ToolService, mode: str
) -> None:
    async with connect(server, mode) as client:
        assert client.protocol_version == ERAS[mode]
        listed = await client.list_tools()
    expected = export(service.tools, "mcp")
    wire = [t.model_dump(by_alias=True, exclude_none=True, mode="json") for t in listed.tools]
    assert wire == expected
    annotations = wire[0]["annotations"]
    assert set(annotations) >= {
        "readOnlyHint",
        "destructiveHint",
        "idempotentHint",
        "openWorldHint",
    }
    assert wire[0]["outputSchema"]["required"] == ["status"]


async def test_an_employee_file_limits_the_tools(service: ToolService, mode: str) -> None:
    from dataclasses import replace

    from zoho_tools.orchestrator import Employee

    limited = replace(service, employee=Employee(actions=frozenset({"create_lead", "get_lead"})))
    async with connect(create_mcp_server(limited), mode) as client:
        listed = await client.list_tools()
    assert [t.name for t in listed.tools] == ["create_lead", "get_lead"]


async def test_a_call_answers_structured_content_and_the_same_text(
    server: Server[Any], mode: str
) -> None:
    async with connect(server, mode) as client:
        result = await client.call_tool("search_contact", {"query": "John Smith"})
    assert result.is_error is False
    reply = structured(result)
    assert reply["status"] == "ok" and reply["data"][0]["Full_Name"] == "John Smith"


async def test_mistakes_and_zoho_errors_are_is_error_results_with_a_fix(
    server: Server[Any], mode: str
) -> None:
    async with connect(server, mode) as client:
        unknown = await client.call_tool("serch_contact", {"query": "John"})
        wrong = await client.call_tool("create_lead", {"last_name": "Doe", "colour": "red"})
        missing = await client.call_tool("update_contact", {"id": "1", "last_name": "X"})
    assert unknown.is_error and "search_contact" in structured(unknown)["problems"][0]
    assert wrong.is_error and structured(wrong)["status"] == "rejected"
    assert "colour" in " ".join(structured(wrong)["problems"])
    assert missing.is_error and structured(missing)["status"] == "error"
    assert structured(missing).get("hint") or structured(missing).get("message")


class BrokenStore:
    """A conversation store that fails: the server must still answer."""

    def session(
        self, key: str, create: Callable[[], Conversation]
    ) -> AbstractAsyncContextManager[Session]:
        @asynccontextmanager
        async def broken() -> AsyncIterator[Session]:
            raise RuntimeError("store down: password=hunter2")
            yield  # pragma: no cover

        return broken()

    async def claim(self, token: str, ttl: float) -> bool:
        raise RuntimeError("store down: password=hunter2")


async def test_a_crash_inside_is_an_is_error_result_without_details(
    service: ToolService, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    from dataclasses import replace

    server = create_mcp_server(replace(service, store=BrokenStore()), default_conversation="x")
    async with connect(server, mode) as client:
        result = await client.call_tool("search_contact", {"query": "John"})
    assert result.is_error
    reply = structured(result)
    assert reply["code"] == "INTERNAL_ERROR" and "hunter2" not in result.model_dump_json()
    assert "hint" in reply
    assert "store down" in caplog.text  # for the operator, in the log


# --- needs input, in its three renderings --------------------------------------------------------


async def test_needs_input_is_a_form_the_user_fills_in(
    server: Server[Any], service: ToolService, mode: str
) -> None:
    user = User({"company": "Acme Forms"})
    async with connect(server, mode, user) as client:
        result = await client.call_tool("create_lead", {"last_name": "Formby"})
    assert result.is_error is False and structured(result)["status"] == "ok"
    [form] = user.forms
    assert form.requested_schema["required"] == ["company"]
    assert form.requested_schema["properties"]["company"]["type"] == "string"
    assert "company" in form.message.lower()
    assert service.backend.sandbox is not None
    [lead] = service.backend.sandbox.find("Leads", Last_Name="Formby")
    assert lead["Company"] == "Acme Forms"


async def test_2026_needs_input_is_an_input_required_result_with_sealed_state(
    server: Server[Any],
) -> None:
    async with connect(server, "auto", User()) as client:
        first = await client.session.call_tool(
            "create_lead", {"last_name": "Sealy"}, allow_input_required=True
        )
        assert isinstance(first, InputRequiredResult)
        assert first.input_requests is not None and set(first.input_requests) == {INPUT_KEY}
        state = first.request_state
        assert state is not None and state.startswith("v1.")
        assert "Sealy" not in state and "mcp:test" not in state  # encrypted, not just signed
        answer: InputResponses = {
            INPUT_KEY: ElicitResult(action="accept", content={"company": "Seal Co"})
        }
        done = await client.session.call_tool(
            "create_lead",
            {"last_name": "Sealy"},
            input_responses=answer,
            request_state=state,
            allow_input_required=True,
        )
        assert isinstance(done, CallToolResult) and structured(done)["status"] == "ok"
        # The same answer again is refused: a form's answer is used once.
        again = await client.session.call_tool(
            "create_lead",
            {"last_name": "Sealy"},
            input_responses=answer,
            request_state=state,
            allow_input_required=True,
        )
        assert isinstance(again, CallToolResult) and again.is_error
        # A forged or altered state never reaches the tool.
        for forged in (state[:-4] + "AAAA", "v1.bm90IHNlYWxlZA", '{"k":"mcp:other"}'):
            with pytest.raises(MCPError) as caught:
                await client.session.call_tool(
                    "create_lead",
                    {"last_name": "Sealy"},
                    input_responses=answer,
                    request_state=forged,
                    allow_input_required=True,
                )
            assert caught.value.error.code == -32602
        # Nor does a state minted for other arguments.
        other = await client.session.call_tool(
            "create_lead", {"last_name": "Other"}, allow_input_required=True
        )
        assert isinstance(other, InputRequiredResult) and other.request_state
        with pytest.raises(MCPError):
            await client.session.call_tool(
                "create_lead",
                {"last_name": "Sealy"},
                input_responses=answer,
                request_state=other.request_state,
                allow_input_required=True,
            )


async def test_workers_sharing_state_keys_continue_each_others_forms(
    service: ToolService,
) -> None:
    keys = ["a" * 32, "b" * 40]
    worker_a = create_mcp_server(service, state_keys=keys)
    worker_b = create_mcp_server(service, state_keys=list(reversed(keys)))  # mid-rotation
    stranger = create_mcp_server(service, state_keys=["c" * 32])
    async with connect(worker_a, "auto", User()) as a:
        first = await a.session.call_tool(
            "create_lead", {"last_name": "Shared"}, allow_input_required=True
        )
    assert isinstance(first, InputRequiredResult)
    answer: InputResponses = {INPUT_KEY: ElicitResult(action="accept", content={"company": "Both"})}
    async with connect(stranger, "auto", User()) as c:
        with pytest.raises(MCPError):
            await c.session.call_tool(
                "create_lead",
                {"last_name": "Shared"},
                input_responses=answer,
                request_state=first.request_state,
                allow_input_required=True,
            )
    async with connect(worker_b, "auto", User()) as b:
        done = await b.session.call_tool(
            "create_lead",
            {"last_name": "Shared"},
            input_responses=answer,
            request_state=first.request_state,
            allow_input_required=True,
        )
    assert isinstance(done, CallToolResult) and structured(done)["status"] == "ok", done


async def test_answers_add_up_over_several_forms(
    server: Server[Any], service: ToolService, mode: str
) -> None:
    user = User({"deal_name": "Big Deal", "stage": "Qualification"}, {"closing_date": "2027-01-15"})
    async with connect(server, mode, user) as client:
        result = await client.call_tool("create_deal", {})
    assert structured(result)["status"] == "ok"
    first, second = user.forms
    assert first.requested_schema["required"] == ["deal_name", "stage", "closing_date"]
    assert second.requested_schema["required"] == ["closing_date"]
    assert service.backend.sandbox is not None
    [deal] = service.backend.sandbox.find("Deals", Deal_Name="Big Deal")
    assert (deal["Stage"], deal["Closing_Date"]) == ("Qualification", "2027-01-15")


async def test_2025_needs_input_is_asked_during_the_call(server: Server[Any]) -> None:
    user = User({"company": ""}, {"company": "Second Try"})
    async with connect(server, "legacy", user) as client:
        result = await client.call_tool("create_lead", {"last_name": "Twice"})
    assert structured(result)["status"] == "ok"
    assert len(user.forms) == 2  # a blank answer is asked again


async def test_a_form_the_client_fails_to_show_falls_back_to_text(server: Server[Any]) -> None:
    user = User("error")
    async with connect(server, "legacy", user) as client:
        result = await client.call_tool("create_lead", {"last_name": "Fallback"})
    assert result.is_error is False and structured(result)["missing"] == ["company"]
    assert len(user.forms) == 1


async def test_without_elicitation_needs_input_is_text_naming_what_to_ask(
    server: Server[Any], mode: str
) -> None:
    async with connect(server, mode) as client:
        asked = await client.call_tool("create_lead", {"last_name": "Plain"})
        reply = structured(asked)
        assert asked.is_error is False and reply["status"] == "needs_input"
        assert reply["missing"] == ["company"] and "company" in reply["ask"].lower()
        # The conversation kept the last name: only the company is sent next.
        done = await client.call_tool("create_lead", {"company": "Plain Co"})
    assert structured(done)["status"] == "ok"


async def test_a_field_to_look_up_is_never_a_form(server: Server[Any], mode: str) -> None:
    user = User()
    async with connect(server, mode, user) as client:
        result = await client.call_tool("create_note", {"title": "Hi", "content": "There"})
    reply = structured(result)
    assert reply["status"] == "needs_input" and "look_up" in reply
    assert user.forms == []


async def test_a_declined_form_sends_nothing(
    server: Server[Any], service: ToolService, mode: str
) -> None:
    user = User("decline")
    async with connect(server, mode, user) as client:
        result = await client.call_tool("create_lead", {"last_name": "Nope"})
    reply = structured(result)
    assert reply["status"] == "needs_input" and reply["declined"] is True
    assert service.backend.sandbox is not None
    assert service.backend.sandbox.find("Leads", Last_Name="Nope") == []


# --- confirmation ---------------------------------------------------------------------------------


async def test_a_destructive_action_is_confirmed_in_a_form(
    server: Server[Any], service: ToolService, mode: str
) -> None:
    target = contact_id(service)
    user = User({"confirmed": True})
    async with connect(server, mode, user) as client:
        await client.call_tool("search_contact", {"query": "John Smith"})
        result = await client.call_tool("delete_contact", {"id": target})
    assert structured(result)["status"] == "ok"
    [form] = user.forms
    assert form.requested_schema["properties"]["confirmed"]["type"] == "boolean"
    assert "John Smith" in form.message  # the read-back names the record found before
    assert service.backend.sandbox is not None
    assert service.backend.sandbox.find("Contacts", Last_Name="Smith") == []


async def test_an_unconfirmed_form_deletes_nothing(
    server: Server[Any], service: ToolService, mode: str
) -> None:
    target = contact_id(service)
    user = User({"confirmed": False})
    async with connect(server, mode, user) as client:
        result = await client.call_tool("delete_contact", {"id": target})
    reply = structured(result)
    assert reply["status"] == "needs_confirmation" and reply["declined"] is True
    assert contact_id(service) == target


async def test_without_elicitation_the_model_reads_back_and_confirms(
    server: Server[Any], service: ToolService, mode: str
) -> None:
    target = contact_id(service)
    async with connect(server, mode) as client:
        await client.call_tool("search_contact", {"query": "John Smith"})
        first = await client.call_tool("delete_contact", {"id": target, "confirmed": True})
        reply = structured(first)
        assert reply["status"] == "needs_confirmation" and "John Smith" in reply["summary"]
        assert contact_id(service) == target  # a model cannot confirm before the read-back
        done = await client.call_tool("delete_contact", {"id": target, "confirmed": True})
    assert structured(done)["status"] == "ok"


# --- one conversation per call --------------------------------------------------------------------


async def test_results_chain_into_later_requests_of_the_conversation(
    server: Server[Any], mode: str
) -> None:
    async with connect(server, mode) as client:
        await client.call_tool("search_contact", {"query": "John Smith"})
        result = await client.call_tool("get_contact", {"id": "{{search_contact.id}}"})
    assert structured(result)["data"]["Full_Name"] == "John Smith"


async def test_each_named_conversation_keeps_its_own_state(service: ToolService, mode: str) -> None:
    server = create_mcp_server(service)  # as over HTTP: no default conversation
    call_a = meta(conversation_id="call-a")
    async with connect(server, mode) as client:
        await client.call_tool("search_contact", {"query": "John Smith"}, meta=call_a)
        await client.call_tool("create_lead", {"last_name": "Alpha"}, meta=call_a)
        chained = await client.call_tool(
            "get_contact", {"id": "{{search_contact.id}}"}, meta=call_a
        )
        elsewhere = await client.call_tool(
            "get_contact", {"id": "{{search_contact.id}}"}, meta=meta(conversation_id="call-b")
        )
        unnamed = await client.call_tool("get_contact", {"id": "{{search_contact.id}}"})
        other = await client.call_tool(
            "create_lead", {"company": "Beta"}, meta=meta(system__conversation_id="call-a")
        )
        done = await client.call_tool("create_lead", {"company": "Alpha Co"}, meta=call_a)
    assert structured(chained)["status"] == "ok"
    assert structured(elsewhere)["status"] == "rejected"
    assert structured(unnamed)["status"] == "rejected"
    # An ElevenLabs id is not the same conversation as a _meta id of the same text.
    assert structured(other)["missing"] == ["last_name"]
    assert structured(done)["status"] == "ok"


async def test_a_request_naming_no_conversation_is_told_nothing_is_kept(
    service: ToolService, mode: str
) -> None:
    server = create_mcp_server(service)  # as over HTTP: no default conversation
    async with connect(server, mode) as client:
        asked = await client.call_tool("create_lead", {"last_name": "Alone"})
        partial = await client.call_tool("create_lead", {"company": "Alone Co"})
        whole = await client.call_tool("create_lead", {"last_name": "Alone", "company": "A Co"})
        delete = await client.call_tool("delete_contact", {"id": contact_id(service)})
    assert "every value" in structured(asked)["instruction"]
    assert structured(partial)["missing"] == ["last_name"]
    assert structured(whole)["status"] == "ok"
    assert "cannot" in structured(delete)["instruction"]


async def test_call_variables_come_from_the_request_not_the_model(
    server: Server[Any], mode: str
) -> None:
    async with connect(server, mode) as client:
        unknown = await client.call_tool("search_contact", {}, meta=meta(conversation_id="c1"))
        ours = meta(conversation_id="c2", caller_phone=CALLER)
        found = await client.call_tool("search_contact", {}, meta=ours)
        eleven = meta(system__conversation_id="conv_1", system__caller_id=CALLER)
        found_too = await client.call_tool("search_contact", {}, meta=eleven)
    assert structured(unknown)["status"] != "ok"
    assert structured(found)["data"][0]["Full_Name"] == "John Smith"
    assert structured(found_too)["data"][0]["Full_Name"] == "John Smith"


async def test_hostile_meta_never_breaks_a_call(server: Server[Any], mode: str) -> None:
    hostile = meta(
        {
            "conversation_id": {"$ne": None},
            "call_id": "x" * 10_000,
            "caller_phone": ["+1", "+2"],
            "system__conversation_id": "\x00\n",
            "system__caller_id": 10**5000,
        }
    )
    async with connect(server, mode) as client:
        result = await client.call_tool("search_contact", {"query": "John Smith"}, meta=hostile)
    assert structured(result)["status"] == "ok"


async def test_a_surface_lists_a_profile_and_loads_categories_on_request(
    service: ToolService, mode: str
) -> None:
    from zoho_tools.dynamic import LOAD_ACTIONS, ToolSurface

    notices: list[Any] = []

    async def on_message(message: Any) -> None:
        notices.append(message)

    surface = ToolSurface(service.tools, profile="voice")
    server = create_mcp_server(service, default_conversation="mcp:test", surface=surface)
    async with Client(server, mode=mode, message_handler=on_message) as client:
        before = [t.name for t in (await client.list_tools()).tools]
        loaded = structured(await client.call_tool(LOAD_ACTIONS, {"category": "deals"}))
        after = [t.name for t in (await client.list_tools()).tools]
        found = structured(await client.call_tool("search_deal", {"query": "Acme"}))
    assert before == [LOAD_ACTIONS, *service.tools.select(profile="voice")]
    assert loaded["actions"] == ["search_deal", "create_deal", "update_deal", "delete_deal"]
    assert after == [
        LOAD_ACTIONS,
        *[n for n in service.tools if n in {*before, *loaded["actions"]}],
    ]
    assert found["status"] == "ok"
    if mode == "legacy":  # a live session is told; a 2026-07-28 client lists again (no cache)
        assert any(
            getattr(getattr(n, "root", n), "method", "") == "notifications/tools/list_changed"
            for n in notices
        )
