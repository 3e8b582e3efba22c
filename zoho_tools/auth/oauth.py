"""Zoho Accounts OAuth 2.0: authorization URL, code exchange, refresh and revoke.

Zoho answers token errors with HTTP 200 and an ``error`` field (and its throttle with HTTP 400),
so a response is judged by its body, never by its status.

Secrets (client secret, code, tokens) travel in the form-encoded request body, never in the URL:
httpx logs every request URL at INFO level, and a URL is what ends up in proxies' logs too.

The request building and response reading are plain functions of this class (``*_request`` and
``read_*``) with the I/O kept apart, so :class:`~zoho_tools.auth.zoho_auth.ZohoAuth`'s synchronous
flow sends the very same refresh request through an ``httpx.Client`` without an async client.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

import httpx

from zoho_tools.auth.errors import (
    RECONNECT,
    AccountsUnavailable,
    InvalidClient,
    InvalidGrant,
    OAuthError,
    RefreshThrottled,
)
from zoho_tools.auth.tokens import TokenSet

log = logging.getLogger("zoho_tools.auth")

#: Zoho's refresh throttle: about 10 access tokens per refresh token in 10 minutes.
ZOHO_REFRESH_LIMIT = 10
ZOHO_REFRESH_WINDOW = 600.0

Grant = Literal["authorization_code", "refresh_token"]


class OAuthClient:
    """Talks to a Zoho accounts server for one OAuth client.

    Args:
        client_id, client_secret: the OAuth client from the Zoho API console.
        accounts_server: where to start (``https://accounts.zoho.com`` or a region's server);
            a code is exchanged at the server the redirect names, a token refreshed at the server
            that issued it.
        http: the async client used for token requests (inject a transport for tests).
        clock: epoch seconds; injectable so tests need not wait.
        timeout: per token request, in seconds.
        max_refreshes, refresh_window: the client-side throttle. This client never asks for more
            than ``max_refreshes`` new access tokens per ``refresh_window`` seconds, failing with
            :class:`RefreshThrottled` instead, so a bug or a failing org cannot hammer Zoho.
        throttle_cooldown: after Zoho itself throttles, refuse further refreshes locally for this
            many seconds (Zoho keeps refusing for a while anyway).
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        accounts_server: str,
        http: httpx.AsyncClient,
        clock: Callable[[], float] = time.time,
        timeout: float = 10.0,
        max_refreshes: int = ZOHO_REFRESH_LIMIT,
        refresh_window: float = ZOHO_REFRESH_WINDOW,
        throttle_cooldown: float = 60.0,
    ) -> None:
        self.client_id = client_id
        self._client_secret = client_secret
        self.accounts_server = accounts_server.rstrip("/")
        self._http = http
        self._clock = clock
        self._timeout = httpx.Timeout(timeout).as_dict()
        self._throttle = _RefreshThrottle(max_refreshes, refresh_window, throttle_cooldown, clock)

    def __repr__(self) -> str:
        return (
            f"OAuthClient(client_id={self.client_id!r}, accounts_server={self.accounts_server!r})"
        )

    # -- the browser step ------------------------------------------------------------------

    def authorization_url(
        self,
        scopes: Iterable[str],
        redirect_uri: str,
        state: str,
        *,
        accounts_server: str | None = None,
    ) -> str:
        """The URL to send the user to: Zoho asks for consent, then redirects to
        ``redirect_uri`` with ``code``, ``state`` and ``accounts-server``.

        ``access_type=offline`` asks for a refresh token; ``prompt=consent`` makes Zoho show the
        consent screen and issue a refresh token even if the user consented before.
        """
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "scope": ",".join(scopes),
            "redirect_uri": redirect_uri,
            "access_type": "offline",
            "prompt": "consent",
            "state": state,
        }
        server = (accounts_server or self.accounts_server).rstrip("/")
        return str(httpx.URL(f"{server}/oauth/v2/auth", params=params))

    # -- async I/O -----------------------------------------------------------------------------

    async def exchange_code(
        self, code: str, redirect_uri: str | None, *, accounts_server: str | None = None
    ) -> TokenSet:
        """Exchange a grant code for tokens at ``accounts_server`` (the redirect's
        ``accounts-server``; default: this client's). ``redirect_uri`` is ``None`` for a Self
        Client grant token. The tokens carry this client's id and secret, for storing.

        Raises:
            InvalidGrant: the code was used or has expired.
            InvalidClient: wrong client, or a client from another data centre.
            OAuthError: anything else.
        """
        server = (accounts_server or self.accounts_server).rstrip("/")
        request = self.code_request(code, redirect_uri, accounts_server=server)
        response = await self._send(request, server)
        token = self.read_token_response(
            response, grant="authorization_code", accounts_server=server
        )
        log.info("obtained Zoho tokens from %s for API %s", server, token.api_domain)
        return token.replace(client_id=self.client_id, client_secret=self._client_secret)

    async def refresh(self, token: TokenSet) -> TokenSet:
        """A new access token for ``token``, from the accounts server that issued it.

        Raises:
            RefreshThrottled: over Zoho's throttle (Zoho said so, or this client's own guard).
            InvalidGrant: the refresh token was revoked; the message says to reconnect.
            InvalidClient: the client id or secret is wrong for that accounts server.
            OAuthError: no refresh token, or any other failure.
        """
        request = self.refresh_request(token)
        response = await self._send(request, token.accounts_server)
        return self.read_refresh_response(response, token)

    async def revoke(self, refresh_token: str, *, accounts_server: str | None = None) -> None:
        """Revoke ``refresh_token`` (and with it every access token it minted).

        Raises:
            OAuthError: Zoho did not confirm the revocation.
        """
        server = (accounts_server or self.accounts_server).rstrip("/")
        request = self._post(server, "/oauth/v2/token/revoke", {"token": refresh_token})
        response = await self._send(request, server)
        body = _json_body(response)
        if response.is_success and not (isinstance(body, dict) and "error" in body):
            log.info("revoked the Zoho refresh token at %s", server)
            return
        raise OAuthError(
            f"{server} did not revoke the token (HTTP {response.status_code}"
            f"{_describe(body, refresh_token, self._client_secret)})",
            error=_error_code(body),
        )

    async def _send(self, request: httpx.Request, server: str) -> httpx.Response:
        try:
            response = await self._http.send(request)
            await response.aread()
        except httpx.TransportError as exc:
            raise AccountsUnavailable(
                f"could not reach the Zoho accounts server {server} ({type(exc).__name__}); "
                "check the network and try again"
            ) from exc
        return response

    # -- requests and responses, without I/O (shared with the sync flow) -----------------

    def code_request(
        self, code: str, redirect_uri: str | None, *, accounts_server: str | None = None
    ) -> httpx.Request:
        """The token request exchanging a grant code."""
        fields = {
            "grant_type": "authorization_code",
            "client_id": self.client_id,
            "client_secret": self._client_secret,
            "code": code,
        }
        if redirect_uri is not None:
            fields["redirect_uri"] = redirect_uri
        return self._post(accounts_server or self.accounts_server, "/oauth/v2/token", fields)

    def refresh_request(self, token: TokenSet) -> httpx.Request:
        """The token request refreshing ``token``, counted against the client-side throttle.

        The refresh token belongs to the client that obtained it, so ``token``'s own client id
        and secret are used when it carries them.

        Raises:
            RefreshThrottled: this client already asked for as many tokens as Zoho allows.
            OAuthError: ``token`` has no refresh token.
        """
        if not token.refresh_token:
            raise OAuthError(
                f"the access token has expired and there is no refresh token; {RECONNECT}"
            )
        client_id, secret = self._credentials_for(token)
        self._throttle.acquire()
        log.debug("refreshing the Zoho access token at %s", token.accounts_server)
        fields = {
            "grant_type": "refresh_token",
            "client_id": client_id,
            "client_secret": secret,
            "refresh_token": token.refresh_token,
        }
        return self._post(token.accounts_server, "/oauth/v2/token", fields)

    def read_refresh_response(self, response: httpx.Response, token: TokenSet) -> TokenSet:
        """The refreshed token set from a (read) refresh response; see :meth:`refresh`."""
        try:
            fresh = self.read_token_response(
                response,
                grant="refresh_token",
                accounts_server=token.accounts_server,
                previous=token,
            )
        except RefreshThrottled:
            self._throttle.cool_down()
            raise
        log.info(
            "refreshed the Zoho access token (expires in %.0f s)", fresh.expires_at - self._clock()
        )
        return fresh

    def read_token_response(
        self,
        response: httpx.Response,
        *,
        grant: Grant,
        accounts_server: str,
        previous: TokenSet | None = None,
    ) -> TokenSet:
        """Read a (read) token-endpoint response: a :class:`TokenSet`, or the matching error.

        Judged by the body: Zoho reports ``{"error": ...}`` with HTTP 200.
        """
        body = _json_body(response)
        if response.status_code >= 500:
            # A failing accounts server, whatever its body says: retry, never "reconnect".
            raise AccountsUnavailable(
                f"{accounts_server} failed the token request (HTTP {response.status_code}); "
                "try again shortly"
            )
        if not isinstance(body, dict):
            raise OAuthError(
                f"{accounts_server} answered the token request with HTTP {response.status_code} "
                "and no JSON object; check the accounts server URL"
            )
        if "error" in body or "access_token" not in body:
            secrets = (self._client_secret, *_secrets_of(previous))
            raise _token_error(body, grant, accounts_server, response.status_code, secrets)
        return TokenSet.from_response(
            body, accounts_server=accounts_server, now=self._clock(), previous=previous
        )

    def _credentials_for(self, token: TokenSet) -> tuple[str, str]:
        if token.client_id and token.client_secret:
            return token.client_id, token.client_secret
        if self.client_id and self._client_secret:
            return self.client_id, self._client_secret
        raise OAuthError(
            "no OAuth client id and secret to refresh the token with: set ZOHO_TOOLS_CLIENT_ID "
            f"and ZOHO_TOOLS_CLIENT_SECRET, or {RECONNECT}"
        )

    def _post(self, server: str, path: str, fields: Mapping[str, str]) -> httpx.Request:
        return httpx.Request(
            "POST",
            f"{server.rstrip('/')}{path}",
            data=dict(fields),
            headers={"Accept": "application/json"},
            extensions={"timeout": self._timeout},
        )


