"""Zoho OAuth as an ``httpx.Auth``: every request carries a live access token.

::

    client = httpx.AsyncClient(auth=ZohoAuth(store, oauth), transport=...)
    await client.get(f"{auth.api_domain}/crm/v7/users", params={"type": "CurrentUser"})

The token is refreshed shortly before it expires, and once more if Zoho answers a request with
401 ``INVALID_TOKEN`` (revoked or expired server-side); the request is then sent again, once.
While the old token is still good for a while (more than ``expiry_margin`` seconds), the async
flow refreshes it in the background and sends the request at once: no caller waits on a refresh
that is only ahead of time.

Single flight: however many requests are waiting, one refresh happens at a time and the others use
its result. Within one process an asyncio lock (async flow) or a threading lock (sync flow) lines
the waiters up; across processes the store's lock does, and the store is re-read under that lock
so that a token another process has just refreshed is used rather than refreshed again.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Callable, Generator

import httpx

from zoho_tools.auth.errors import InvalidGrant, NotConnected, RefreshThrottled
from zoho_tools.auth.oauth import OAuthClient
from zoho_tools.auth.store import AsyncTokenStore, TokenStore, as_async, is_async_store
from zoho_tools.auth.tokens import TokenSet

log = logging.getLogger("zoho_tools.auth")

HEADER_SCHEME = "Zoho-oauthtoken"

#: Zoho's codes for an access token it no longer accepts (INVALID_OAUTHTOKEN: invalidated by the
#: 16th token of the same refresh token).
INVALID_TOKEN_CODES = frozenset({"INVALID_TOKEN", "INVALID_OAUTHTOKEN"})
#: How long everyone sharing the tokens waits after Zoho refuses a refresh as too many (Zoho
#: keeps refusing for 15-30 minutes; asking again sooner prolongs it).
ZOHO_THROTTLE_WAIT = 15 * 60.0


class ZohoAuth(httpx.Auth):
    """Refreshing Zoho OAuth for ``httpx.Client`` and ``httpx.AsyncClient``.

    Args:
        store: where the tokens are kept; refreshed tokens are saved back to it. A synchronous
            store serves both flows; an :class:`~zoho_tools.auth.store.AsyncTokenStore` (Redis)
            only the async one, after :meth:`load`.
        oauth: refreshes tokens (the async flow sends through its client; the sync flow sends its
            request through the ``httpx.Client`` in use).
        clock: epoch seconds; inject a fake one in tests.
        refresh_skew: refresh when the token expires within this many seconds (capped at half the
            token's lifetime, so a short-lived token is not refreshed on every request).
        expiry_margin: a token that expires within this many seconds is as good as expired: the
            request waits for the refresh instead of going out with it.

    Raises (from a request):
        NotConnected: nothing is stored.
        OAuthError and subclasses: a needed refresh failed (see :meth:`OAuthClient.refresh`);
            the request was then not sent.
    """

    requires_request_body = True  # the request may have to be sent twice
    requires_response_body = True  # a 401's body tells INVALID_TOKEN from other failures

    def __init__(
        self,
        store: TokenStore | AsyncTokenStore,
        oauth: OAuthClient,
        *,
        clock: Callable[[], float] = time.time,
        refresh_skew: float = 300.0,
        expiry_margin: float = 30.0,
    ) -> None:
        self.store = store
        self._async_store = as_async(store)
        self.oauth = oauth
        self._clock = clock
        self._skew = refresh_skew
        self._margin = expiry_margin
        self._token: TokenSet | None = None
        # A refresh token Zoho refused stays refused: remember it, so every later call says
        # "reconnect" at once instead of asking Zoho again (and tripping the refresh throttle).
        self._refused: tuple[str, InvalidGrant] | None = None
        self._thread_lock = threading.Lock()
        # An asyncio lock belongs to one event loop; keep one per loop that uses this auth.
        self._loop_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        # The refresh running ahead of expiry, per event loop (one at a time: single flight).
        self._ahead: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, asyncio.Task[TokenSet]
        ] = weakref.WeakKeyDictionary()

    def __repr__(self) -> str:
        return f"ZohoAuth(store={self.store!r}, oauth={self.oauth!r})"

    @property
    def api_domain(self) -> str:
        """The CRM API base of the connected account (from the token), e.g.
        ``https://www.zohoapis.eu``.

        Raises:
            NotConnected: nothing is stored.
        """
        return self._current().api_domain

    async def load(self) -> TokenSet:
        """Read the stored tokens now (an async store is read only this way, or by a request).

        Raises:
            NotConnected: nothing is stored.
        """
        if self._token is None:
            self._token = await self._async_store.load()
        return self._current()

    def token(self) -> TokenSet:
        """The current token set (cached; loaded from the store the first time).

        Raises:
            NotConnected: nothing is stored.
        """
        return self._current()

    # -- httpx flows ---------------------------------------------------------------------------

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        await request.aread()
        token = self._token or await self.load()
        if self._needs_refresh(token):
            if token.expires_within(self._margin, self._clock()):
                token = await self._refresh_async(token)
            else:
                self._refresh_ahead(token)
        response = yield _authorize(request, token)
        if response.status_code == 401:
            await response.aread()
            if _is_invalid_token(response):
                log.info("Zoho rejected the access token (INVALID_TOKEN); refreshing and retrying")
                token = await self._refresh_async(token)
                yield _authorize(request, token)

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        if is_async_store(self.store):
            raise TypeError(f"{self.store!r} is asynchronous: use ZohoAuth with httpx.AsyncClient")
        request.read()
        token = self._current()
        if self._needs_refresh(token):
            token = yield from self._refresh_sync(token)
        response = yield _authorize(request, token)
        if response.status_code == 401:
            response.read()
            if _is_invalid_token(response):
                log.info("Zoho rejected the access token (INVALID_TOKEN); refreshing and retrying")
                token = yield from self._refresh_sync(token)
                yield _authorize(request, token)

    # -- refresh, single flight ----------------------------------------------------------------

    async def _refresh_async(self, stale: TokenSet) -> TokenSet:
        async with self._loop_lock():
            if (reuse := self._reusable(self._token, stale)) is not None:
                return reuse
            store = self._async_store
            async with store.locked():
                # Under the store lock: another process may have refreshed (or reconnected, with
                # a new refresh token) since this one loaded the store.
                base = await store.load() or stale
                if (reuse := self._reusable(base, stale)) is not None:
                    return reuse
                self._raise_if_refused(base)
                await store.count_refresh()
                try:
                    fresh = await self.oauth.refresh(base)
                except InvalidGrant as exc:
                    self._refused = (base.refresh_token or "", exc)
                    raise
                except RefreshThrottled as exc:
                    await store.throttled(exc.retry_after or ZOHO_THROTTLE_WAIT)
                    raise
                kept = self._kept(fresh, base, await store.load())
                if kept is fresh:
                    await store.save(fresh)
                return kept

    def _refresh_sync(self, stale: TokenSet) -> Generator[httpx.Request, httpx.Response, TokenSet]:
        with self._thread_lock:
            if (reuse := self._reusable(self._token, stale)) is not None:
                return reuse
            sync_store: TokenStore = self.store  # type: ignore[assignment]
            with sync_store.locked():
                base = sync_store.load() or stale
                if (reuse := self._reusable(base, stale)) is not None:
                    return reuse
                self._raise_if_refused(base)
                # Sent by the httpx.Client running this flow: no second (async) client needed.
                response = yield self.oauth.refresh_request(base)
                response.read()
                try:
                    fresh = self.oauth.read_refresh_response(response, base)
                except InvalidGrant as exc:
                    self._refused = (base.refresh_token or "", exc)
                    raise
                kept = self._kept(fresh, base, sync_store.load())
                if kept is fresh:
                    sync_store.save(fresh)
                return kept

    def _refresh_ahead(self, token: TokenSet) -> None:
        """Start refreshing ``token`` in the background, unless a refresh is already running.
        Its failure is only logged: the next request that needs a token refreshes (and reports)
        again."""
        loop = asyncio.get_running_loop()
        running = self._ahead.get(loop)
        if running is not None and not running.done():
            return
        task = loop.create_task(self._refresh_async(token))
        task.add_done_callback(_log_failed_refresh)
        self._ahead[loop] = task

    def _raise_if_refused(self, base: TokenSet) -> None:
        """Raise again the refusal of ``base``'s refresh token, if Zoho already refused it (a
        reconnect stores a new refresh token, which is tried)."""
        if self._refused is not None and self._refused[0] == (base.refresh_token or ""):
            raise self._refused[1]

    def _reusable(self, candidate: TokenSet | None, stale: TokenSet) -> TokenSet | None:
        """``candidate`` if someone else refreshed since ``stale`` was read and it is still good.

        A token that Zoho rejected or that is about to expire is ``stale``; any other access
        token in the cache or the store is newer than it, so it is used instead of a refresh.
        """
        if candidate is None or candidate.access_token == stale.access_token:
            return None
        if self._needs_refresh(candidate):
            return None
        self._token = candidate
        return candidate

    def _kept(self, fresh: TokenSet, base: TokenSet, current: TokenSet | None) -> TokenSet:
        """The tokens to use after refreshing ``base`` into ``fresh``, given what the store holds
        now: ``fresh`` (to be saved by the caller) unless the store meanwhile holds another
        refresh token: a reconnect that did not wait for the lock must still win, so its tokens
        are used instead of ones built from the older refresh token."""
        if current is not None and current.refresh_token != base.refresh_token:
            log.info("the tokens were replaced during the refresh (a reconnect); using those")
            self._token = current
            return current
        self._token = fresh
        return fresh

    def _needs_refresh(self, token: TokenSet) -> bool:
        skew = self._skew
        if token.issued_at is not None:
            skew = min(skew, (token.expires_at - token.issued_at) / 2)
        return token.expires_within(skew, self._clock())

    def _current(self) -> TokenSet:
        if self._token is None:
            if not is_async_store(self.store):
                self._token = self.store.load()  # type: ignore[assignment]
            if self._token is None:
                raise NotConnected(getattr(self.store, "path", ""))
        return self._token

    def _loop_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._loop_locks.get(loop)
        if lock is None:
            lock = self._loop_locks[loop] = asyncio.Lock()
        return lock


class StaticTokenAuth(httpx.Auth):
    """A fixed access token, never refreshed (a token pasted from elsewhere, a test)."""

    def __init__(self, access_token: str, api_domain: str) -> None:
        self._access_token = access_token
        self.api_domain = api_domain.rstrip("/")

    def __repr__(self) -> str:
        return f"StaticTokenAuth(access_token=<redacted>, api_domain={self.api_domain!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = f"{HEADER_SCHEME} {self._access_token}"
        yield request


def _log_failed_refresh(task: asyncio.Task[TokenSet]) -> None:
    if not task.cancelled() and (exc := task.exception()) is not None:
        log.warning("refreshing the Zoho token ahead of expiry failed: %s", exc)


def _authorize(request: httpx.Request, token: TokenSet) -> httpx.Request:
    request.headers["Authorization"] = f"{HEADER_SCHEME} {token.access_token}"
    return request


def _is_invalid_token(response: httpx.Response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("code") in INVALID_TOKEN_CODES
