"""Connecting an account: the browser flow with a loopback callback, the Self Client flow, and
disconnecting. The ``zoho-tools connect/status/disconnect`` commands are thin wrappers.

The browser flow (OAuth authorization code grant, Zoho's multi-DC variant)::

    1. listen on http://127.0.0.1:<port>/callback (one request, then done)
    2. send the user to {accounts}/oauth/v2/auth?...&state=<random>
    3. Zoho redirects to the listener with code, state, location and accounts-server
    4. refuse a state that is not ours; exchange the code at the accounts-server named
    5. store the tokens (with the client id and secret, so they can be refreshed later)
"""

from __future__ import annotations

import asyncio
import hmac
import html
import ipaddress
import logging
import secrets
import threading
import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

import httpx

from zoho_tools.auth.errors import OAuthError
from zoho_tools.auth.oauth import OAuthClient
from zoho_tools.auth.regions import region_for_accounts_server
from zoho_tools.auth.store import AsyncTokenStore, TokenStore, as_async
from zoho_tools.auth.tokens import TokenSet
from zoho_tools.auth.zoho_auth import HEADER_SCHEME

log = logging.getLogger("zoho_tools.auth")

#: The scopes the built-in catalog needs: records of every module, module and field metadata,
#: users, the organisation, and search.
DEFAULT_SCOPES: tuple[str, ...] = (
    "ZohoCRM.modules.ALL",
    "ZohoCRM.settings.ALL",
    "ZohoCRM.users.READ",
    "ZohoCRM.org.READ",
    "ZohoSearch.securesearch.READ",
)

#: A fixed default port, because Zoho only redirects to a URI registered exactly (register
#: ``http://127.0.0.1:8765/callback`` for the client, or pass ``--port``).
DEFAULT_CALLBACK_PORT = 8765
CALLBACK_PATH = "/callback"
DEFAULT_CONNECT_TIMEOUT = 300.0


class ConsentFlowError(OAuthError):
    """The browser consent flow did not complete: timeout, consent denied, or a redirect
    refused. (Not a network failure: that would be ``httpx.ConnectError``.)"""


@dataclass(frozen=True, slots=True)
class Callback:
    """What Zoho's redirect to the listener carried (the code is a secret: never log it)."""

    code: str | None
    state: str | None
    accounts_server: str | None
    location: str | None
    error: str | None

    def __repr__(self) -> str:
        return (
            f"Callback(code={'<redacted>' if self.code else None}, "
            f"accounts_server={self.accounts_server!r}, location={self.location!r}, "
            f"error={self.error!r})"
        )


#: Seconds a connection to the callback listener may stay silent before it is closed.
CALLBACK_IDLE_TIMEOUT = 10.0


class _ListenerServer(ThreadingHTTPServer):
    # One thread per connection: a browser's idle preconnect must not block the redirect, and
    # leaving the ``with`` block must not wait for such a connection to end.
    daemon_threads = True
    block_on_close = False


class CallbackListener:
    """A one-shot HTTP listener on loopback for the OAuth redirect.

    Use as a context manager; :attr:`redirect_uri` is where Zoho must send the browser and
    :meth:`wait` returns the first callback. Other paths (a browser's ``/favicon.ico``) get a 404.
    Connections are served concurrently and closed after ``CALLBACK_IDLE_TIMEOUT`` seconds of
    silence, so an idle connection (a browser's preconnect) never holds the redirect up.
    """

    def __init__(self, expected_state: str, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._expected_state = expected_state
        self._result: Callback | None = None
        self._done = threading.Event()
        self._accepting = threading.Lock()  # handlers run concurrently: one answer wins
        self._server = _ListenerServer((host, port), self._handler_class())
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            # shutdown() waits up to one poll interval: keep leaving the block instant.
            kwargs={"poll_interval": 0.02},
            name="zoho-tools-oauth-callback",
            daemon=True,
        )

    @property
    def redirect_uri(self) -> str:
        host, port = self._server.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://{host}:{port}{CALLBACK_PATH}"

    def __enter__(self) -> CallbackListener:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._done.set()  # wake a waiter still in wait() (say, after Ctrl-C): no callback now

    def wait(self, timeout: float) -> Callback | None:
        """The callback, or ``None`` if none came within ``timeout`` seconds."""
        return self._result if self._done.wait(timeout) else None

    def _accept(self, query: str) -> tuple[HTTPStatus, str]:
        with self._accepting:
            return self._accept_first(query)

    def _accept_first(self, query: str) -> tuple[HTTPStatus, str]:
        if self._done.is_set():
            return HTTPStatus.GONE, "This sign-in was already completed. Return to the terminal."
        params = {k: v[0] for k, v in parse_qs(query).items()}
        self._result = Callback(
            code=params.get("code"),
            state=params.get("state"),
            accounts_server=params.get("accounts-server"),
            location=params.get("location"),
            error=params.get("error"),
        )
        self._done.set()
        if not _same(self._result.state, self._expected_state):
            return (
                HTTPStatus.BAD_REQUEST,
                "Refused: this answer does not match the sign-in started.",
            )
        if self._result.error or not self._result.code:
            return HTTPStatus.OK, "Zoho did not grant access. Return to the terminal."
        return HTTPStatus.OK, "zoho-tools received Zoho's answer. You can close this window."

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        listener = self

        class Handler(BaseHTTPRequestHandler):
            timeout = CALLBACK_IDLE_TIMEOUT  # socket timeout: a silent connection is dropped

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path != CALLBACK_PATH:
                    self._reply(HTTPStatus.NOT_FOUND, "Not found.")
                    return
                self._reply(*listener._accept(url.query))

            def _reply(self, status: HTTPStatus, text: str) -> None:
                page = f"<!doctype html><title>zoho-tools</title><p>{html.escape(text)}</p>"
                body = page.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                # The default logs the request line, which carries the grant code.
                return

        return Handler


