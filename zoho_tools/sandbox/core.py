"""The :class:`Sandbox`: one Zoho CRM org and its accounts server behind :meth:`Sandbox.handle`.

``handle`` is the single implementation: the in-process transports call it, and so does the
loopback HTTP server. It applies latency and faults, answers OAuth requests under
``/oauth/v2`` and API calls under ``/crm/v7`` and ``/crm/v8``, logs every request and counts
API credits (1 per authenticated CRM call, as Zoho charges most calls 1 credit; OAuth calls,
unauthenticated calls and injected failures that never reached the API cost nothing).

Thread-safety: requests are answered one at a time under a lock (latency is applied outside
it, so concurrent slow requests overlap); the request log and fault rules are thread-safe.
Each request runs in a store transaction: an unexpected error rolls it back and answers
``INTERNAL_ERROR`` (500), and the exception is logged on the ``zoho_tools.sandbox`` logger.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from zoho_tools.sandbox import errors
from zoho_tools.sandbox.app import CrmApi, Trace
from zoho_tools.sandbox.data import OrgData
from zoho_tools.sandbox.errors import ApiError, RecordError
from zoho_tools.sandbox.faults import Fault, Faults, fault_reply
from zoho_tools.sandbox.fieldtypes import WriteContext
from zoho_tools.sandbox.http_reply import HttpReply
from zoho_tools.sandbox.metadata import MODULES, ModuleDefinition, find_module
from zoho_tools.sandbox.oauth import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_REDIRECT_URIS,
    OAuthServer,
    form_params,
)
from zoho_tools.sandbox.records import create_record
from zoho_tools.sandbox.render import render_record
from zoho_tools.sandbox.seed import ensure_users, is_empty, seed_demo
from zoho_tools.sandbox.store import Store

if TYPE_CHECKING:
    from zoho_tools.sandbox.server import SandboxServer
    from zoho_tools.sandbox.transport import AsyncSandboxTransport, SandboxTransport

logger = logging.getLogger("zoho_tools.sandbox")

DEFAULT_BASE_URL = "https://sandbox.zoho-tools.local"
API_VERSIONS = frozenset({"v7", "v8"})
# Set by the HTTP server on the requests it builds: the URL the sandbox is reached at.
ORIGIN_EXTENSION = "zoho_tools_sandbox_origin"


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request the sandbox saw, and what it answered.

    ``query`` is the URL query (last value wins), ``json`` the request body parsed as JSON (None
    if empty or not JSON), ``status`` the HTTP status returned (None for a dropped or timed-out
    request), ``response`` the JSON answered (None for 204 or HTML). ``fault`` names an injected
    failure ("503", "drop"...), ``after_commit`` says the request was processed before it.
    ``ignored_fields`` lists the JSON paths of record keys Zoho would silently ignore (unknown or
    read-only fields) and ``?fields=`` names that are not fields of the module.
    """

    method: str
    path: str
    query: dict[str, str]
    json: Any
    status: int | None
    response: Any
    fault: str | None = None
    after_commit: bool = False
    ignored_fields: tuple[str, ...] = ()


class RequestLog(list[LoggedRequest]):
    """The sandbox's request log: a list (``clear()`` empties it) with a filter helper."""

    def matching(self, method: str | None = None, path: str | None = None) -> list[LoggedRequest]:
        """Entries with this method and/or whose path ends with ``path``."""
        return [
            entry
            for entry in list(self)
            if (method is None or entry.method == method.upper())
            and (path is None or entry.path.endswith(path))
        ]


@dataclass
class _Outcome:
    reply: HttpReply
    trace: Trace = field(default_factory=Trace)


