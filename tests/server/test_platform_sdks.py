"""The tests' payloads, our answers and our signature checks held against the platforms' own SDKs:
``vapi-server-sdk`` (types generated from Vapi's OpenAPI) and ``retell-sdk`` (its call type and
its webhook signer/verifier). If a fixture drifted from the real shape, these fail.

The SDKs are imported by the tests that use them: Vapi's generated types alone take seconds to
import, which every run of the suite would otherwise pay at collection."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.clocks import Clock
from tests.server.conftest import (
    CALLER,
    NOW,
    RETELL_KEY,
    VAPI_SECRET,
    encoded,
    retell_function,
    retell_signature,
    vapi_end_of_call,
    vapi_tool_calls,
)
from zoho_tools.server.signatures import RetellSignature


def test_the_vapi_tool_calls_fixture_is_a_vapi_server_message() -> None:
    from vapi.types import ServerMessageToolCalls

    payload = vapi_tool_calls("call-1", ("tc-1", "search_contact", {"query": "Acme"}))
    message = ServerMessageToolCalls.model_validate(payload["message"])
    assert message.call is not None and message.call.id == "call-1"
    assert message.call.customer is not None and message.call.customer.number == CALLER
    (call,) = message.tool_call_list
    assert call.id == "tc-1" and call.function.name == "search_contact"


def test_the_vapi_end_of_call_fixture_is_a_vapi_server_message() -> None:
    from vapi.types import ServerMessageEndOfCallReport

    report = ServerMessageEndOfCallReport.model_validate(vapi_end_of_call("call-1")["message"])
    assert report.started_at is not None and report.ended_at is not None
    assert report.analysis.summary == "Order problem; case opened."


async def test_our_vapi_answer_is_a_vapi_tool_calls_response(client: httpx.AsyncClient) -> None:
    from vapi.types import ServerMessageResponseToolCalls

    payload = vapi_tool_calls(
        "call-1", ("tc-1", "search_contact", {}), ("tc-2", "no_such_action", {})
    )
    response = await client.post(
        "/vapi", content=encoded(payload), headers={"x-vapi-secret": VAPI_SECRET}
    )
    answer = ServerMessageResponseToolCalls.model_validate(response.json())
    assert answer.results is not None
    found, refused = answer.results
    assert (found.name, found.tool_call_id, found.error) == ("search_contact", "tc-1", None)
    assert found.result is not None and json.loads(found.result)["status"] == "ok"
    assert (refused.tool_call_id, refused.result) == ("tc-2", None)
    assert refused.error is not None and json.loads(refused.error)["status"] == "rejected"


def test_the_retell_fixture_call_is_a_retell_phone_call() -> None:
    from retell.types import PhoneCallResponse

    call = PhoneCallResponse.model_validate(retell_function("call_1", "x", {})["call"])
    assert call.call_id == "call_1" and call.from_number == CALLER


@settings(max_examples=50, deadline=None)
@given(body=st.text(max_size=200))
def test_retell_signatures_agree_with_the_sdk(body: str) -> None:
    from retell.lib.webhook_auth import symmetric
    from retell.lib.webhook_auth import verify as retell_verify

    ms = int(NOW * 1000)
    ours = RetellSignature.of(RETELL_KEY, clock=Clock(NOW))
    # The SDK's signature passes our check, and the tests' signature passes the SDK's.
    sdk_signed = symmetric["sign"](body, RETELL_KEY, ms)
    assert ours.verify({"x-retell-signature": sdk_signed}, body.encode())
    assert sdk_signed == retell_signature(body.encode(), ms=ms)
    fresh = retell_signature(body.encode(), ms=int(time.time() * 1000))
    assert retell_verify(body, RETELL_KEY, fresh)


@pytest.mark.parametrize("shift_ms", [-300_001, 300_001])
def test_retell_staleness_agrees_with_the_sdk(shift_ms: int) -> None:
    from retell.lib.webhook_auth import symmetric

    body = '{"name":"x"}'
    now_ms = int(NOW * 1000)
    signature = symmetric["sign"](body, RETELL_KEY, now_ms + shift_ms)
    sdk = symmetric["verify"](body, RETELL_KEY, signature, {"timestamp": now_ms})
    ours = RetellSignature.of(RETELL_KEY, clock=Clock(NOW))
    assert sdk is False and ours.verify({"x-retell-signature": signature}, body.encode()) is False
