"""Fault injection, latency, the request log and credits, in process (sync and async)."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest

from zoho_tools.sandbox import Sandbox
from zoho_tools.sandbox.faults import FaultKind

from .conftest import API, insert

USERS = f"{API}/users"


def test_fail_next_answers_zoho_style_statuses(client: httpx.Client, sb: Sandbox) -> None:
    sb.faults.fail_next(kind=429)
    sb.faults.fail_next(kind=500)
    sb.faults.fail_next(kind=503)
    sb.faults.fail_next(kind=502)

    too_many, internal, unavailable, gateway = (client.get(USERS) for _ in range(4))

    assert (too_many.status_code, too_many.json()["code"]) == (429, "TOO_MANY_REQUESTS")
    assert internal.status_code == 500
    assert internal.json() == {
        "code": "INTERNAL_ERROR",
        "details": {},
        "message": "Internal Server Error",
        "status": "error",
    }
    assert unavailable.status_code == 503 and "text/html" in unavailable.headers["Content-Type"]
    assert gateway.status_code == 502
    assert client.get(USERS).status_code == 200  # the rules are used up


def test_fail_next_n_times(client: httpx.Client, sb: Sandbox) -> None:
    sb.faults.fail_next(n=2, kind=503)
    assert [client.get(USERS).status_code for _ in range(3)] == [503, 503, 200]


def test_drop_and_timeout_raise_httpx_transport_errors(client: httpx.Client, sb: Sandbox) -> None:
    sb.faults.fail_next(kind="drop")
    sb.faults.fail_next(kind="timeout")
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(USERS)
    with pytest.raises(httpx.ReadTimeout):
        client.get(USERS)
    assert [(e.status, e.fault) for e in sb.log] == [(None, "drop"), (None, "timeout")]


def test_faults_filter_on_method_and_path(client: httpx.Client, sb: Sandbox) -> None:
    sb.faults.fail_next(kind=503, method="POST", path="/crm/v7/Leads")
    sb.faults.fail_next(kind=500, path=re.compile(r"/Contacts/search$"))
    sb.faults.fail_next(kind=429, path="^/crm/v8/")

    assert client.get(f"{API}/Leads", params={"fields": "Last_Name"}).status_code == 200
    assert insert(client, "Contacts", {"Last_Name": "Fine"}).status_code == 201
    assert insert(client, "Leads", {"Last_Name": "L", "Company": "C"}).status_code == 503
    assert client.get(f"{API}/Contacts/search", params={"word": "John"}).status_code == 500
    assert client.get("/crm/v8/users").status_code == 429
    assert sb.faults.pending == 0


def test_glob_paths(client: httpx.Client, sb: Sandbox) -> None:
    sb.faults.fail_next(n=5, kind=503, path="/crm/v*/Deals*")
    assert client.get(USERS).status_code == 200
    assert client.get(f"{API}/Deals", params={"fields": "Deal_Name"}).status_code == 503
    assert sb.faults.pending == 4
    sb.faults.clear()
    assert client.get(f"{API}/Deals", params={"fields": "Deal_Name"}).status_code == 200


def test_a_failed_write_before_commit_writes_nothing(client: httpx.Client, sb: Sandbox) -> None:
    sb.faults.fail_next(kind="drop", method="POST")
    with pytest.raises(httpx.RemoteProtocolError):
        insert(client, "Leads", {"Last_Name": "Ghost", "Company": "C"})
    assert sb.find("Leads", Last_Name="Ghost") == []
    assert sb.credits_used == 0


@pytest.mark.parametrize("kind", ["drop", "timeout", 503])
def test_after_commit_the_write_happened_but_the_answer_is_lost(
    client: httpx.Client, sb: Sandbox, kind: FaultKind
) -> None:
    sb.faults.fail_next(kind=kind, method="POST", after_commit=True)
    try:
        response = insert(client, "Leads", {"Last_Name": "Committed", "Company": "C"})
        assert response.status_code == 503
    except httpx.TransportError:
        pass
    assert len(sb.find("Leads", Last_Name="Committed")) == 1
    entry = sb.log[-1]
    assert (entry.after_commit, entry.fault) == (True, str(kind))
    assert sb.credits_used == 1


def test_unknown_fault_kind(sb: Sandbox) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        sb.faults.fail_next(kind=404)  # type: ignore[arg-type]


# --- log and credits --------------------------------------------------------------------------


def test_the_log_records_requests_and_answers(client: httpx.Client, sb: Sandbox) -> None:
    insert(client, "Leads", {"Last_Name": "Logged", "Company": "C"})
    client.get(f"{API}/Leads/search", params={"word": "Logged"})

    post, get = sb.log
    assert (post.method, post.path, post.status) == ("POST", "/crm/v7/Leads", 201)
    assert post.json == {"data": [{"Last_Name": "Logged", "Company": "C"}]}
    assert post.response["data"][0]["code"] == "SUCCESS"
    assert (get.method, get.query, get.json) == ("GET", {"word": "Logged"}, None)
    assert sb.log.matching("GET", "/Leads/search") == [get]
    sb.log.clear()
    assert len(sb.log) == 0


def test_credits_count_one_per_api_call(client: httpx.Client, sb: Sandbox) -> None:
    client.get(USERS)
    insert(client, "Leads", *({"Last_Name": f"L{i}", "Company": "C"} for i in range(20)))
    client.get(f"{API}/Widgets", params={"fields": "x"})  # an error still reached the API
    assert sb.credits_used == 3


# --- async ------------------------------------------------------------------------------------


async def test_async_transport_answers_like_the_sync_one(sb: Sandbox) -> None:
    token = sb.issue_token()["access_token"]
    headers = {"Authorization": f"Zoho-oauthtoken {token}"}
    async with httpx.AsyncClient(
        transport=sb.async_transport(), base_url=sb.base_url, headers=headers
    ) as client:
        response = await client.get(f"{API}/Contacts/search", params={"phone": "+15551234567"})
    assert response.json()["data"][0]["Full_Name"] == "John Smith"


async def test_latency_does_not_block_the_event_loop(sb: Sandbox) -> None:
    token = sb.issue_token()["access_token"]
    headers = {"Authorization": f"Zoho-oauthtoken {token}"}
    sb.faults.latency = 0.05
    order: list[str] = []

    async with httpx.AsyncClient(
        transport=sb.async_transport(), base_url=sb.base_url, headers=headers
    ) as client:

        async def call() -> None:
            await client.get(USERS)
            order.append("response")

        async def other_work() -> None:
            await asyncio.sleep(0)
            order.append("other work")

        await asyncio.gather(call(), other_work())

    assert order == ["other work", "response"]


async def test_fifty_concurrent_async_writes(sb: Sandbox) -> None:
    token = sb.issue_token()["access_token"]
    headers = {"Authorization": f"Zoho-oauthtoken {token}"}
    sb.faults.latency = 0.01
    async with httpx.AsyncClient(
        transport=sb.async_transport(), base_url=sb.base_url, headers=headers
    ) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    f"{API}/Leads", json={"data": [{"Last_Name": f"Caller {i}", "Company": "C"}]}
                )
                for i in range(50)
            )
        )
    assert [r.status_code for r in responses] == [201] * 50
    ids = {r.json()["data"][0]["details"]["id"] for r in responses}
    assert len(ids) == 50
    assert len(sb.records("Leads")) == 53
    assert sb.credits_used == 50 and len(sb.log) == 50


async def test_async_faults(sb: Sandbox) -> None:
    token = sb.issue_token()["access_token"]
    headers = {"Authorization": f"Zoho-oauthtoken {token}"}
    sb.faults.fail_next(kind="timeout")
    async with httpx.AsyncClient(
        transport=sb.async_transport(), base_url=sb.base_url, headers=headers
    ) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.get(USERS)
        assert (await client.get(USERS)).status_code == 200
