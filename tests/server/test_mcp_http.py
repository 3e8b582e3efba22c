"""The MCP app over real HTTP: uvicorn on a free loopback port, the SDK's own client, both
protocol eras, the host allowlist (421) and the bearer token (401)."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
import httpx2
import pytest
import uvicorn
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult, ElicitResult, InputRequiredResult
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route

from tests.server.conftest import User, contact_id, make_service
from zoho_tools.server.mcp import INPUT_KEY, create_mcp_app, is_loopback
from zoho_tools.server.service import ToolService

TOKEN = "test-token-" + "x" * 24
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "probe", "version": "0"},
    },
}
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """``app`` under uvicorn on a free loopback port, in a thread; its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def url(service: ToolService) -> Iterator[str]:
    app = create_mcp_app(service, bearer_token=TOKEN, allowed_hosts=["crm.example.com"])
    with serving(app) as base:
        yield f"{base}/mcp"


@asynccontextmanager
async def client(
    url: str, mode: str, *, user: User | None = None, headers: dict[str, str] | None = None
) -> AsyncIterator[Client]:
    # The SDK's HTTP client is httpx2's; headers go on the client it is given.
    http = httpx2.AsyncClient(
        headers={"Authorization": f"Bearer {TOKEN}", **(headers or {})}, timeout=30
    )
    async with (
        http,
        Client(
            streamable_http_client(url, http_client=http), mode=mode, elicitation_callback=user
        ) as connected,
    ):
        yield connected


async def test_2026_client_calls_tools_and_fills_in_forms_over_http(
    url: str, service: ToolService
) -> None:
    user = User({"company": "Wire Co"})
    async with client(url, "auto", user=user) as mcp:
        assert mcp.protocol_version == "2026-07-28"
        listed = await mcp.list_tools()
        found = await mcp.call_tool("search_contact", {"query": "John Smith"})
        made = await mcp.call_tool("create_lead", {"last_name": "Wire"})
    assert len(listed.tools) == len(service.tools)
    assert found.structured_content and found.structured_content["status"] == "ok"
    assert made.structured_content == {**made.structured_content, "status": "ok"}
    assert len(user.forms) == 1  # input_required, answered, retried: all over stateless HTTP


async def test_stateless_legacy_requests_share_a_conversation_by_call_id(url: str) -> None:
    # Vapi opens a new connection per tool call and names the call in X-Call-Id.
    call = {"X-Call-Id": "vapi-call-7", "X-Caller-Phone": "+15551234567"}
    async with client(url, "legacy", headers=call) as mcp:
        assert mcp.protocol_version == "2025-11-25"
        found = await mcp.call_tool("search_contact", {})
        asked = await mcp.call_tool("create_lead", {"last_name": "Stateless"})
    async with client(url, "legacy", headers=call) as mcp:
        chained = await mcp.call_tool("get_contact", {"id": "{{search_contact.id}}"})
        done = await mcp.call_tool("create_lead", {"company": "Kept Co"})
    assert found.structured_content and found.structured_content["data"][0]["Full_Name"]
    assert asked.structured_content and asked.structured_content["missing"] == ["company"]
    assert chained.structured_content and chained.structured_content["status"] == "ok"
    assert done.structured_content and done.structured_content["status"] == "ok"


async def test_a_wrong_host_gets_421_and_an_allowed_one_is_served(url: str) -> None:
    auth = {**HEADERS, "Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient() as http:
        wrong = await http.post(url, json=INITIALIZE, headers={**auth, "Host": "evil.example"})
        right = await http.post(url, json=INITIALIZE, headers={**auth, "Host": "crm.example.com"})
    assert wrong.status_code == 421
    assert right.status_code == 200 and "zoho-tools" in right.text


async def test_a_missing_or_wrong_bearer_token_gets_401(url: str) -> None:
    async with httpx.AsyncClient() as http:
        missing = await http.post(url, json=INITIALIZE, headers=HEADERS)
        wrong = await http.post(
            url, json=INITIALIZE, headers={**HEADERS, "Authorization": f"Bearer {TOKEN}x"}
        )
        basic = await http.post(
            url, json=INITIALIZE, headers={**HEADERS, "Authorization": f"Basic {TOKEN}"}
        )
    for refused in (missing, wrong, basic):
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"].startswith("Bearer")
        assert TOKEN not in refused.text


async def test_without_a_token_only_loopback_is_served(service: ToolService) -> None:
    app = create_mcp_app(service, allowed_hosts=["crm.example.com"])
    with serving(app) as base:
        async with httpx.AsyncClient() as http:
            local = await http.post(f"{base}/mcp", json=INITIALIZE, headers=HEADERS)
            named = await http.post(
                f"{base}/mcp", json=INITIALIZE, headers={**HEADERS, "Host": "crm.example.com"}
            )
    assert local.status_code == 200
    assert named.status_code == 401 and "ZOHO_TOOLS_MCP_TOKEN" in named.text
    # From another machine, even a loopback Host header is refused (an app runs once: a new one).
    app = create_mcp_app(service, allowed_hosts=["crm.example.com"])
    remote = httpx.ASGITransport(app=app, client=("203.0.113.9", 5000))
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=remote) as http:
        refused = await http.post("http://127.0.0.1/mcp", json=INITIALIZE, headers=HEADERS)
    assert refused.status_code == 401


