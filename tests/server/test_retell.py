"""POST /retell: Retell custom functions ``{name, args, call}`` verified with X-Retell-Signature
(computed here as retell-sdk does), in a scripted call across requests."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.server.conftest import (
    CALLER,
    NOW,
    RETELL_KEY,
    conversations_kept,
    encoded,
    retell_function,
    retell_signature,
)
from zoho_tools.sandbox import Sandbox
from zoho_tools.server.service import ToolService


async def call(client: httpx.AsyncClient, payload: Any) -> dict[str, Any]:
    body = encoded(payload)
    response = await client.post(
        "/retell", content=body, headers={"x-retell-signature": retell_signature(body)}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    reply: dict[str, Any] = response.json()
    return reply


def refused_signatures(body: bytes) -> dict[str, str | None]:
    good = retell_signature(body)
    return {
        "missing": None,
        "empty": "",
        "another key": retell_signature(body, "key_other"),
        "another body": retell_signature(body + b" "),
        "six minutes old": retell_signature(body, ms=int(NOW * 1000) - 6 * 60 * 1000),
        "six minutes ahead": retell_signature(body, ms=int(NOW * 1000) + 6 * 60 * 1000),
        "uppercase digest": good.upper().replace("V=", "v=").replace("D=", "d="),
        "short digest": good[:-2],
        "timestamp only": good.split(",")[0],
        "seconds, not milliseconds": retell_signature(body, ms=int(NOW)),
    }


@pytest.mark.parametrize("case", list(refused_signatures(b"")))
async def test_a_missing_or_wrong_signature_gets_401_and_runs_nothing(
    client: httpx.AsyncClient, sb: Sandbox, service: ToolService, case: str
) -> None:
    body = encoded(retell_function("call_x", "create_case", {"subject": "Injected"}))
    signature = refused_signatures(body)[case]
    headers = {} if signature is None else {"x-retell-signature": signature}
    before = len(sb.find("Cases"))
    response = await client.post("/retell", content=body, headers=headers)
    assert response.status_code == 401
    assert len(sb.find("Cases")) == before and conversations_kept(service) == 0


async def test_signatures_within_five_minutes_either_way_are_accepted(
    client: httpx.AsyncClient,
) -> None:
    body = encoded(retell_function("call_1", "search_contact", {}))
    for shift in (-299_000, 0, 299_000):
        signature = retell_signature(body, ms=int(NOW * 1000) + shift)
        response = await client.post(
            "/retell", content=body, headers={"x-retell-signature": signature}
        )
        assert response.status_code == 200


async def test_the_signature_covers_the_raw_body_as_sent(client: httpx.AsyncClient) -> None:
    # Pretty-printed and non-ASCII: re-serialising it would change the bytes and the signature.
    body = (
        '{\n  "name": "search_contact",\n  "args": {"query": "Zoë"},\n'
        '  "call": {"call_id": "call_2", "from_number": "+15551234567", "direction": "inbound"}\n}'
    ).encode()
    response = await client.post(
        "/retell", content=body, headers={"x-retell-signature": retell_signature(body)}
    )
    assert response.status_code == 200 and response.json()["status"] in ("ok", "empty")


async def test_a_scripted_call_across_requests(client: httpx.AsyncClient, sb: Sandbox) -> None:
    cases = len(sb.find("Cases"))
    found = await call(client, retell_function("call_7", "search_contact", {}))
    assert found["data"][0]["Phone"] == CALLER  # the caller, from call.from_number
    asked = await call(
        client, retell_function("call_7", "create_case", {"contact": "{{search_contact.id}}"})
    )
    assert asked["status"] == "needs_input" and asked["missing"] == ["subject"]
    made = await call(client, retell_function("call_7", "create_case", {"subject": "Broken order"}))
    assert made["status"] == "ok", made
    case_id = made["data"]["id"]
    (case,) = sb.find("Cases", id=case_id)
    assert case["Related_To"]["id"] == found["data"][0]["id"]  # kept from the first request
    # Retell retries a request that timed out (max_retry) with the same body: answered from
    # the first reply, the case is not made twice.
    again = await call(
        client, retell_function("call_7", "create_case", {"subject": "Broken order"})
    )
    assert again == made
    assert len(sb.find("Cases")) == cases + 1
    escalated = await call(
        client,
        retell_function("call_7", "update_case", {"id": "{{create_case.id}}", "priority": "High"}),
    )
    assert escalated["status"] == "ok", escalated
    (case,) = sb.find("Cases", id=case_id)
    assert case["Priority"] == "High"
    confirm = await call(client, retell_function("call_7", "delete_case", {"id": case_id}))
    assert confirm["status"] == "needs_confirmation" and sb.find("Cases", id=case_id)
    done = await call(
        client, retell_function("call_7", "delete_case", {"id": case_id, "confirmed": True})
    )
    assert done["status"] == "ok" and not sb.find("Cases", id=case_id)


async def test_an_outbound_call_reads_the_callee(client: httpx.AsyncClient) -> None:
    found = await call(
        client, retell_function("call_9", "search_contact", {}, direction="outbound")
    )
    assert found["data"][0]["Phone"] == CALLER


async def test_arguments_at_the_root_are_read(client: httpx.AsyncClient) -> None:
    payload = retell_function("call_10", "search_contact", {})
    del payload["args"]
    payload["query"] = "Acme"
    assert (await call(client, payload))["status"] == "ok"


async def test_dynamic_variables_are_not_call_variables(client: httpx.AsyncClient) -> None:
    # They can be extracted from what the caller said (conversation flows): not trusted.
    payload = retell_function("call_11", "search_contact", {})
    payload["call"]["from_number"] = "+15550000000"
    payload["call"]["retell_llm_dynamic_variables"] = {"caller_phone": CALLER}
    assert (await call(client, payload))["status"] == "empty"


async def test_a_body_without_a_name_gets_400(client: httpx.AsyncClient) -> None:
    body = encoded({"args": {}, "call": {"call_id": "c"}})
    response = await client.post(
        "/retell", content=body, headers={"x-retell-signature": retell_signature(body)}
    )
    assert response.status_code == 400
    assert RETELL_KEY not in response.text
