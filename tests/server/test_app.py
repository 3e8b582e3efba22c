"""The app around the webhooks: readiness, an MCP app routed at /mcp with its lifespan, and
platforms without a secret on a server reachable from outside."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.server.conftest import CALLER, sandbox_service, serving
from zoho_tools.sandbox import Sandbox
from zoho_tools.server.service import ToolService
from zoho_tools.server.webhooks import create_app


async def test_healthz_answers_only_while_serving(service: ToolService) -> None:
    app = create_app(service)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        assert (await client.get("/healthz")).status_code == 503  # not started
        async with app.router.lifespan_context(app):
            response = await client.get("/healthz")
            assert response.status_code == 200 and response.json() == {"status": "ok"}
        assert (await client.get("/healthz")).status_code == 503  # shut down


def mcp_stand_in() -> tuple[Starlette, list[str]]:
    events: list[str] = []

    async def endpoint(request: Request) -> Response:
        return JSONResponse({"path": request.url.path, "method": request.method})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        events.append("started")
        yield
        events.append("stopped")

    app = Starlette(routes=[Route("/mcp", endpoint, methods=["GET", "POST"])], lifespan=lifespan)
    return app, events


async def test_an_mcp_app_answers_at_mcp_and_its_lifespan_runs(service: ToolService) -> None:
    mcp, events = mcp_stand_in()
    app = create_app(service, mcp_app=mcp)
    async with serving(app) as client:
        assert events == ["started"]
        response = await client.post("/mcp", json={"jsonrpc": "2.0"})
        assert response.json() == {"path": "/mcp", "method": "POST"}
        assert (await client.get("/healthz")).status_code == 200
    assert events == ["started", "stopped"]


async def test_without_an_mcp_app_mcp_is_not_found(service: ToolService) -> None:
    async with serving(create_app(service)) as client:
        assert (await client.post("/mcp", json={})).status_code == 404


async def test_a_platform_without_a_secret_is_closed_when_auth_is_required(
    sb: Sandbox,
) -> None:
    # Reachable from outside, only Retell configured: Vapi and ElevenLabs refuse everything.
    from zoho_tools.server.signatures import RetellSignature

    verifiers = {"retell": RetellSignature.of("key"), "vapi": None, "elevenlabs": None}
    app = create_app(sandbox_service(sb), verifiers=verifiers, require_auth=True)
    async with serving(app) as client:
        vapi = await client.post("/vapi", json={"message": {"type": "status-update"}})
        el = await client.post("/elevenlabs/search_contact", headers={"x-caller-id": CALLER})
        assert vapi.status_code == el.status_code == 401


async def test_on_loopback_a_platform_without_a_secret_is_open(sb: Sandbox) -> None:
    app = create_app(sandbox_service(sb))
    async with serving(app) as client:
        response = await client.post("/elevenlabs/search_contact", headers={"x-caller-id": CALLER})
        assert response.status_code == 200 and response.json()["status"] == "ok"


async def test_webhooks_take_only_post(service: ToolService) -> None:
    async with serving(create_app(service)) as client:
        assert (await client.get("/vapi")).status_code == 405
