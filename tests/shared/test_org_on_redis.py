"""The services ``serve --org --redis`` and ``mcp --org --redis`` run: the org's tokens read from
Redis (encrypted), Zoho called with them."""

from __future__ import annotations

import asyncio
import secrets
import time

import pytest

from tests.shared.test_tenants import stored_tokens
from zoho_tools.auth.tokens import TokenSet
from zoho_tools.cli._services import load_services
from zoho_tools.orchestrator import ToolCall
from zoho_tools.sandbox import Sandbox


def test_an_org_whose_tokens_are_in_redis_is_served(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from redis.asyncio import Redis

    from zoho_tools.auth.redis_store import RedisTokenStore, TokenCipher

    key = secrets.token_hex(32)
    monkeypatch.setenv("ZOHO_TOOLS_TOKEN_KEY", key)
    org = Sandbox(seed="demo")
    with org.serve() as server:
        token = TokenSet.from_response(
            {**org.issue_token(), "api_domain": server.url},
            accounts_server=server.url,
            now=time.time(),
        ).replace(client_id=org.DEMO_CLIENT_ID, client_secret=org.DEMO_CLIENT_SECRET)

        async def store() -> None:
            redis = Redis.from_url(redis_url)
            await redis.flushdb()
            await RedisTokenStore(redis, TokenCipher([key])).save(token)
            await redis.aclose()

        asyncio.run(store())
        services = load_services(
            org=True,
            employee_file=None,
            custom_file=None,
            time_zone=None,
            redis_url=redis_url,
            tenants=(),
            notice=lambda _: None,
        )
        assert services.single is not None and services.single.backend.sandbox is None

        async def call() -> str:
            service = services.single
            assert service is not None
            try:
                [reply] = await service.run(
                    "vapi:org-call", [ToolCall("search_contact", {"query": "John Smith"})]
                )
            finally:
                await services.aclose()
            return reply.status

        assert asyncio.run(call()) == "ok"
        assert org.log.matching("GET", "/crm/v7/Contacts/search")
    stored, everything = asyncio.run(stored_tokens(redis_url, "default", key))
    assert stored == token
    assert token.access_token.encode() not in everything

    async def clean() -> None:
        redis = Redis.from_url(redis_url)
        await redis.flushdb()
        await redis.aclose()

    asyncio.run(clean())  # the server is shared by the session's tests
