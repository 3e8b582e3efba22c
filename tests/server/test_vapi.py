"""POST /vapi: Vapi's tool-calls and end-of-call-report server messages, authenticated by
bearer token, X-Vapi-Secret or Vapi's HMAC credential, in a scripted call across requests."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.clocks import Clock
from tests.server.conftest import (
    CALLER,
    NOW,
    VAPI_SECRET,
    conversations_kept,
    encoded,
    vapi_end_of_call,
    vapi_hmac,
    vapi_tool_calls,
)
from zoho_tools.sandbox import Sandbox
from zoho_tools.server.service import ToolService

BEARER = {"authorization": f"Bearer {VAPI_SECRET}"}


async def post(client: httpx.AsyncClient, payload: Any, **headers: str) -> httpx.Response:
    return await client.post("/vapi", content=encoded(payload), headers={**BEARER, **headers})


def results(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["results"]
    return items


def record(sb: Sandbox, module: str, record_id: str) -> dict[str, Any]:
    (found,) = sb.find(module, id=record_id)
    return found


def shown(item: dict[str, Any]) -> dict[str, Any]:
    """The reply a result carries (in ``result``, or ``error`` for a failed call)."""
    text = item.get("result", item.get("error"))
    assert isinstance(text, str) and "\n" not in text
    parsed: dict[str, Any] = json.loads(text)
    return parsed


async def test_a_tool_calls_message_answers_each_call_by_name_and_id(
    client: httpx.AsyncClient,
) -> None:
    payload = vapi_tool_calls(
        "call-1", ("tc-1", "search_contact", {}), ("tc-2", "fly_to_the_moon", {})
    )
    found, refused = results(await post(client, payload))
    assert found["name"] == "search_contact" and found["toolCallId"] == "tc-1"
    assert "error" not in found and shown(found)["data"][0]["Full_Name"] == "John Smith"
    # A failed call answers in Vapi's error field, still HTTP 200.
    assert refused["name"] == "fly_to_the_moon" and refused["toolCallId"] == "tc-2"
    assert "result" not in refused and shown(refused)["status"] == "rejected"


async def test_the_docs_item_shape_and_object_arguments_are_read_too(
    client: httpx.AsyncClient,
) -> None:
    payload = vapi_tool_calls("call-1")
    payload["message"]["toolCallList"] = [
        {"id": "tc-1", "name": "search_contact", "parameters": {"query": "Acme"}},
        {"id": "tc-2", "type": "function", "function": {"name": "search_case", "arguments": {}}},
    ]
    by_name, no_query = results(await post(client, payload))
    assert shown(by_name)["status"] == "ok"
    assert shown(no_query)["status"] == "needs_input"


@pytest.mark.parametrize(
    "headers",
    [
        {"authorization": f"Bearer {VAPI_SECRET}"},
        {"x-vapi-secret": VAPI_SECRET},
        {"authorization": f"bearer   {VAPI_SECRET}"},
    ],
    ids=["bearer", "x-vapi-secret", "lowercase-scheme"],
)
async def test_the_secret_is_accepted_as_vapi_sends_it(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    payload = vapi_tool_calls("call-1", ("tc-1", "search_contact", {}))
    response = await client.post("/vapi", content=encoded(payload), headers=headers)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("stamp", [str(int(NOW)), str(int(NOW * 1000)), str(int(NOW) - 200)])
async def test_vapi_hmac_signatures_are_accepted(client: httpx.AsyncClient, stamp: str) -> None:
    body = encoded(vapi_tool_calls("call-1", ("tc-1", "search_contact", {})))
    headers = vapi_hmac(body, stamp=stamp)
    assert (await client.post("/vapi", content=body, headers=headers)).status_code == 200
    prefixed = {**headers, "x-signature": "sha256=" + headers["x-signature"]}
    assert (await client.post("/vapi", content=body, headers=prefixed)).status_code == 200


def refusals(body: bytes) -> dict[str, dict[str, str]]:
    signed = vapi_hmac(body)
    return {
        "none": {},
        "wrong bearer": {"authorization": "Bearer vapi-SECRET-7f3b"},
        "secret as another scheme": {"authorization": f"Basic {VAPI_SECRET}"},
        "secret prefix only": {"x-vapi-secret": VAPI_SECRET[:-1]},
        "empty secret": {"x-vapi-secret": ""},
        "hmac of another body": vapi_hmac(body + b" "),
        "hmac with another key": vapi_hmac(body, "another-key"),
        "stale hmac": vapi_hmac(body, stamp=str(int(NOW) - 301)),
        "future hmac": vapi_hmac(body, stamp=str(int(NOW) + 301)),
        "hmac without timestamp": {"x-signature": signed["x-signature"]},
        "hmac with bad timestamp": {**signed, "x-timestamp": "soon"},
    }


@pytest.mark.parametrize("case", list(refusals(b"")))
async def test_unauthenticated_requests_get_401_and_run_nothing(
    client: httpx.AsyncClient, sb: Sandbox, service: ToolService, case: str
) -> None:
    body = encoded(vapi_tool_calls("call-x", ("tc-1", "create_case", {"subject": "Injected"})))
    before = len(sb.find("Cases"))
    response = await client.post("/vapi", content=body, headers=refusals(body)[case])
    assert response.status_code == 401
    assert VAPI_SECRET not in response.text
    assert len(sb.find("Cases")) == before
    assert conversations_kept(service) == 0  # not even a conversation


async def test_messages_other_than_tool_calls_are_acknowledged(
    client: httpx.AsyncClient, service: ToolService
) -> None:
    payload = {"message": {"type": "status-update", "status": "in-progress", "call": {"id": "c"}}}
    response = await post(client, payload)
    assert response.status_code == 200 and response.json() == {}
    assert conversations_kept(service) == 0


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"message": []},
        {"message": {"type": "tool-calls"}},
        {"message": {"type": "tool-calls", "toolCallList": [1]}},
    ],
    ids=["list", "message-not-object", "no-list", "item-not-object"],
)
async def test_malformed_messages_get_400(client: httpx.AsyncClient, payload: Any) -> None:
    response = await post(client, payload)
    assert response.status_code == 400 and "error" in response.json()


async def test_a_scripted_call_across_requests(
    client: httpx.AsyncClient, sb: Sandbox, service: ToolService
) -> None:
    """One phone call, as Vapi delivers it: a request per model turn."""
    cases = len(sb.find("Cases"))
    # Turn 1: find the caller and open a case for them, in one message: the case waits for the
    # search it refers to. The caller's number comes from the call, not from the model.
    found, opened = results(
        await post(
            client,
            vapi_tool_calls(
                "call-7",
                ("tc-1", "search_contact", {}),
                (
                    "tc-2",
                    "create_case",
                    {"subject": "Order", "contact": "{{search_contact.id}}"},
                ),
            ),
        )
    )
    contact = shown(found)["data"][0]
    case = shown(opened)
    assert case["status"] == "ok", case
    case_id = case["data"]["id"]
    assert record(sb, "Cases", case_id)["Related_To"]["id"] == contact["id"]
    # Turn 2: a lead with its company missing: the model is told to ask.
    (asked,) = results(
        await post(client, vapi_tool_calls("call-7", ("tc-3", "create_lead", {"last_name": "Doe"})))
    )
    assert shown(asked)["missing"] == ["company"]
    # Turn 3: only the new value; the last name given before is kept (slot filling).
    (made,) = results(
        await post(
            client, vapi_tool_calls("call-7", ("tc-4", "create_lead", {"company": "Initech"}))
        )
    )
    lead = record(sb, "Leads", shown(made)["data"]["id"])
    assert lead["Last_Name"] == "Doe" and lead["Company"] == "Initech"
    # Turn 4: a note on the case opened three requests ago, by reference.
    note = {
        "parent_module": "Cases",
        "parent_id": "{{create_case.id}}",
        "title": "Callback",
        "content": "Wants a call back",
    }
    (noted,) = results(await post(client, vapi_tool_calls("call-7", ("tc-5", "create_note", note))))
    assert shown(noted)["status"] == "ok", noted
    (written,) = [n for n in sb.find("Notes") if n.get("Note_Title") == "Callback"]
    assert written["Parent_Id"]["id"] == case_id
    # Turns 5 and 6: deleting asks for a confirmation first, then deletes.
    (confirm,) = results(
        await post(client, vapi_tool_calls("call-7", ("tc-6", "delete_case", {"id": case_id})))
    )
    assert shown(confirm)["status"] == "needs_confirmation"
    assert sb.find("Cases", id=case_id)
    (deleted,) = results(
        await post(
            client,
            vapi_tool_calls("call-7", ("tc-7", "delete_case", {"id": case_id, "confirmed": True})),
        )
    )
    assert shown(deleted)["status"] == "ok", deleted
    # Vapi delivers turn 1 again: answered from the first time, nothing created twice.
    again = results(
        await post(
            client,
            vapi_tool_calls(
                "call-7",
                ("tc-1", "search_contact", {}),
                (
                    "tc-2",
                    "create_case",
                    {"subject": "Order", "contact": "{{search_contact.id}}"},
                ),
            ),
        )
    )
    assert shown(again[1]) == case
    assert len(sb.find("Cases")) == cases  # one made, one deleted, none made again
    # Another phone call has a conversation of its own: nothing was collected there.
    (other,) = results(
        await post(
            client, vapi_tool_calls("call-8", ("tc-1", "create_lead", {"company": "Initech"}))
        )
    )
    assert set(shown(other)["missing"]) == {"last_name"}


async def test_the_caller_comes_from_the_call_not_from_the_model(
    client: httpx.AsyncClient,
) -> None:
    (other,) = results(
        await post(
            client, vapi_tool_calls("call-9", ("tc-1", "search_contact", {}), number="+15550000000")
        )
    )
    assert shown(other)["status"] == "empty"
    # A model trying to set the call variable is refused; the call's number stands.
    payload = vapi_tool_calls("call-9", ("tc-2", "search_contact", {"caller_phone": CALLER}))
    (refused,) = results(await post(client, payload))
    assert shown(refused)["status"] == "rejected"


async def test_the_end_of_call_report_logs_the_call_once(
    client: httpx.AsyncClient, sb: Sandbox
) -> None:
    calls = len(sb.find("Calls"))
    for _ in range(2):  # Vapi may deliver it twice
        response = await post(
            client, vapi_end_of_call("call-11", summary="Order problem; case opened.")
        )
        assert response.status_code == 200 and response.json() == {}
    logged = sb.find("Calls")
    assert len(logged) == calls + 1
    (call,) = [c for c in logged if c.get("Description") == "Order problem; case opened."]
    assert call["Subject"] == f"Inbound call from {CALLER}"
    assert call["Call_Type"] == "Inbound"
    started = datetime.fromisoformat(call["Call_Start_Time"])
    assert started == datetime(2026, 12, 3, 13, 0, tzinfo=UTC)  # the real start, not now
    assert call["Call_Duration"] == "03:25"


async def test_no_call_is_logged_unless_the_employee_asks(sb: Sandbox, wall: Clock) -> None:
    from tests.server.conftest import all_verifiers, sandbox_service, serving
    from zoho_tools.server.webhooks import create_app

    app = create_app(sandbox_service(sb), verifiers=all_verifiers(wall))
    calls = len(sb.find("Calls"))
    async with serving(app) as client:
        response = await post(client, vapi_end_of_call("call-12"))
    assert response.status_code == 200 and len(sb.find("Calls")) == calls


@pytest.mark.parametrize(
    ("change", "subject", "kind", "duration"),
    [
        ({}, f"Inbound call from {CALLER}", "Inbound", "03:25"),
        ({"durationSeconds": 61.4}, f"Inbound call from {CALLER}", "Inbound", "01:01"),
        (
            {"call": {"type": "outboundPhoneCall"}},
            f"Outbound call to {CALLER}",
            "Outbound",
            "03:25",
        ),
        (
            {"endedReason": "customer-did-not-answer"},
            f"Missed call from {CALLER}",
            "Missed",
            "03:25",
        ),
    ],
    ids=["inbound", "vapi-duration", "outbound", "unanswered"],
)
async def test_the_logged_call_follows_the_report(
    client: httpx.AsyncClient,
    sb: Sandbox,
    change: dict[str, Any],
    subject: str,
    kind: str,
    duration: str,
) -> None:
    report = vapi_end_of_call("call-20", summary="Checked the order.")
    message = report["message"]
    for name, value in change.items():
        message[name] = {**message[name], **value} if isinstance(value, dict) else value
    assert (await post(client, report)).status_code == 200
    (call,) = [c for c in sb.find("Calls") if c.get("Description") == "Checked the order."]
    assert (call["Subject"], call["Call_Type"], call["Call_Duration"]) == (subject, kind, duration)
