"""The same guarantees over real HTTP: the sandbox served on 127.0.0.1, where a dropped
connection is a closed socket and a timeout is a server that stops answering. Also the blocking
facade, and a create against a port nobody listens on."""

from __future__ import annotations

import socket

import httpx

from tests.clocks import Clock, FakeTime
from zoho_tools.arguments import prepare
from zoho_tools.catalog import CATALOG
from zoho_tools.executor import Executor, SyncExecutor
from zoho_tools.rendering import ActionRequest
from zoho_tools.results import NETWORK_ERROR, OUTCOME_UNKNOWN
from zoho_tools.sandbox import Sandbox, SandboxServer

from .conftest import RETRY, only, open_served_agent, served_executor


async def test_an_expired_token_is_refreshed_and_a_503_and_429_retried_over_http(
    sb: Sandbox, server: SandboxServer, fake_time: FakeTime, clock: Clock
) -> None:
    sb.faults.fail_next(1, kind=503, method="GET")
    sb.faults.fail_next(1, kind=429, method="GET")
    async with open_served_agent(sb, server, fake_time) as agent:
        clock.advance(2 * 3600)  # the token has expired: refreshed before the first attempt
        result = await agent.run("search_contact", {"query": "Maria Garcia"})
    assert result.ok, result
    assert [r["Full_Name"] for r in result.data] == ["Maria Garcia"]
    assert [e.status for e in agent.requests("GET")] == [503, 429, 200]
    assert [e.status for e in sb.log.matching("POST", "/oauth/v2/token")] == [200]
    assert fake_time.sleeps == [0.25, 0.5]


async def test_a_create_whose_socket_is_closed_after_commit_is_not_duplicated(
    sb: Sandbox, server: SandboxServer, fake_time: FakeTime
) -> None:
    sb.faults.fail_next(1, kind="drop", method="POST", after_commit=True)
    async with open_served_agent(sb, server, fake_time) as agent:
        result = await agent.run("create_task", {"subject": "Loopback drop"})
        assert result.code == OUTCOME_UNKNOWN
        assert "search for the record first" in (result.hint or "")
        assert len(agent.requests("POST")) == 1
        # The connection pool recovers: the next call goes through on a fresh connection.
        assert (await agent.run("search_task", {"query": "Loopback"})).ok
    only(sb.find("Tasks", Subject="Loopback drop"))


async def test_a_server_that_stops_answering_times_out_reads_retry_writes_do_not(
    sb: Sandbox, server: SandboxServer, fake_time: FakeTime
) -> None:
    sb.faults.stall_seconds = 5.0
    sb.faults.fail_next(1, kind="timeout", method="GET")
    sb.faults.fail_next(1, kind="timeout", method="POST", after_commit=True)
    async with open_served_agent(sb, server, fake_time, timeout=0.3) as agent:
        found = await agent.run("search_contact", {"query": "Raj Kumar"})
        created = await agent.run("create_task", {"subject": "Stalled create"})
    assert found.ok, found
    assert [e.fault for e in agent.requests("GET")] == ["timeout", None]
    assert created.code == OUTCOME_UNKNOWN
    assert "timed out" in created.message
    assert len(agent.requests("POST")) == 1
    only(sb.find("Tasks", Subject="Stalled create"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_create_that_cannot_connect_is_retried_and_ends_as_a_network_error(
    fake_time: FakeTime,
) -> None:
    # Nothing listens on the port: Zoho certainly did not act, so even a create is retried,
    # and the result says unreachable, not "outcome unknown".
    executor = Executor(
        api_domain=f"http://127.0.0.1:{free_port()}",
        transport=httpx.AsyncHTTPTransport(),
        retry=RETRY,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        jitter=lambda: 1.0,
    )
    template = CATALOG["create_task"]
    async with executor:
        result = await executor.execute(ActionRequest(template, {"subject": "Unreachable"}))
    assert (result.status, result.code) == ("error", NETWORK_ERROR)
    assert "could not connect" in result.message
    assert fake_time.sleeps == [0.25, 0.5, 1.0]  # every attempt the policy allows


def test_the_blocking_facade_over_http(
    sb: Sandbox, server: SandboxServer, fake_time: FakeTime
) -> None:
    executor, _ = served_executor(sb, server, fake_time)
    sb.faults.fail_next(1, kind=502, method="GET")
    with SyncExecutor(executor) as sync:
        search = CATALOG["search_account"]
        found = sync.execute(ActionRequest(search, prepare(search, {"query": "Initech"}).arguments))
        create = CATALOG["create_account"]
        made = sync.execute(ActionRequest(create, {"account_name": "Wayne Enterprises"}))
    assert found.ok, found
    assert [a["Account_Name"] for a in found.data] == ["Initech"]
    assert made.ok, made
    assert made.data == {"id": only(sb.find("Accounts", Account_Name="Wayne Enterprises"))["id"]}
    assert [e.status for e in sb.log.matching("GET")] == [502, 200]