async def test_the_app_mounts_in_another_app_that_runs_its_lifespan(
    service: ToolService,
) -> None:
    mcp_app = create_mcp_app(service, bearer_token=TOKEN)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with mcp_app.router.lifespan_context(mcp_app):
            yield

    async def health(request: Any) -> PlainTextResponse:
        return PlainTextResponse("ok")

    host = Starlette(routes=[Route("/health", health), Mount("/", app=mcp_app)], lifespan=lifespan)
    with serving(host) as base:
        async with client(f"{base}/mcp", "auto") as mcp:
            found = await mcp.call_tool("search_contact", {"query": "John Smith"})
        async with httpx.AsyncClient() as http:
            health_check = await http.get(f"{base}/health")
    assert found.structured_content and found.structured_content["status"] == "ok"
    assert health_check.text == "ok"


def test_a_short_token_is_refused_without_echoing_it(service: ToolService) -> None:
    with pytest.raises(ValueError, match="at least") as caught:
        create_mcp_app(service, bearer_token="short-secret")
    assert "short-secret" not in str(caught.value)


#: What a form answer carries (``ElicitResult.content``).
ElicitContent = dict[str, str | int | float | bool | list[str] | None]
LOOPBACK = ["127.0.0.1", "::1", "[::1]", "localhost", "127.9.9.9"]
ELSEWHERE = ["0.0.0.0", "crm.example.com", "10.0.0.1", ""]


@pytest.mark.parametrize("host", LOOPBACK + ELSEWHERE)
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host) is (host in LOOPBACK)


async def test_two_workers_sharing_state_keys_finish_each_others_forms() -> None:
    """Round one on one worker, the answer on another (each with its own sandbox and memory):
    the sealed state carries all the second needs, for a missing field and a confirmation."""

    keys = ["shared-state-key-" + "z" * 20]
    first, second = make_service(), make_service()
    try:
        with (
            serving(create_mcp_app(first, bearer_token=TOKEN, state_keys=keys)) as a,
            serving(create_mcp_app(second, bearer_token=TOKEN, state_keys=keys)) as b,
        ):
            target = contact_id(second)
            rounds: list[tuple[str, dict[str, Any], ElicitContent]] = [
                ("create_lead", {"last_name": "Roamer"}, {"company": "Roam Co"}),
                ("delete_contact", {"id": target}, {"confirmed": True}),
            ]
            for name, arguments, answer in rounds:
                async with client(f"{a}/mcp", "auto", user=User()) as on_a:
                    asked = await on_a.session.call_tool(name, arguments, allow_input_required=True)
                assert isinstance(asked, InputRequiredResult), asked
                async with client(f"{b}/mcp", "auto", user=User()) as on_b:
                    done = await on_b.session.call_tool(
                        name,
                        arguments,
                        input_responses={INPUT_KEY: ElicitResult(action="accept", content=answer)},
                        request_state=asked.request_state,
                        allow_input_required=True,
                    )
                assert isinstance(done, CallToolResult) and done.structured_content
                assert done.structured_content["status"] == "ok", done.structured_content
    finally:
        await first.aclose()
        await second.aclose()
    assert second.backend.sandbox is not None
    assert second.backend.sandbox.find("Leads", Last_Name="Roamer")
    assert not second.backend.sandbox.find("Contacts", id=target)
