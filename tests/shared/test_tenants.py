"""Tenants: several Zoho orgs behind one service, each with its own connection, actions and
bearer token, chosen by the path; ``zoho-tools connect --tenant NAME`` with a token file of its
own or its tokens encrypted in Redis; every mistake one line naming the flag or setting."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Any

import httpx2
import pytest
from click.testing import CliRunner, Result
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from tests.auth.helpers import Served
from tests.server.test_mcp_http import serving
from tests.shared.conftest import dump
from zoho_tools.auth.redis_store import RedisTokenStore, TokenCipher
from zoho_tools.auth.tokens import TokenSet
from zoho_tools.catalog import CATALOG
from zoho_tools.cli import main
from zoho_tools.config import load_settings
from zoho_tools.sandbox import Sandbox
from zoho_tools.server.mcp import create_mcp_app
from zoho_tools.server.service import load_tenants
from zoho_tools.server.tenants import tenant_path, tenants_app

ID, SECRET = Sandbox.DEMO_CLIENT_ID, Sandbox.DEMO_CLIENT_SECRET
KEY = secrets.token_hex(32)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def self_client(home: Served, *extra: str) -> Result:
    code = home.sb.self_client_code()
    return invoke(
        "connect", "--self-client", "--code", code, "--client-id", ID, "--client-secret", SECRET,
        "--accounts-url", home.url, *extra,
    )  # fmt: skip


def test_a_tenant_gets_a_token_file_of_its_own(home: Served, tokens: Path) -> None:
    result = self_client(home, "--tenant", "acme")
    assert result.exit_code == 0, result.output
    own = tokens.parent / "tenants" / "acme.json"
    assert f"Tokens stored in: {own}" in result.output
    assert own.exists() and not tokens.exists()
    assert invoke("status", "--tenant", "acme").exit_code == 0
    assert invoke("status").exit_code == 1  # the default org is not connected
    result = invoke("disconnect", "--tenant", "acme")
    assert result.exit_code == 0, result.output
    assert not own.exists()


def test_connect_a_tenant_into_redis_encrypted(
    home: Served, tokens: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZOHO_TOOLS_TOKEN_KEY", KEY)
    result = self_client(home, "--tenant", "acme", "--redis", redis_url)
    assert result.exit_code == 0, result.output
    assert "Tokens stored in: Redis at redis://127.0.0.1" in result.output
    assert "(tenant acme), encrypted" in result.output
    assert not tokens.parent.exists()
    stored, everything = asyncio.run(stored_tokens(redis_url, "acme"))
    assert stored is not None and stored.refresh_token
    for secret in (stored.access_token, stored.refresh_token, SECRET, KEY):
        assert secret.encode() not in everything
        assert secret not in result.output
    status = invoke("status", "--tenant", "acme", "--redis", redis_url)
    assert status.exit_code == 0 and "Connected to Zoho CRM." in status.output
    assert invoke("status", "--tenant", "beta", "--redis", redis_url).exit_code == 1
    gone = invoke("disconnect", "--tenant", "acme", "--redis", redis_url)
    assert gone.exit_code == 0, gone.output
    assert asyncio.run(stored_tokens(redis_url, "acme"))[0] is None


async def stored_tokens(url: str, tenant: str, key: str = KEY) -> tuple[TokenSet | None, bytes]:
    """The tenant's tokens in Redis (encrypted with ``key``), and everything Redis holds."""
    from redis.asyncio import Redis

    redis = Redis.from_url(url)
    try:
        stored = await RedisTokenStore(redis, TokenCipher([key]), tenant=tenant).load()
        return stored, b"\n".join(await dump(redis))
    finally:
        await redis.aclose()


