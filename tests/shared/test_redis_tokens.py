"""Tokens in Redis shared by several workers: one refresh however many workers and requests wait
on it, a shared refresh throttle, a lock that frees itself when its holder dies, and no secret in
clear anywhere in Redis. Each test runs against fakeredis and a real redis-server."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import httpx
import pytest

from tests.clocks import Clock
from tests.shared.conftest import dump
from zoho_tools.auth.errors import RefreshThrottled
from zoho_tools.auth.oauth import OAuthClient
from zoho_tools.auth.redis_store import RedisTokenStore, TokenCipher
from zoho_tools.auth.store import TokenStoreError
from zoho_tools.auth.tokens import TokenSet
from zoho_tools.auth.zoho_auth import ZohoAuth
from zoho_tools.config import ConfigError, Settings
from zoho_tools.connection import token_store
from zoho_tools.sandbox import Sandbox
from zoho_tools.shared import SharedStateError, key

KEY = secrets.token_hex(32)
CURRENT_USER = "/crm/v7/users"


def connected(sb: Sandbox, clock: Clock) -> TokenSet:
    token = TokenSet.from_response(sb.issue_token(), accounts_server=sb.base_url, now=clock())
    return token.replace(client_id=sb.DEMO_CLIENT_ID, client_secret=sb.DEMO_CLIENT_SECRET)


def worker(
    redis: Any, sb: Sandbox, clock: Clock, **store: Any
) -> tuple[ZohoAuth, httpx.AsyncClient]:
    """One worker process's auth: its own OAuth client and store object, the shared Redis."""
    http = httpx.AsyncClient(transport=sb.async_transport())
    oauth = OAuthClient("", "", accounts_server=sb.base_url, http=http, clock=clock)
    auth = ZohoAuth(RedisTokenStore(redis, TokenCipher([KEY]), **store), oauth, clock=clock)
    return auth, http


def token_requests(sb: Sandbox) -> int:
    return len(sb.log.matching("POST", "/oauth/v2/token"))


async def test_eight_workers_with_many_requests_after_expiry_refresh_exactly_once(
    redis: Any, sb: Sandbox, clock: Clock
) -> None:
    first = connected(sb, clock)
    await RedisTokenStore(redis, TokenCipher([KEY])).save(first)
    workers = [worker(redis, sb, clock) for _ in range(8)]
    for auth, _ in workers:
        assert (await auth.load()) == first
    clock.advance(3600 + 1)

    async def call(auth: ZohoAuth) -> int:
        async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
            return (await api.get(f"{sb.base_url}{CURRENT_USER}")).status_code

    codes = await asyncio.gather(*(call(auth) for auth, _ in workers for _ in range(25)))
    assert codes == [200] * 200
    assert token_requests(sb) == 1
    stored = await RedisTokenStore(redis, TokenCipher([KEY])).load()
    assert stored is not None and stored.access_token != first.access_token
    assert stored.refresh_token == first.refresh_token
    assert {auth.token().access_token for auth, _ in workers} == {stored.access_token}
    for _, http in workers:
        await http.aclose()


async def test_no_secret_is_stored_in_clear(redis: Any, sb: Sandbox, clock: Clock) -> None:
    token = connected(sb, clock)
    store = RedisTokenStore(redis, TokenCipher([KEY]), tenant="acme")
    await store.save(token)
    auth, http = worker(redis, sb, clock, tenant="acme")
    clock.advance(3600 + 1)
    async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
        assert (await api.get(f"{sb.base_url}{CURRENT_USER}")).status_code == 200
    await http.aclose()
    refreshed = await store.load()
    assert refreshed is not None and refreshed.access_token != token.access_token
    everything = b"\n".join(await dump(redis))
    assert key("acme", "token").encode() in everything
    for secret in (
        token.access_token,
        refreshed.access_token,
        token.refresh_token,
        sb.DEMO_CLIENT_SECRET,
        KEY,
    ):
        assert secret and secret.encode() not in everything
    assert KEY not in repr(store) and KEY not in repr(TokenCipher([KEY]))


async def test_another_key_cannot_read_the_tokens_and_keys_rotate(
    redis: Any, sb: Sandbox, clock: Clock
) -> None:
    token = connected(sb, clock)
    old, new = secrets.token_hex(32), secrets.token_hex(32)
    await RedisTokenStore(redis, TokenCipher([old])).save(token)
    with pytest.raises(TokenStoreError, match="ZOHO_TOOLS_TOKEN_KEY") as caught:
        await RedisTokenStore(redis, TokenCipher([new])).load()
    assert token.refresh_token and token.refresh_token not in str(caught.value)
    rotated = RedisTokenStore(redis, TokenCipher([new, old]))
    assert await rotated.load() == token
    await rotated.save(token)  # rewritten with the new key: the old one can go
    assert await RedisTokenStore(redis, TokenCipher([new])).load() == token
    with pytest.raises(ConfigError, match="ZOHO_TOOLS_TOKEN_KEY"):
        token_store(Settings(token_key=None), redis=redis)  # no key: nothing to decrypt with


