"""Conversations in Redis: the requests of one call may land on any worker (and any host).

Why a lock per call, and a version check as well
-------------------------------------------------
A request does more than read and write the conversation: between the two it sends the call's
writes to Zoho. Optimistic concurrency alone (WATCH/MULTI, or a version compared on save) would
let two workers handle two requests of the same call at once and find the clash only when saving;
by then both may have created the same record in Zoho, and the loser's request cannot be run
again without writing twice. So requests of one call take turns under a short Redis lock per call
(as :class:`~zoho_tools.server.state.MemoryConversationStore` does in one process): the second
request starts from the first one's saved state, with its write guard and its results.

The lock is renewed while a request runs and expires on its own if its worker dies, so a crashed
worker blocks the call for at most ``lock_timeout`` seconds. Because a lock can also expire under
a live worker (Redis unreachable for longer than that), the save is a compare-and-set on a version
number, in one Lua script: a worker that lost the lock and was overtaken never overwrites the newer
state; it gets :class:`~zoho_tools.shared.SharedStateError` instead.

Each call's state is one hash: ``data`` (the session as JSON: the conversation's
:meth:`~zoho_tools.orchestrator.Conversation.to_dict` and the replies by tool-call id) and
``version``; it expires ``ttl`` seconds after the call's last request.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from zoho_tools.orchestrator import Conversation
from zoho_tools.replies import ToolReply
from zoho_tools.server.state import DEFAULT_TTL, Session
from zoho_tools.shared import DEFAULT_TENANT, SharedStateError, hold, key

if TYPE_CHECKING:
    from redis.asyncio import Redis

# KEYS[1]: the call's hash. ARGV: the version read (0: none), the new data, the TTL in ms.
# Returns the new version, or -1 when someone saved since that version was read.
_SAVE = """
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if current ~= tonumber(ARGV[1]) then return -1 end
redis.call('HSET', KEYS[1], 'data', ARGV[2], 'version', current + 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return current + 1
"""


class RedisConversationStore:
    """A :class:`~zoho_tools.server.state.ConversationStore` in Redis (see the module docstring).

    Args:
        redis: a ``redis.asyncio`` client.
        tenant: the tenant whose calls these are (part of every key).
        ttl: seconds a conversation outlives its call's last request.
        lock_timeout: seconds a dead worker can keep a call locked.
        lock_wait: seconds a request waits for the call's previous request before failing.
    """

    def __init__(
        self,
        redis: Redis,
        *,
        tenant: str = DEFAULT_TENANT,
        ttl: float = DEFAULT_TTL,
        lock_timeout: float = 30.0,
        lock_wait: float = 60.0,
    ) -> None:
        self._redis = redis
        self.tenant = tenant
        self._ttl_ms = int(ttl * 1000)
        self._lock_timeout = lock_timeout
        self._lock_wait = lock_wait
        self._save = redis.register_script(_SAVE)

    def for_tenant(self, tenant: str) -> RedisConversationStore:
        """The same store for another tenant's calls."""
        return RedisConversationStore(
            self._redis,
            tenant=tenant,
            ttl=self._ttl_ms / 1000,
            lock_timeout=self._lock_timeout,
            lock_wait=self._lock_wait,
        )

    @asynccontextmanager
    async def session(
        self, key_: str, create: Callable[[], Conversation]
    ) -> AsyncIterator[Session]:
        """The session of call ``key_`` (a new one from ``create()`` if there is none or it
        expired), held exclusively, across workers, until the block ends; then saved.

        Raises:
            SharedStateError: the call's lock was not free in time, or the state was saved by
                another worker meanwhile (this block's changes are then not saved).
        """
        name = key(self.tenant, "conv", key_)
        async with hold(
            self._redis, f"{name}:lock", timeout=self._lock_timeout, wait=self._lock_wait
        ):
            data, version = await self._redis.hmget(name, ["data", "version"])
            session = _session(data, create)
            try:
                yield session
            finally:
                saved = await self._save(
                    keys=[name], args=[int(version or 0), _dump(session), self._ttl_ms]
                )
                if saved == -1:
                    raise SharedStateError(
                        f"the conversation {key_!r} was saved by another worker while this one "
                        "held it (its lock expired); this request's changes were not kept"
                    )

    async def claim(self, token: str, ttl: float) -> bool:
        """``SET NX PX``: the first worker to claim ``token`` gets True, every later claim False
        until it expires."""
        name = key(self.tenant, "claimed", token)
        return bool(await self._redis.set(name, 1, nx=True, px=max(1, int(ttl * 1000))))

    def __repr__(self) -> str:
        return f"RedisConversationStore(tenant={self.tenant!r})"


def _session(data: bytes | str | None, create: Callable[[], Conversation]) -> Session:
    conversation = create()
    if data is None:
        return Session(conversation)
    stored: dict[str, Any] = json.loads(data)
    # The configuration (catalog, employee, locale, clock) is the service's, from create().
    conversation.restore(stored["conversation"])
    replies = {call: ToolReply.from_dict(reply) for call, reply in stored["replies"].items()}
    return Session(conversation, replies)


def _dump(session: Session) -> str:
    return json.dumps(
        {
            "conversation": session.conversation.to_dict(),
            "replies": {call: reply.to_dict() for call, reply in session.replies.items()},
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