def one_line_error(result: Result) -> str:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def test_mistakes_are_one_line_naming_the_flag_or_setting(
    home: Served, tokens: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = one_line_error(invoke("status", "--redis", redis_url))
    assert "ZOHO_TOOLS_TOKEN_KEY" in line
    monkeypatch.setenv("ZOHO_TOOLS_TOKEN_KEY", "tooShortKey9")
    line = one_line_error(invoke("status", "--redis", redis_url))
    assert "ZOHO_TOOLS_TOKEN_KEY" in line and "tooShortKey9" not in line
    monkeypatch.setenv("ZOHO_TOOLS_TOKEN_KEY", KEY)
    line = one_line_error(invoke("status", "--redis", "redis://:hunter2pass@127.0.0.1:1/0"))
    assert "--redis" in line and "hunter2pass" not in line
    line = one_line_error(invoke("status", "--redis", "http://nowhere"))
    assert "--redis" in line
    line = one_line_error(invoke("status", "--tenant", "../etc"))
    assert "--tenant" in line
    line = one_line_error(invoke("mcp", "--redis", "redis://127.0.0.1:1/0"))
    assert "--redis" in line
    line = one_line_error(invoke("mcp", "--org", "--tenant", "acme", "--redis", redis_url))
    assert "--org" in line and "zoho-tools connect --tenant acme --redis" in line


TOKENS = {"acme": "acme-token-" + "a" * 20, "beta": "beta-token-" + "b" * 20}


async def test_each_tenant_has_its_path_its_token_and_its_actions(
    tmp_path: Path, isolated_config: Path
) -> None:
    employee = tmp_path / "acme.yaml"
    employee.write_text("actions: [search_contact, create_lead]\n")
    isolated_config.write_text(
        f'[tenants.acme]\nemployee = "{employee}"\ntoken = "{TOKENS["acme"]}"\n'
        f'[tenants.beta]\ntime_zone = "Europe/Berlin"\ntoken = "{TOKENS["beta"]}"\n'
    )
    settings = load_settings()
    services = load_tenants(settings, ["acme", "beta"], notice=lambda _: None)
    assert services["beta"].locale.time_zone == "Europe/Berlin"
    apps = {
        name: create_mcp_app(service, bearer_token=TOKENS[name])
        for name, service in services.items()
    }
    try:
        with serving(tenants_app(apps)) as base:
            listed: dict[str, Any] = {}
            for name in services:
                url = base + tenant_path(name, "/mcp")
                async with connected(url, TOKENS[name]) as client:
                    listed[name] = [t.name for t in (await client.list_tools()).tools]
                    made = await client.call_tool("create_lead", {"last_name": name})
                    assert made.structured_content["status"] == "needs_input"
            # The employee's search brings next_page, for the page_token of its answers.
            assert listed["acme"] == ["search_contact", "create_lead", "next_page"]
            assert listed["beta"] == list(CATALOG)
            # A tenant's token opens its own path only; an unknown tenant is not found.
            probe = httpx2.Client(timeout=10)
            body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
            headers = {
                "Authorization": f"Bearer {TOKENS['acme']}",
                "Accept": "application/json, text/event-stream",
            }
            wrong = probe.post(base + tenant_path("beta", "/mcp"), json=body, headers=headers)
            assert wrong.status_code == 401
            missing = probe.post(base + tenant_path("gamma", "/mcp"), json=body, headers=headers)
            assert missing.status_code == 404
            probe.close()
    finally:
        for service in services.values():
            await service.aclose()


def connected(url: str, token: str) -> Any:
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def session() -> Any:
        http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30)
        async with http, Client(streamable_http_client(url, http_client=http)) as client:
            yield client

    return session()


def closing_on_shutdown(app: Any, redis: Any) -> Any:
    """``app``, closing ``redis`` when its server shuts down: in the server's own event loop,
    the one its connections belong to (they cannot be closed from another)."""

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        async def send_closing(message: Any) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                await redis.aclose()
            await send(message)

        await app(scope, receive, send_closing if scope["type"] == "lifespan" else send)

    return asgi


async def test_a_form_answer_replayed_to_another_worker_is_refused(redis_url: str) -> None:
    """Two MCP workers with the same state keys and a Redis store: the answer to a form is taken
    once, on whichever worker sees it first."""
    import dataclasses

    from mcp.types import CallToolResult, ElicitResult, InputRequiredResult, InputResponses
    from redis.asyncio import Redis

    from tests.server.conftest import User, make_service
    from tests.server.test_mcp_http import TOKEN, client
    from zoho_tools.server.mcp import INPUT_KEY
    from zoho_tools.server.redis_state import RedisConversationStore

    keys = ["shared-state-key-" + "r" * 20]
    # One client per worker: each serves in an event loop of its own (its uvicorn thread).
    clients = [Redis.from_url(redis_url) for _ in range(2)]
    first = make_service()
    second = dataclasses.replace(first, store=RedisConversationStore(clients[1]))
    first = dataclasses.replace(first, store=RedisConversationStore(clients[0]))
    apps = [
        closing_on_shutdown(create_mcp_app(s, bearer_token=TOKEN, state_keys=keys), redis)
        for s, redis in zip((first, second), clients, strict=True)
    ]
    answer: InputResponses = {
        INPUT_KEY: ElicitResult(action="accept", content={"company": "Once Co"})
    }
    try:
        with serving(apps[0]) as a, serving(apps[1]) as b:
            async with client(f"{a}/mcp", "auto", user=User()) as on_a:
                asked = await on_a.session.call_tool(
                    "create_lead", {"last_name": "Once"}, allow_input_required=True
                )
            assert isinstance(asked, InputRequiredResult)
            outcomes = []
            for base in (b, a, b):
                async with client(f"{base}/mcp", "auto", user=User()) as session:
                    done = await session.session.call_tool(
                        "create_lead",
                        {"last_name": "Once"},
                        input_responses=answer,
                        request_state=asked.request_state,
                        allow_input_required=True,
                    )
                assert isinstance(done, CallToolResult) and done.structured_content
                outcomes.append(done.structured_content["status"])
        assert outcomes == ["ok", "rejected", "rejected"]
        sandbox = first.backend.sandbox
        assert sandbox is not None and len(sandbox.find("Leads", Last_Name="Once")) == 1
    finally:
        await first.aclose()
        redis = Redis.from_url(redis_url)
        await redis.flushdb()
        await redis.aclose()