async def test_the_refresh_throttle_is_shared_by_every_worker(redis: Any) -> None:
    cipher = TokenCipher([KEY])
    a = RedisTokenStore(redis, cipher, max_refreshes=10, refresh_window=600)
    b = RedisTokenStore(redis, cipher, max_refreshes=10, refresh_window=600)
    for store in [a, b] * 5:
        await store.count_refresh()
    with pytest.raises(RefreshThrottled, match="10 access tokens") as caught:
        await b.count_refresh()
    assert caught.value.retry_after is not None and 590 < caught.value.retry_after <= 600
    assert 0 < await redis.pttl(key("default", "refreshes")) <= 600_000
    # Another tenant has its own refresh token, and its own count.
    await RedisTokenStore(redis, cipher, tenant="acme").count_refresh()


async def test_a_throttled_refresh_asks_zoho_nothing(redis: Any, sb: Sandbox, clock: Clock) -> None:
    await RedisTokenStore(redis, TokenCipher([KEY])).save(connected(sb, clock))
    auth, http = worker(redis, sb, clock, max_refreshes=0)
    clock.advance(3600 + 1)
    async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
        with pytest.raises(RefreshThrottled):
            await api.get(f"{sb.base_url}{CURRENT_USER}")
    await http.aclose()
    assert token_requests(sb) == 0


async def test_the_lock_of_a_dead_holder_frees_itself(redis: Any) -> None:
    store = RedisTokenStore(redis, TokenCipher([KEY]), lock_timeout=5, lock_wait=5)
    # A worker killed while refreshing leaves its lock behind, with its expiry.
    await redis.set(key("default", "token", "lock"), "dead-worker", px=300)
    started = asyncio.get_running_loop().time()
    async with store.locked():
        waited = asyncio.get_running_loop().time() - started
    assert 0.1 < waited < 3
    assert await redis.get(key("default", "token", "lock")) is None  # released


async def test_a_held_lock_is_renewed_and_others_wait_for_it(redis: Any) -> None:
    cipher = TokenCipher([KEY])
    # Renewed every 0.2 s: a busy machine may be late by up to 0.4 s before the lock lapses.
    holder = RedisTokenStore(redis, cipher, lock_timeout=0.6, lock_wait=1)
    impatient = RedisTokenStore(redis, cipher, lock_timeout=0.6, lock_wait=0.2)
    async with holder.locked():
        await asyncio.sleep(1.0)  # longer than the lock's life: renewed meanwhile
        with pytest.raises(SharedStateError, match="not free"):
            async with impatient.locked():
                pass
    async with impatient.locked():
        pass


async def test_a_token_zoho_rejects_is_refreshed_once_for_all_workers(
    redis: Any, sb: Sandbox, clock: Clock
) -> None:
    first = connected(sb, clock)
    await RedisTokenStore(redis, TokenCipher([KEY])).save(first)
    workers = [worker(redis, sb, clock) for _ in range(4)]
    for auth, _ in workers:
        await auth.load()
    # Dead at Zoho while every worker still believes it good (an expiry Zoho-side).
    async with httpx.AsyncClient(transport=sb.async_transport()) as plain:
        await plain.post(f"{sb.base_url}/oauth/v2/token/revoke", data={"token": first.access_token})

    async def call(auth: ZohoAuth) -> int:
        async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
            return (await api.get(f"{sb.base_url}{CURRENT_USER}")).status_code

    codes = await asyncio.gather(*(call(auth) for auth, _ in workers for _ in range(10)))
    assert codes == [200] * 40
    assert token_requests(sb) == 1
    for _, http in workers:
        await http.aclose()


async def test_after_zoho_refuses_a_refresh_no_worker_asks_again(redis: Any, clock: Clock) -> None:
    strict = Sandbox(token_ttl=100, refresh_limit=1, refresh_window=600, clock=clock)
    await RedisTokenStore(redis, TokenCipher([KEY])).save(connected(strict, clock))
    (a, a_http), (b, b_http) = worker(redis, strict, clock), worker(redis, strict, clock)

    async def call(auth: ZohoAuth) -> int:
        async with httpx.AsyncClient(auth=auth, transport=strict.async_transport()) as api:
            return (await api.get(f"{strict.base_url}{CURRENT_USER}")).status_code

    clock.advance(100 + 1)
    assert await call(a) == 200  # Zoho's one refresh in this window
    clock.advance(100 + 1)
    with pytest.raises(RefreshThrottled):
        await call(a)  # Zoho refuses the second
    assert token_requests(strict) == 2
    with pytest.raises(RefreshThrottled, match="wait about"):
        await call(b)  # another worker does not ask Zoho again
    assert token_requests(strict) == 2
    assert await redis.pttl(key("default", "refreshes", "paused")) > 14 * 60 * 1000
    for http in (a_http, b_http):
        await http.aclose()