class Sandbox:
    """An embedded Zoho CRM v7/v8 org with its OAuth server.

    ``path``: a SQLite file that keeps records, users, tags, OAuth clients and tokens across
    restarts (None: in memory). ``seed="demo"``: fill an empty store with the demo org (see
    :mod:`~zoho_tools.sandbox.seed`). ``base_url``: the URL advertised as ``api_domain`` and
    ``accounts-server`` for in-process calls (the HTTP server advertises its own URL).
    ``token_ttl``: access-token lifetime in seconds. ``refresh_limit`` refreshes are allowed per
    refresh token within ``refresh_window`` seconds. ``clock``: seconds since the epoch, injectable
    so tests can expire tokens.
    """

    DEMO_CLIENT_ID = DEMO_CLIENT_ID
    DEMO_CLIENT_SECRET = DEMO_CLIENT_SECRET

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        seed: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        token_ttl: float = 3600,
        refresh_limit: int = 10,
        refresh_window: float = 600,
        clock: Callable[[], float] = time.time,
        max_active_tokens: int = 15,
    ) -> None:
        if seed not in (None, "demo"):
            raise ValueError(f"unknown seed {seed!r}; the only seed is 'demo'")
        self.base_url = base_url.rstrip("/")
        self.clock = clock
        self.faults = Faults()
        self.log = RequestLog()
        self._credits = 0
        self._lock = threading.RLock()
        self._store = Store(path)
        self._org = OrgData(self._store, clock)
        self._oauth = OAuthServer(
            self._org,
            token_ttl=token_ttl,
            refresh_limit=refresh_limit,
            refresh_window=refresh_window,
            max_active_tokens=max_active_tokens,
        )
        self._crm = CrmApi(self._org, self._oauth)
        with self._lock, self._store.transaction():
            ensure_users(self._org)
            self._oauth.register_client(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REDIRECT_URIS)
            if seed == "demo" and is_empty(self._org):
                seed_demo(self._org)

    # --- the one implementation -----------------------------------------------------------

    def handle(self, request: httpx.Request, *, apply_latency: bool = True) -> httpx.Response:
        """Answer ``request`` like Zoho would.

        Raises :class:`httpx.RemoteProtocolError` / :class:`httpx.ReadTimeout` for injected
        ``drop`` / ``timeout`` faults. ``apply_latency=False`` is for callers that waited for
        ``faults.latency`` themselves (the async transport sleeps without blocking its loop).
        """
        if apply_latency and self.faults.latency > 0:
            time.sleep(self.faults.latency)
        content = request.read()
        fault = self.faults.take(request.method, request.url.path)
        if fault is not None and not fault.after_commit:
            return self._fail(request, content, fault, Trace())
        outcome = self._answer(request, content)
        if fault is not None:
            return self._fail(request, content, fault, outcome.trace)
        self._log(request, content, outcome.reply.status, outcome.reply.body, outcome.trace)
        return outcome.reply.to_response()

    def _answer(self, request: httpx.Request, content: bytes) -> _Outcome:
        with self._lock:
            outcome = _Outcome(HttpReply(500))
            try:
                with self._store.transaction():
                    outcome.reply = self._route(request, content, outcome.trace)
            except ApiError as error:
                outcome.reply = HttpReply(error.status, error.body())
            except Exception:
                logger.exception("sandbox error answering %s %s", request.method, request.url.path)
                outcome.reply = HttpReply(500, errors.internal_error().body())
            if outcome.trace.charged:
                self._credits += 1
            return outcome

    def _route(self, request: httpx.Request, content: bytes, trace: Trace) -> HttpReply:
        path = request.url.path
        params = dict(request.url.params)
        if path.startswith("/oauth/v2/"):
            origin = str(request.extensions.get(ORIGIN_EXTENSION, self.base_url))
            form = form_params(request.headers.get("content-type", ""), content)
            return self._oauth.handle(request.method, path, {**params, **form}, origin)
        parts = [part for part in path.split("/") if part]
        if len(parts) >= 3 and parts[0] == "crm" and parts[1] in API_VERSIONS:
            authorization = request.headers.get("authorization")
            return self._crm.handle(
                request.method, parts[2:], params, authorization, content, trace
            )
        raise errors.invalid_url_pattern()

    def _fail(
        self, request: httpx.Request, content: bytes, fault: Fault, trace: Trace
    ) -> httpx.Response:
        if fault.kind in ("drop", "timeout"):
            self._log(request, content, None, None, trace, fault)
            if fault.kind == "drop":
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a response.", request=request
                )
            raise httpx.ReadTimeout("The read operation timed out", request=request)
        reply = fault_reply(fault.kind)
        self._log(request, content, reply.status, reply.body, trace, fault)
        return reply.to_response()

    def _log(
        self,
        request: httpx.Request,
        content: bytes,
        status: int | None,
        response: Any,
        trace: Trace,
        fault: Fault | None = None,
    ) -> None:
        self.log.append(
            LoggedRequest(
                method=request.method,
                path=request.url.path,
                query=dict(request.url.params),
                json=_json_or_none(content),
                status=status,
                response=response,
                fault=None if fault is None else str(fault.kind),
                after_commit=fault is not None and fault.after_commit,
                ignored_fields=tuple(trace.ignored or ()),
            )
        )

    # --- ways in --------------------------------------------------------------------------

    def transport(self) -> SandboxTransport:
        """A sync httpx transport answering in-process (no sockets)."""
        from zoho_tools.sandbox.transport import SandboxTransport

        return SandboxTransport(self)

    def async_transport(self) -> AsyncSandboxTransport:
        """An async httpx transport answering in-process; latency never blocks the loop."""
        from zoho_tools.sandbox.transport import AsyncSandboxTransport

        return AsyncSandboxTransport(self)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> SandboxServer:
        """Start a real HTTP server in a thread (use as a context manager; ``.url``)."""
        from zoho_tools.sandbox.server import SandboxServer

        return SandboxServer(self, host, port)

    # --- OAuth helpers --------------------------------------------------------------------

    def register_client(
        self, client_id: str, client_secret: str, redirect_uris: Iterable[str]
    ) -> None:
        """Register (or replace) an OAuth client. A URI with port ``*`` allows any port."""
        with self._lock, self._store.transaction():
            self._oauth.register_client(client_id, client_secret, redirect_uris)

    def issue_token(
        self, scopes: Iterable[str] | str | None = None, user_id: str | None = None
    ) -> dict[str, Any]:
        """A full Zoho token response for the demo client, without the OAuth dance.

        ``scopes`` default to everything (modules, settings, users, org, search);
        ``user_id`` to the current user.
        """
        with self._lock, self._store.transaction():
            user = user_id or self._org.current_user_id
            if self._org.user(user) is None:
                raise ValueError(f"no user with id {user!r}")
            return self._oauth.issue_token(scopes, user, self.base_url)

    def self_client_code(
        self, scopes: Iterable[str] | str | None = None, user_id: str | None = None
    ) -> str:
        """A Self Client grant code (as Zoho's API console shows one) for the demo client.

        One-time, valid 120 s, bound to no redirect URI; exchanging it yields a refresh token.
        """
        with self._lock, self._store.transaction():
            return self._oauth.self_client_code(scopes, user_id or self._org.current_user_id)

    # --- inspection and setup for tests ---------------------------------------------------

    @property
    def credits_used(self) -> int:
        """API credits consumed so far (1 per authenticated CRM API call)."""
        return self._credits

    @property
    def users(self) -> list[dict[str, Any]]:
        """The org's users, in the shape of ``GET /users``."""
        with self._lock:
            return [dict(user) for user in self._org.users.values()]

    @property
    def current_user_id(self) -> str:
        """The admin user on whose behalf demo tokens and OAuth consents act."""
        return self._org.current_user_id

    def records(self, module: str) -> list[dict[str, Any]]:
        """The live records of ``module`` in Zoho's GET shape, oldest first."""
        found = self._module(module)
        with self._lock:
            return [
                render_record(self._org, found, r)
                for r in self._org.records(found.api_name).values()
            ]

    def find(self, module: str, **equals: Any) -> list[dict[str, Any]]:
        """Live records whose fields equal ``equals`` (a lookup matches its id or name)."""
        return [
            r for r in self.records(module) if all(_matches(r.get(k), v) for k, v in equals.items())
        ]

    def create(
        self, module: str, record: dict[str, Any], *, user_id: str | None = None
    ) -> dict[str, Any]:
        """Insert one record through the API's validation, bypassing HTTP (test setup).

        Raises :class:`~zoho_tools.sandbox.errors.RecordError` with Zoho's error if invalid.
        """
        found = self._module(module)
        with self._lock, self._store.transaction():
            ctx = WriteContext(self._org, user_id or self._org.current_user_id, self._org.now())
            stored = create_record(found, record, 0, ctx)
            return render_record(self._org, found, stored)

    def set_picklist(self, module: str, field: str, values: Iterable[str]) -> None:
        """Give a picklist field this org's own values, as an admin would in Zoho's setup
        (kept in the store, so a ``--data`` file keeps them). Validation, search and
        ``GET /settings/fields`` use them from then on.

        Raises :class:`ValueError` for an unknown module, a field that is not a picklist, or no
        values."""
        found = self._module(module)
        with self._lock, self._store.transaction():
            self._org.set_picklist(found, field, list(values))

    @property
    def picklists(self) -> dict[str, dict[str, list[str]]]:
        """The org's own picklist values, by module and field."""
        with self._lock:
            return {m: dict(fields) for m, fields in self._org.picklists.items()}

    def _module(self, name: str) -> ModuleDefinition:
        found = find_module(name)
        if found is None:
            raise ValueError(f"unknown module {name!r}; known: {', '.join(MODULES)}")
        return found

    def close(self) -> None:
        """Close the SQLite store."""
        with self._lock:
            self._store.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _json_or_none(content: bytes) -> Any:
    if not content.strip():
        return None
    from zoho_tools.sandbox.api_request import load_json

    try:
        return load_json(content)
    except (ValueError, UnicodeDecodeError):
        return None


def _matches(value: Any, wanted: Any) -> bool:
    if isinstance(value, dict) and not isinstance(wanted, dict):
        return wanted in (value.get("id"), value.get("name"))
    return bool(value == wanted)


__all__ = ["DEFAULT_BASE_URL", "LoggedRequest", "RecordError", "RequestLog", "Sandbox"]
