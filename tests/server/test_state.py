"""The in-memory conversation store: one conversation per key, kept across requests, served one
request at a time per key, expiring after its TTL."""

from __future__ import annotations

import asyncio

from tests.clocks import Clock
from zoho_tools.orchestrator import Conversation
from zoho_tools.server.state import MemoryConversationStore


async def test_a_key_keeps_its_conversation_until_it_expires() -> None:
    clock = Clock()
    store = MemoryConversationStore(ttl=60, clock=clock)
    async with store.session("vapi:call-1", Conversation) as first:
        first.conversation.pending["create_lead"] = {"last_name": "Doe"}
    async with store.session("vapi:call-1", Conversation) as again:
        assert again.conversation is first.conversation
    async with store.session("vapi:call-2", Conversation) as other:
        assert other.conversation is not first.conversation
    clock.advance(59)
    async with store.session("vapi:call-1", Conversation) as touched:
        assert touched.conversation is first.conversation
    clock.advance(61)  # call-1 was used 61 s ago, call-2 120 s ago: both gone
    assert len(store) == 0
    async with store.session("vapi:call-1", Conversation) as fresh:
        assert fresh.conversation is not first.conversation
        assert fresh.conversation.pending == {}


async def test_requests_of_one_call_run_one_at_a_time_and_other_calls_do_not_wait() -> None:
    store = MemoryConversationStore()
    order: list[str] = []
    inside = asyncio.Event()
    release = asyncio.Event()

    async def hold(key: str, name: str) -> None:
        async with store.session(key, Conversation):
            order.append(f"{name} in")
            inside.set()
            await release.wait()
            order.append(f"{name} out")

    async def visit(key: str, name: str) -> None:
        async with store.session(key, Conversation):
            order.append(name)

    holder = asyncio.create_task(hold("a", "first"))
    await inside.wait()
    same = asyncio.create_task(visit("a", "same call"))
    await visit("b", "other call")  # not blocked by call "a"
    await asyncio.sleep(0)
    assert order == ["first in", "other call"]
    release.set()
    await asyncio.gather(holder, same)
    assert order == ["first in", "other call", "first out", "same call"]