def _token_error(
    body: dict[str, Any],
    grant: Grant,
    server: str,
    status: int,
    secrets: Iterable[str | None],
) -> OAuthError:
    """The exception for an error body of the token endpoint."""
    code = _error_code(body) or ""
    words = f"{code} {body.get('error_description', '')}".lower()
    if code in {"invalid_client", "invalid_client_secret", "unauthorized_client"}:
        return InvalidClient(
            f"Zoho ({server}) rejected the OAuth client ({code}): check the client id and secret, "
            "and that this is the data centre where the client was registered (a client from "
            "accounts.zoho.eu is unknown to accounts.zoho.com; choose it with --region)",
            error=code,
        )
    if code in {"invalid_code", "invalid_grant", "invalid_token"}:
        if grant == "refresh_token":
            message = (
                f"Zoho ({server}) refused the refresh token ({code}): it was revoked or is no "
                f"longer valid; {RECONNECT}"
            )
        else:
            message = (
                f"Zoho ({server}) refused the authorization code ({code}): it was already used or "
                "has expired (codes are valid for 2-3 minutes); run `zoho-tools connect` again, "
                "or generate a new grant token for a Self Client"
            )
        return InvalidGrant(message, error=code)
    if "access denied" in words or "too many" in words or status == 429:
        return RefreshThrottled(
            f"Zoho ({server}) refused to issue another access token: too many token requests. "
            "Zoho allows about 10 access tokens per refresh token in 10 minutes; wait a few "
            "minutes (sometimes up to 15-30) before trying again, and do not retry in a loop",
            error=code or None,
        )
    return OAuthError(
        f"Zoho ({server}) refused the token request (HTTP {status}{_describe(body, *secrets)})",
        error=code or None,
    )


