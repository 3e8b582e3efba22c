"""State shared by several workers (and hosts) through Redis: connecting, key names, locks.

With ``--redis URL`` (``ZOHO_TOOLS_REDIS_URL``) the token store, its refresh lock and throttle
(:mod:`zoho_tools.auth.redis_store`) and the conversations of calls
(:mod:`zoho_tools.server.redis_state`) live in Redis, so any worker can answer any request.
Every key starts with :data:`PREFIX` and the tenant's name::

    zoho-tools:<tenant>:token            the tenant's tokens, encrypted
    zoho-tools:<tenant>:token:lock       held while one worker refreshes them
    zoho-tools:<tenant>:refreshes        refreshes in the current 10-minute window
    zoho-tools:<tenant>:refreshes:paused set while Zoho's own refusal is waited out
    zoho-tools:<tenant>:conv:<key>       a call's conversation (hash: data, version), with a TTL
    zoho-tools:<tenant>:conv:<key>:lock  held while one request of that call runs
    zoho-tools:<tenant>:claimed:<id>     a single-use token already used (an MCP form answer)

Needs the ``redis`` extra: ``pip install 'zoho-tools[redis]'``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from zoho_tools.errors import SetupError

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.asyncio.lock import Lock

log = logging.getLogger("zoho_tools.shared")

PREFIX = "zoho-tools"
#: The tenant of a service that serves one Zoho org.
DEFAULT_TENANT = "default"


class SharedStateError(SetupError):
    """Redis could not be used: unreachable, or a lock could not be had in time. The message
    names the setting to check and never the URL's password."""


def key(tenant: str, *parts: str) -> str:
    """The Redis key of ``parts`` for ``tenant`` (see the module docstring)."""
    return ":".join((PREFIX, tenant, *parts))


def redacted(url: str) -> str:
    """``url`` without its password (for messages and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else "***@"
    return urlunsplit(parts._replace(netloc=user + host))


def connect(url: str) -> Redis:
    """A client for ``url`` (``redis://``, ``rediss://``, ``unix://``); connects on first use.

    Raises:
        SharedStateError: the extra is missing or ``url`` is no Redis URL.
    """
    try:
        from redis.asyncio import Redis
    except ImportError:
        raise SharedStateError(
            "Redis support needs redis-py: pip install 'zoho-tools[redis]'"
        ) from None
    try:
        return Redis.from_url(url, health_check_interval=30)
    except ValueError:
        raise SharedStateError(
            f"--redis / ZOHO_TOOLS_REDIS_URL: {redacted(url)!r} is not a Redis URL; "
            "use redis://HOST:PORT/DB, rediss://... or unix:///path/to/socket"
        ) from None


async def check(redis: Redis, url: str) -> None:
    """Raise :class:`SharedStateError` unless Redis at ``url`` answers."""
    from redis.exceptions import RedisError

    try:
        await redis.ping()
    except (RedisError, OSError) as exc:
        raise SharedStateError(
            f"--redis / ZOHO_TOOLS_REDIS_URL: cannot use Redis at {redacted(url)} "
            f"({type(exc).__name__}); start it or fix the URL"
        ) from None


@contextlib.asynccontextmanager
async def hold(redis: Redis, name: str, *, timeout: float, wait: float) -> AsyncIterator[None]:
    """Hold the Redis lock ``name`` for the block, waiting at most ``wait`` seconds for it.

    The lock lives ``timeout`` seconds and is renewed every third of that while the block runs,
    so a slow block keeps it and a holder that dies (the process killed, the host gone) frees
    it within ``timeout``. Acquire is ``SET NX PX``; renew and release are redis-py's Lua
    scripts, which only touch the lock while it still holds this holder's token.

    Raises:
        SharedStateError: the lock was not free within ``wait`` seconds.
    """
    from redis.exceptions import LockError

    # thread_local=False: the renewal task must see the token the acquiring task got.
    lock = redis.lock(name, timeout=timeout, sleep=0.005, blocking_timeout=wait, thread_local=False)
    if not await lock.acquire():
        raise SharedStateError(
            f"the Redis lock {name} was not free within {wait:.0f} s; another worker holds it"
        )
    renewal = asyncio.create_task(_renew(lock, timeout))
    try:
        yield
    finally:
        renewal.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewal
        try:
            await lock.release()
        except LockError:
            # Expired while held (Redis unreachable for longer than the timeout): nothing to
            # release; whoever relied on it is told by its own check (see the stores).
            log.warning("the Redis lock %s expired before it was released", name)


async def _renew(lock: Lock, timeout: float) -> None:
    """Extend ``lock`` to ``timeout`` seconds every third of that, until cancelled or lost."""
    from redis.exceptions import LockError, RedisError

    while True:
        await asyncio.sleep(timeout / 3)
        try:
            await lock.extend(timeout, replace_ttl=True)
        except (LockError, RedisError, OSError) as exc:
            log.warning("could not renew the Redis lock %s (%s)", lock.name, type(exc).__name__)
            return
