"""No secret (client secret, access token, refresh token) anywhere a person or a model can see:
logs at DEBUG (ours, httpx's and httpcore's), results as the model reads them, reprs of the
executor, the auth and the results, and the messages of the errors behind them. Exercised with a
batch of real calls over loopback HTTP: successes, refreshes (before expiry and after
INVALID_TOKEN), retried faults, lost answers, Zoho errors, a wrong client secret and a revoked
refresh token."""

from __future__ import annotations

import logging

import httpx
import pytest

from tests.clocks import Clock, FakeTime
from zoho_tools.auth import ZohoAuth
from zoho_tools.replies import reply_for
from zoho_tools.results import NOT_CONNECTED, OUTCOME_UNKNOWN, ActionResult
from zoho_tools.sandbox import Sandbox, SandboxServer

from .conftest import Agent, open_served_agent

WRONG_SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0deadbeef42"


async def revoke(server: SandboxServer, token: str) -> None:
    async with httpx.AsyncClient(transport=httpx.AsyncHTTPTransport()) as http:
        answer = await http.post(f"{server.url}/oauth/v2/token/revoke", data={"token": token})
    assert answer.json() == {"status": "success"}


def tokens_of(auth: ZohoAuth) -> set[str]:
    token = auth.token()
    return {token.access_token, token.refresh_token or ""} - {""}


def issued(sb: Sandbox) -> set[str]:
    """Every access and refresh token the accounts server handed out over HTTP."""
    found: set[str] = set()
    for entry in sb.log.matching("POST", "/oauth/v2/token"):
        if isinstance(entry.response, dict):
            for key in ("access_token", "refresh_token"):
                if isinstance(token := entry.response.get(key), str) and token:
                    found.add(token)
    return found


async def test_no_secret_in_logs_results_reprs_or_errors(
    sb: Sandbox,
    server: SandboxServer,
    fake_time: FakeTime,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "zoho_tools"):
        caplog.set_level(logging.DEBUG, logger=name)
    secrets = {Sandbox.DEMO_CLIENT_SECRET, WRONG_SECRET}
    results: list[ActionResult] = []
    shown: list[str] = []  # every other text a person or a model may see

    def seen(agent: Agent) -> None:
        assert agent.auth is not None
        secrets.update(tokens_of(agent.auth))
        shown.extend(
            [
                repr(agent.executor),
                repr(agent.auth),
                repr(agent.auth.oauth),
                repr(agent.auth.store),
                repr(agent.auth.token()),
            ]
        )

    async with open_served_agent(sb, server, fake_time) as agent:
        seen(agent)
        results.append(await agent.run("search_contact", {"query": "John"}))
        clock.advance(2 * 3600)  # refreshed before sending
        results.append(await agent.run("create_task", {"subject": "Secrets test"}))
        seen(agent)
        assert agent.auth is not None
        await revoke(server, agent.auth.token().access_token)
        results.append(await agent.run("search_contact", {"query": "Jane"}))  # INVALID_TOKEN
        seen(agent)
        sb.faults.fail_next(1, kind=503, method="GET")
        results.append(await agent.run("search_account", {"query": "Acme"}))
        sb.faults.fail_next(1, kind="drop", method="POST", after_commit=True)
        results.append(await agent.run("create_task", {"subject": "Lost answer"}))
        results.append(await agent.send("create_contact", {"first_name": "Ann"}))
        results.append(await agent.run("create_account", {"account_name": "Acme Corp"}))
        await revoke(server, agent.auth.token().refresh_token or "")
        clock.advance(2 * 3600)
        results.append(await agent.run("search_contact", {"query": "John"}))  # revoked

    async with open_served_agent(sb, server, fake_time, client_secret=WRONG_SECRET) as wrong:
        seen(wrong)
        clock.advance(2 * 3600)
        results.append(await wrong.run("search_contact", {"query": "John"}))  # invalid client

    # The batch did what it says, so there was something to leak.
    assert [r.status for r in results[:4]] == ["ok"] * 4
    assert [r.code for r in results[4:]] == [
        OUTCOME_UNKNOWN,
        "MANDATORY_NOT_FOUND",
        "DUPLICATE_DATA",
        NOT_CONNECTED,
        NOT_CONNECTED,
    ]
    refreshes = [e.response for e in sb.log.matching("POST", "/oauth/v2/token")]
    assert [r.get("error") for r in refreshes] == [
        None,
        None,
        "invalid_code",
        "invalid_client_secret",
    ]
    assert "check the client id and secret" in results[-1].message
    secrets |= issued(sb)
    assert len(secrets) >= 7  # 2 client secrets, 2 refresh tokens, 3+ access tokens
    records = {record.name.split(".")[0] for record in caplog.records}
    assert {"httpx", "httpcore", "zoho_tools"} <= records

    for result in results:
        shown.extend([reply_for(None, result).text, repr(result), result.message])
    logged = caplog.text
    for secret in secrets:
        assert secret not in logged
        for text in shown:
            assert secret not in text