async def connect_with_browser(
    oauth: OAuthClient,
    store: TokenStore | AsyncTokenStore,
    *,
    scopes: Iterable[str] = DEFAULT_SCOPES,
    host: str = "127.0.0.1",
    port: int = DEFAULT_CALLBACK_PORT,
    open_browser: Callable[[str], object] | None = webbrowser.open,
    timeout: float = DEFAULT_CONNECT_TIMEOUT,
    echo: Callable[[str], object] = print,
) -> TokenSet:
    """Run the browser flow and store the tokens; returns them.

    ``open_browser`` is called with the authorization URL (``None``: only print it). The code is
    exchanged at the ``accounts-server`` the redirect names, which must be a Zoho accounts server,
    the one the flow started at, or a loopback address (a sandbox).

    Raises:
        ConsentFlowError: no answer within ``timeout``, consent denied, state mismatch, or an
            accounts server that is not trusted.
        OAuthError: the code exchange failed.
    """
    state = secrets.token_urlsafe(24)
    try:
        listener = CallbackListener(state, host=host, port=port)
    except OSError as exc:
        raise ConsentFlowError(
            f"cannot listen on {host}:{port} for Zoho's redirect ({exc.strerror}); "
            "choose another port with --port (and register that redirect URI for the client)"
        ) from None
    with listener:
        url = oauth.authorization_url(scopes, listener.redirect_uri, state)
        echo(f"Open this URL to allow zoho-tools access to Zoho CRM:\n\n  {url}\n")
        echo(f"Waiting for Zoho to redirect to {listener.redirect_uri} ...")
        if open_browser is not None:
            open_browser(url)
        callback = await asyncio.to_thread(listener.wait, timeout)
    if callback is None:
        raise ConsentFlowError(
            f"nobody completed the consent in Zoho within {timeout:.0f} s; run "
            "`zoho-tools connect` again (and open the URL it prints)"
        )
    if not _same(callback.state, state):
        raise ConsentFlowError(
            "refused the redirect: its state does not match the sign-in this command started "
            "(a stale browser tab, or a forged request); run `zoho-tools connect` again"
        )
    if callback.error or not callback.code:
        raise ConsentFlowError(
            f"Zoho did not grant access ({callback.error or 'no code in the redirect'}); run "
            "`zoho-tools connect` again and accept the consent screen"
        )
    server = _trusted_accounts_server(callback.accounts_server, oauth.accounts_server)
    token = await oauth.exchange_code(callback.code, listener.redirect_uri, accounts_server=server)
    await _save(store, token)
    return token


async def connect_self_client(
    oauth: OAuthClient, store: TokenStore | AsyncTokenStore, code: str
) -> TokenSet:
    """Exchange a Self Client grant token (from the Zoho API console) and store the tokens.

    The code is exchanged at ``oauth.accounts_server``: the data centre where the Self Client
    was created.
    """
    token = await oauth.exchange_code(code, None)
    await _save(store, token)
    return token


async def _save(store: TokenStore | AsyncTokenStore, token: TokenSet) -> None:
    shared = as_async(store)
    async with shared.locked():  # after any refresh under way, so that one cannot overwrite this
        await shared.save(token)


async def disconnect(
    store: TokenStore | AsyncTokenStore, http: httpx.AsyncClient
) -> OAuthError | None:
    """Revoke the stored refresh token at Zoho and forget the tokens.

    The tokens are forgotten even if the revocation fails; the failure is returned (not raised)
    so the caller can say so. Returns ``None`` when revoked, or when nothing was stored.
    """
    shared = as_async(store)
    token = await shared.load()
    try:
        if token is not None and token.refresh_token:
            oauth = OAuthClient(
                token.client_id or "",
                token.client_secret or "",
                accounts_server=token.accounts_server,
                http=http,
            )
            await oauth.revoke(token.refresh_token)
    except OAuthError as exc:
        return exc
    finally:
        await shared.clear()
    return None


async def current_user(http: httpx.AsyncClient, token: TokenSet) -> str | None:
    """``"Name <email>"`` of the connected user, or ``None`` if Zoho does not say (best effort:
    only for telling the user who got connected)."""
    try:
        response = await http.get(
            f"{token.api_domain}/crm/v7/users",
            params={"type": "CurrentUser"},
            headers={"Authorization": f"{HEADER_SCHEME} {token.access_token}"},
        )
        user = response.json()["users"][0]
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError):
        return None
    name, email = user.get("full_name"), user.get("email")
    return f"{name} <{email}>" if name and email else name or email


def _trusted_accounts_server(named: str | None, started_at: str) -> str:
    """The accounts server to exchange the code at.

    The client secret goes there, so it must be a Zoho accounts server, the server the flow
    started at, or loopback (a local sandbox). A redirect without one keeps the start server.
    """
    if not named:
        return started_at
    named = named.rstrip("/")
    url = urlsplit(named)
    is_zoho = url.scheme == "https" and region_for_accounts_server(named) is not None
    if is_zoho or _origin(named) == _origin(started_at) or _is_loopback(url.hostname):
        return named
    raise ConsentFlowError(
        f"refused to send the client secret to {named!r}, which the redirect named as accounts "
        "server but is not a Zoho accounts server; run `zoho-tools connect` again"
    )


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port


def _is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _same(given: str | None, expected: str) -> bool:
    # Constant time: the state is a capability and must not leak through timing.
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())