def _describe(body: Any, *secrets: str | None) -> str:
    """``": error: description"`` from an error body, with any secret blanked out."""
    if not isinstance(body, dict):
        return ""
    text = ": ".join(str(body[k]) for k in ("error", "error_description", "message") if body.get(k))
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<redacted>")
    return f": {text[:200]}" if text else ""


def _secrets_of(token: TokenSet | None) -> tuple[str | None, ...]:
    return (token.refresh_token, token.client_secret, token.access_token) if token else ()


def _error_code(body: Any) -> str | None:
    return str(body["error"]) if isinstance(body, dict) and body.get("error") else None


def _json_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


class _RefreshThrottle:
    """A sliding window of refresh attempts, plus a cool-down after Zoho's own throttle."""

    def __init__(
        self, limit: int, window: float, cooldown: float, clock: Callable[[], float]
    ) -> None:
        self._limit = limit
        self._window = window
        self._cooldown = cooldown
        self._clock = clock
        self._attempts: deque[float] = deque()
        self._blocked_until = float("-inf")
        # Sync flows in several threads share one OAuthClient.
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Count one refresh attempt now, or raise :class:`RefreshThrottled` if over the limit."""
        with self._lock:
            now = self._clock()
            while self._attempts and self._attempts[0] <= now - self._window:
                self._attempts.popleft()
            if now < self._blocked_until:
                wait = self._blocked_until - now
                reason = "Zoho refused the last token request as too many"
            elif len(self._attempts) >= self._limit:
                wait = self._attempts[0] + self._window - now
                reason = (
                    f"{len(self._attempts)} were requested in the last {self._window:.0f} s, and "
                    "Zoho allows about 10 access tokens per refresh token in 10 minutes"
                )
            else:
                self._attempts.append(now)
                return
        raise RefreshThrottled(
            f"not asking Zoho for another access token: {reason}; wait about {wait:.0f} s and "
            "try again",
            retry_after=wait,
        )

    def cool_down(self) -> None:
        with self._lock:
            self._blocked_until = self._clock() + self._cooldown
