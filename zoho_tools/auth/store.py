"""Where tokens live between calls and between processes.

Two shapes of the same contract. :class:`TokenStore` is synchronous (a file, memory): what the
command line and the synchronous ``httpx`` flow use. :class:`AsyncTokenStore` is the one the
asynchronous refresh speaks (:class:`~zoho_tools.auth.ZohoAuth`): a store on the network (Redis,
:mod:`zoho_tools.auth.redis_store`) implements it directly, and :func:`as_async` adapts any
synchronous store to it, so the refresh logic exists once.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import os
import tempfile
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from pathlib import Path
from typing import Protocol, runtime_checkable

from filelock import FileLock

from zoho_tools.auth.tokens import InvalidTokenData, TokenSet
from zoho_tools.errors import AuthError

_FORMAT = "zoho-tools/tokens"
_VERSION = 1


class TokenStoreError(AuthError):
    """The token store exists but cannot be read (corrupt or from an unknown format)."""


@runtime_checkable
class TokenStore(Protocol):
    """Keeps one :class:`TokenSet`.

    ``load``/``save``/``clear`` are each atomic. A read-refresh-write sequence must run inside
    ``with store.locked():`` so that two refreshers (threads or processes) never both refresh and
    never overwrite each other's newer tokens: the second one, once it gets the lock, re-reads the
    store and finds the first one's tokens.

    ``locked()`` is not re-entrant, and it may be released from a different thread than the one
    that acquired it (the async refresh acquires it in a worker thread so as not to block the
    event loop).
    """

    def load(self) -> TokenSet | None: ...

    def save(self, token: TokenSet) -> None: ...

    def clear(self) -> None: ...

    def locked(self) -> AbstractContextManager[None]: ...


@runtime_checkable
class AsyncTokenStore(Protocol):
    """:class:`TokenStore`'s contract with coroutines, plus a refresh counter shared by everyone
    who refreshes these tokens.

    ``locked()`` is held across processes (and hosts, for a network store) for a read-refresh-
    write sequence, and is released on its own if its holder dies. ``count_refresh()`` is called
    under that lock just before asking Zoho for a new access token: it raises
    :class:`~zoho_tools.auth.errors.RefreshThrottled` when the tokens were refreshed as often
    as Zoho allows (about 10 times in 10 minutes) by any of them, or while ``throttled()`` holds.
    ``throttled(seconds)`` is called when Zoho itself refused a refresh as too many: nobody
    sharing the tokens asks again for that long (each asking would prolong Zoho's refusal).
    """

    async def load(self) -> TokenSet | None: ...

    async def save(self, token: TokenSet) -> None: ...

    async def clear(self) -> None: ...

    def locked(self) -> AbstractAsyncContextManager[None]: ...

    async def count_refresh(self) -> None: ...

    async def throttled(self, seconds: float) -> None: ...


class MemoryTokenStore:
    """A token store in memory, for tests and for the in-process sandbox."""

    def __init__(self, token: TokenSet | None = None) -> None:
        self._token = token
        # A plain Lock (not RLock): it may be released by another thread than its acquirer.
        self._lock = threading.Lock()

    def load(self) -> TokenSet | None:
        return self._token

    def save(self, token: TokenSet) -> None:
        self._token = token

    def clear(self) -> None:
        self._token = None

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        with self._lock:
            yield

    def __repr__(self) -> str:
        return f"MemoryTokenStore(connected={self._token is not None})"


class FileTokenStore:
    """Tokens in a JSON file readable by its owner only.

    Writes go to a temporary file in the same directory, which then replaces the store with
    ``os.replace``: a reader sees the old tokens or the new ones, never half a file. The file is
    created 0600 and a directory this store creates is 0700. ``locked()`` holds a ``filelock`` lock
    on ``<path>.lock`` (plus an in-process mutex), so processes sharing the file take turns.
    """

    def __init__(self, path: str | os.PathLike[str], *, lock_timeout: float = 60.0) -> None:
        self.path = Path(path).expanduser()
        # thread_local=False: the async refresh acquires in a worker thread and releases in the
        # event loop's thread. The mutex does the in-process exclusion that filelock then won't.
        self._file_lock = FileLock(
            f"{self.path}.lock", timeout=lock_timeout, mode=0o600, thread_local=False
        )
        self._mutex = threading.Lock()

    def load(self) -> TokenSet | None:
        """The stored tokens, or ``None`` when nothing is stored.

        Raises:
            TokenStoreError: the file exists but is not a token file this version can read.
        """
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except IsADirectoryError:
            raise TokenStoreError(
                f"the token path {self.path} is a directory; set token_store (or "
                "ZOHO_TOOLS_TOKEN_STORE) to a file path"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise TokenStoreError(
                f"cannot read the token file {self.path} ({reason}); fix its permissions, or "
                "delete it and run `zoho-tools connect` again"
            ) from None
        try:
            data = json.loads(text)
            if data.get("format") != _FORMAT:
                raise ValueError("not a zoho-tools token file")
            return TokenSet.from_dict(data["token"])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            # No exception chaining: the parser's message could quote the file's content.
            reason = str(exc) if isinstance(exc, InvalidTokenData) else type(exc).__name__
            raise TokenStoreError(
                f"cannot read the token file {self.path} ({reason}); "
                "delete it and run `zoho-tools connect` again"
            ) from None

    def save(self, token: TokenSet) -> None:
        """Replace the stored tokens atomically."""
        self._ensure_dir()
        payload = json.dumps(
            {"format": _FORMAT, "version": _VERSION, "token": token.to_dict()}, indent=2
        )
        # mkstemp creates the file 0600 from the start, so the secret is never world-readable.
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(payload)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_dir(self.path.parent)

    def clear(self) -> None:
        """Forget the stored tokens (no error when there are none)."""
        self.path.unlink(missing_ok=True)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        self._ensure_dir()
        with self._mutex, self._file_lock:
            yield

    def _ensure_dir(self) -> None:
        # Only a directory we create is made 0700: tightening an existing one (say /tmp) is not
        # ours to do.
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self.path)!r})"


def _fsync_dir(path: Path) -> None:
    # Make the rename itself durable; not possible (nor needed) on every platform.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.asynccontextmanager
async def held(store: TokenStore) -> AsyncIterator[None]:
    """``store.locked()`` without blocking the event loop while another holder has it."""
    lock = store.locked()
    acquiring = asyncio.ensure_future(asyncio.to_thread(lock.__enter__))
    try:
        await asyncio.shield(acquiring)
    except asyncio.CancelledError:
        # The worker thread may still get the lock after we stop waiting: hand it back then.
        acquiring.add_done_callback(
            lambda f: f.cancelled() or f.exception() or lock.__exit__(None, None, None)
        )
        raise
    try:
        yield
    finally:
        lock.__exit__(None, None, None)


class _AsyncView:
    """A synchronous :class:`TokenStore` seen as an :class:`AsyncTokenStore`. Its refreshes are
    counted, and Zoho's refusals waited out, by the OAuth client of each process (see
    ``OAuthClient``), so ``count_refresh`` and ``throttled`` have nothing to add."""

    def __init__(self, store: TokenStore) -> None:
        self.store = store

    async def load(self) -> TokenSet | None:
        return self.store.load()

    async def save(self, token: TokenSet) -> None:
        self.store.save(token)

    async def clear(self) -> None:
        self.store.clear()

    def locked(self) -> AbstractAsyncContextManager[None]:
        return held(self.store)

    async def count_refresh(self) -> None:
        return None

    async def throttled(self, seconds: float) -> None:
        return None

    def __repr__(self) -> str:
        return repr(self.store)


def is_async_store(store: TokenStore | AsyncTokenStore) -> bool:
    """Whether ``store`` speaks coroutines (both protocols have the same method names)."""
    return inspect.iscoroutinefunction(store.load)


def as_async(store: TokenStore | AsyncTokenStore) -> AsyncTokenStore:
    """``store`` as an :class:`AsyncTokenStore` (itself, when it already is one)."""
    if is_async_store(store):
        return store  # type: ignore[return-value]
    return _AsyncView(store)  # type: ignore[arg-type]
