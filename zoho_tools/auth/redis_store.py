"""Tokens in Redis, encrypted, shared by every worker and host serving one Zoho org.

Zoho allows about ten new access tokens per refresh token in ten minutes (then refuses for
15-30 minutes) and fifteen live access tokens per refresh token (the sixteenth invalidates the
oldest). Workers that each refresh on their own trip both limits, so they share one token:

- :meth:`RedisTokenStore.locked` is a Redis lock (``SET NX PX`` with a token; released and
  renewed by Lua that checks the token) that frees itself if its holder dies. The refresh runs
  under it: acquire, re-read, refresh only if the stored token is still stale, save, release
  (:class:`~zoho_tools.auth.ZohoAuth` does this; every other worker then finds the new token).
- :meth:`RedisTokenStore.count_refresh` counts refreshes with ``INCR`` on a key that expires
  with the window, and refuses past the limit, whichever worker asks.
- The whole token record (access token, refresh token, client secret) is encrypted with Fernet
  (AES-128-CBC + HMAC-SHA256) under a key derived from ``ZOHO_TOOLS_TOKEN_KEY``: nothing in Redis
  is a usable secret without that key, which never goes to Redis.
"""

from __future__ import annotations

import base64
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING

from zoho_tools.auth.errors import RefreshThrottled
from zoho_tools.auth.oauth import ZOHO_REFRESH_LIMIT, ZOHO_REFRESH_WINDOW
from zoho_tools.auth.store import TokenStoreError
from zoho_tools.auth.tokens import TokenSet
from zoho_tools.shared import DEFAULT_TENANT, hold, key

if TYPE_CHECKING:
    from cryptography.fernet import MultiFernet
    from redis.asyncio import Redis


class TokenCipher:
    """Encrypts token records with the first of ``secrets`` and decrypts with any of them (so a
    key can be rotated: add the new one first, keep the old one until every record is rewritten).

    Each secret (32+ bytes, e.g. ``secrets.token_hex(32)``) is stretched into a Fernet key with
    HKDF-SHA256.
    """

    def __init__(self, secrets: Sequence[str]) -> None:
        if not secrets:
            raise ValueError("a TokenCipher needs at least one secret")
        self._fernet = _fernet(secrets)

    def encrypt(self, token: TokenSet) -> bytes:
        return self._fernet.encrypt(token.to_json().encode())

    def decrypt(self, blob: bytes | str) -> TokenSet:
        """Raises :class:`TokenStoreError` (without the content) if ``blob`` cannot be read."""
        from cryptography.fernet import InvalidToken

        try:
            return TokenSet.from_json(self._fernet.decrypt(blob).decode())
        except InvalidToken:
            raise TokenStoreError(
                "the tokens in Redis were encrypted with another ZOHO_TOOLS_TOKEN_KEY; set the "
                "key they were stored with (first the new one, then the old one, to rotate), or "
                "run `zoho-tools connect` again"
            ) from None
        except ValueError:
            raise TokenStoreError(
                "the tokens in Redis cannot be read; run `zoho-tools connect` again"
            ) from None

    def __repr__(self) -> str:
        return "TokenCipher(<keys redacted>)"


def _fernet(secrets: Sequence[str]) -> MultiFernet:
    from cryptography.fernet import Fernet, MultiFernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    keys = []
    for secret in secrets:
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"zoho-tools token store"
        ).derive(secret.encode())
        keys.append(Fernet(base64.urlsafe_b64encode(derived)))
    return MultiFernet(keys)


class RedisTokenStore:
    """An :class:`~zoho_tools.auth.store.AsyncTokenStore` in Redis for one tenant (see the module
    docstring). ``lock_timeout``: how long a dead refresher can hold the lock; ``lock_wait``: how
    long a request waits for another worker's refresh."""

    def __init__(
        self,
        redis: Redis,
        cipher: TokenCipher,
        *,
        tenant: str = DEFAULT_TENANT,
        lock_timeout: float = 30.0,
        lock_wait: float = 30.0,
        max_refreshes: int = ZOHO_REFRESH_LIMIT,
        refresh_window: float = ZOHO_REFRESH_WINDOW,
    ) -> None:
        self._redis = redis
        self._cipher = cipher
        self.tenant = tenant
        self._key = key(tenant, "token")
        self._lock = key(tenant, "token", "lock")
        self._counter = key(tenant, "refreshes")
        self._pause = key(tenant, "refreshes", "paused")
        self._lock_timeout = lock_timeout
        self._lock_wait = lock_wait
        self._max_refreshes = max_refreshes
        self._window = refresh_window

    async def load(self) -> TokenSet | None:
        blob = await self._redis.get(self._key)
        return None if blob is None else self._cipher.decrypt(blob)

    async def save(self, token: TokenSet) -> None:
        await self._redis.set(self._key, self._cipher.encrypt(token))

    async def clear(self) -> None:
        await self._redis.delete(self._key)

    @contextlib.asynccontextmanager
    async def locked(self) -> AsyncIterator[None]:
        async with hold(self._redis, self._lock, timeout=self._lock_timeout, wait=self._lock_wait):
            yield

    async def count_refresh(self) -> None:
        """Count one refresh in the shared window, or raise :class:`RefreshThrottled` (over the
        limit, or while Zoho's own refusal is waited out)."""
        paused_ms = await self._redis.pttl(self._pause)
        if paused_ms > 0:
            raise RefreshThrottled(
                f"not asking Zoho for another access token: Zoho refused one as too many "
                f"requests; the workers sharing tenant {self.tenant!r} wait about "
                f"{paused_ms / 1000:.0f} s before asking again",
                retry_after=paused_ms / 1000,
            )
        window_ms = int(self._window * 1000)
        async with self._redis.pipeline(transaction=True) as pipe:
            # SET NX starts the window with the first refresh; INCR counts; PTTL says when the
            # window ends. One transaction, so a crash cannot leave a counter without expiry.
            pipe.set(self._counter, 0, nx=True, px=window_ms)
            pipe.incr(self._counter)
            pipe.pttl(self._counter)
            _, count, ttl_ms = await pipe.execute()
        if count > self._max_refreshes:
            wait = max(ttl_ms, 0) / 1000
            raise RefreshThrottled(
                f"not asking Zoho for another access token: the workers sharing tenant "
                f"{self.tenant!r} refreshed {count - 1} times in the last "
                f"{self._window:.0f} s, and Zoho allows about 10 access tokens per refresh "
                f"token in 10 minutes; wait about {wait:.0f} s and try again",
                retry_after=wait,
            )

    async def throttled(self, seconds: float) -> None:
        """Zoho refused a refresh as too many: nobody sharing this tenant asks for ``seconds``."""
        await self._redis.set(self._pause, 1, px=max(1, int(seconds * 1000)))

    def __repr__(self) -> str:
        return f"RedisTokenStore(tenant={self.tenant!r})"
