"""Conversations in Redis: a call's requests may land on any worker and find what the earlier
ones collected; two requests of one call never lose an update; the state expires with its TTL;
a worker whose lock expired never overwrites a newer state. Against fakeredis and a real
redis-server."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.server.conftest import contact_id, make_service
from zoho_tools.orchestrator import Conversation, ToolCall
from zoho_tools.server.redis_state import RedisConversationStore
from zoho_tools.server.service import ToolService
from zoho_tools.shared import SharedStateError, key


@pytest.fixture
async def workers(redis: Any) -> AsyncIterator[list[ToolService]]:
    """Four workers: one backend (as one Zoho org), each its own store object on one Redis."""
    first = make_service()
    services = [dataclasses.replace(first, store=RedisConversationStore(redis)) for _ in range(4)]
    yield services
    await first.aclose()


async def test_a_call_spread_over_workers_keeps_its_conversation(
    workers: list[ToolService],
) -> None:
    a, b, c, d = workers
    call = "vapi:call-1"
    [asked] = await a.run(call, [ToolCall("create_lead", {"last_name": "Doe"}, id="t1")])
    assert asked.status == "needs_input"
    [made] = await b.run(call, [ToolCall("create_lead", {"company": "Acme"}, id="t2")])
    assert made.status == "ok", made.structured
    # The same tool call delivered again, to another worker: the first answer, no second write.
    [again] = await c.run(call, [ToolCall("create_lead", {"company": "Acme"}, id="t2")])
    assert again == made
    sandbox = a.backend.sandbox
    assert sandbox is not None
    assert len(sandbox.find("Leads", Last_Name="Doe")) == 1
    # A destructive action asked on one worker is confirmed on another.
    target = contact_id(a)
    [confirm] = await c.run(call, [ToolCall("delete_contact", {"id": target}, id="t3")])
    assert confirm.status == "needs_confirmation"
    [done] = await d.run(
        call, [ToolCall("delete_contact", {"id": target, "confirmed": True}, id="t4")]
    )
    assert done.status == "ok", done.structured
    # Another call starts afresh.
    [fresh] = await d.run("vapi:call-2", [ToolCall("create_lead", {"company": "Beta"})])
    assert fresh.status == "needs_input"


async def test_two_workers_on_one_call_at_once_lose_no_update(redis: Any) -> None:
    stores = [RedisConversationStore(redis) for _ in range(2)]

    async def request(store: RedisConversationStore, name: str) -> None:
        async with store.session("retell:call-9", Conversation) as session:
            seen = dict(session.conversation.variables)
            await asyncio.sleep(0.02)  # the turn's Zoho requests
            session.conversation.variables = {**seen, name: True}

    await asyncio.gather(*(request(stores[i % 2], f"r{i}") for i in range(10)))
    async with stores[0].session("retell:call-9", Conversation) as session:
        assert set(session.conversation.variables) == {f"r{i}" for i in range(10)}
    version = await redis.hget(key("default", "conv", "retell:call-9"), "version")
    assert int(version) == 11


async def test_the_state_expires_after_its_ttl(redis: Any) -> None:
    store = RedisConversationStore(redis, ttl=0.3)
    async with store.session("call", Conversation) as session:
        session.conversation.pending["create_lead"] = {"last_name": "Doe"}
    assert 0 < await redis.pttl(key("default", "conv", "call")) <= 300
    async with store.session("call", Conversation) as session:
        assert session.conversation.pending == {"create_lead": {"last_name": "Doe"}}
    await asyncio.sleep(0.5)
    async with store.session("call", Conversation) as session:
        assert session.conversation.pending == {}


async def test_tenants_do_not_share_conversations(redis: Any) -> None:
    store = RedisConversationStore(redis)
    async with store.for_tenant("acme").session("call", Conversation) as session:
        session.conversation.variables["caller_phone"] = "+15550100"
    async with store.for_tenant("beta").session("call", Conversation) as session:
        assert "caller_phone" not in session.conversation.variables
    assert await redis.exists(key("acme", "conv", "call"))


async def test_a_worker_that_lost_its_lock_never_overwrites_a_newer_state(redis: Any) -> None:
    store = RedisConversationStore(redis)
    name = key("default", "conv", "call")
    async with store.session("call", Conversation) as session:
        session.conversation.variables["who"] = "first"
    with pytest.raises(SharedStateError, match="another worker"):
        async with store.session("call", Conversation) as session:
            session.conversation.variables["who"] = "late"
            # Meanwhile (its lock expired) another worker saved a newer state.
            newer = json.loads(await redis.hget(name, "data"))
            newer["conversation"]["variables"]["who"] = "newer"
            await redis.hset(name, mapping={"data": json.dumps(newer), "version": 2})
    async with store.session("call", Conversation) as session:
        assert session.conversation.variables["who"] == "newer"


async def test_a_single_use_token_is_claimed_once_by_all_workers(redis: Any) -> None:
    a, b = RedisConversationStore(redis), RedisConversationStore(redis)
    assert await a.claim("mcp-form:n1", 0.3)
    assert not await b.claim("mcp-form:n1", 0.3)
    assert not await a.claim("mcp-form:n1", 0.3)
    assert await a.for_tenant("acme").claim("mcp-form:n1", 0.3)  # tenants apart
    await asyncio.sleep(0.5)
    assert await b.claim("mcp-form:n1", 0.3)  # forgotten after its TTL
