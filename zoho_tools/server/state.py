"""Conversations kept between requests: one per call, found by a key, gone after the call.

A voice platform or a stateless MCP client sends each tool call of one phone call as its own HTTP
request; the orchestrator's state (values collected so far, confirmations asked for, the write
guard, results to chain) must survive from one request to the next. :class:`ConversationStore`
holds it by a key such as ``vapi:<call id>``:

    async with store.session(key, new_conversation) as session:
        events = await run_tool_calls(session.conversation, executor, calls)

Requests of the same call are served one after another (the conversation is not thread-safe and
two turns must not interleave their bookkeeping); different calls run concurrently. A
conversation expires ``ttl`` seconds after its last use. ``session.replies`` keeps the replies
already given by tool-call id, so a platform that delivers the same tool call twice gets the first
answer back instead of a second write.

The store also remembers single-use tokens (``claim``): a sealed MCP form answer, say, is
accepted once, by whichever worker sees it first.

This store lives in one process's memory; :class:`~zoho_tools.server.redis_state.
RedisConversationStore` implements the same protocol in Redis for several workers.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol

from zoho_tools.orchestrator import Conversation
from zoho_tools.replies import ToolReply

#: How long a conversation outlives its last request: longer than any phone call's pauses.
DEFAULT_TTL = 2 * 60 * 60.0


@dataclass(slots=True)
class Session:
    """One call's state: its conversation, and the replies given so far by tool-call id."""

    conversation: Conversation
    replies: dict[str, ToolReply] = field(default_factory=dict)


class ConversationStore(Protocol):
    """Where conversations live between requests (see the module docstring)."""

    def session(
        self, key: str, create: Callable[[], Conversation]
    ) -> AbstractAsyncContextManager[Session]: ...

    async def claim(self, token: str, ttl: float) -> bool:
        """Mark ``token`` used for ``ttl`` seconds: True the first time, False while it is
        remembered (a replay)."""
        ...


class MemoryConversationStore:
    """Conversations in this process's memory, each expiring ``ttl`` seconds after last use."""

    def __init__(
        self, *, ttl: float = DEFAULT_TTL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        # Least recently used first, so expiry only ever looks at the front.
        self._sessions: OrderedDict[str, tuple[Session, float]] = OrderedDict()
        self._locks: dict[str, asyncio.Lock] = {}
        self._claimed: dict[str, float] = {}

    @asynccontextmanager
    async def session(self, key: str, create: Callable[[], Conversation]) -> AsyncIterator[Session]:
        """The session for ``key`` (a new one from ``create()`` if there is none or it expired),
        held exclusively until the block ends."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            self._expire()
            entry = self._sessions.get(key)
            session = entry[0] if entry is not None else Session(create())
            try:
                yield session
            finally:
                self._sessions[key] = (session, self._clock() + self._ttl)
                self._sessions.move_to_end(key)

    async def claim(self, token: str, ttl: float) -> bool:
        now = self._clock()
        self._claimed = {t: until for t, until in self._claimed.items() if until > now}
        if token in self._claimed:
            return False
        self._claimed[token] = now + ttl
        return True

    def __len__(self) -> int:
        self._expire()
        return len(self._sessions)

    def _expire(self) -> None:
        now = self._clock()
        while self._sessions:
            key, (_, expires) = next(iter(self._sessions.items()))
            if expires > now:
                return
            del self._sessions[key]
            lock = self._locks.get(key)
            if lock is not None and not lock.locked():
                del self._locks[key]
