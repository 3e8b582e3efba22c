"""The sandbox's Zoho Accounts: ``/oauth/v2/auth``, ``/oauth/v2/token`` and revoke.

Behaviour (reference, section 1):

- ``GET /oauth/v2/auth`` checks ``client_id`` and ``redirect_uri`` (errors: HTTP 400 JSON
  ``{"error": "invalid_client" | "invalid_redirect_uri"}``, since nothing can be redirected),
  then ``response_type=code`` and ``scope`` (errors: redirect with ``error=`` and the state).
  The sandbox's current user consents at once: 302 to ``redirect_uri?code=…&location=us&
  accounts-server=<sandbox URL>[&state=…]``. Codes are one-time and live 120 s.
- A refresh token is issued only for ``access_type=offline``, and, as Zoho does, only the first
  time a user consents to a client offline, unless ``prompt=consent`` is sent.
- ``POST /oauth/v2/token`` takes its parameters from the query string or a form body
  (urlencoded or multipart). Errors are **HTTP 200** with ``{"error": ...}``: ``invalid_client``
  (unknown client id), ``invalid_client_secret``, ``invalid_code`` (unknown, expired or used
  code; unknown or revoked refresh token), ``invalid_redirect_uri`` (redirect_uri differs from
  the authorization request, [UNVERIFIED]) and ``unsupported_grant_type`` ([UNVERIFIED]).
  Self Client codes (:meth:`OAuthServer.self_client_code`) are exchanged without redirect_uri.
- Refresh throttle: more than ``refresh_limit`` refreshes within ``refresh_window`` seconds for
  one refresh token answers HTTP 400 (third-party report; [UNVERIFIED] by Zoho) with Zoho's
  ``{"error_description": "You have made too many requests continuously. Please try again after
  some time.", "error": "Access Denied", "status": "failure"}``.
- At most ``max_active_tokens`` (15) access tokens live per refresh token; minting one more
  invalidates the oldest (it then answers ``INVALID_TOKEN``).
- ``POST /oauth/v2/token/revoke?token=`` revokes a refresh token and all its access tokens (or a
  single access token): ``{"status": "success"}``; an unknown token is HTTP 400
  ``{"error": "invalid_token"}`` (body [UNVERIFIED]).
- Token responses: ``access_token``, ``refresh_token`` (when issued), ``scope`` (space
  separated), ``api_domain`` (the sandbox's own URL), ``token_type: "Bearer"``, ``expires_in``.
- API calls must send ``Authorization: Zoho-oauthtoken <token>``; anything else (no header,
  another scheme such as ``Bearer``, [UNVERIFIED] by Zoho) is ``AUTHENTICATION_FAILURE``; an
  unknown, expired or revoked token is ``INVALID_TOKEN``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from zoho_tools.sandbox import errors
from zoho_tools.sandbox.data import OrgData
from zoho_tools.sandbox.http_reply import HttpReply, json_reply
from zoho_tools.sandbox.scopes import DEFAULT_SCOPES, Grant, grants_of, parse_scope, split_scopes

DEMO_CLIENT_ID = "1000.ZOHOTOOLSSANDBOXDEMOCLIENT01"
DEMO_CLIENT_SECRET = "5a4d6b0c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c"
DEMO_REDIRECT_URIS = ("http://127.0.0.1:*/", "http://localhost:*/")

CODE_TTL = 120.0
THROTTLED = {
    "error_description": "You have made too many requests continuously. "
    "Please try again after some time.",
    "error": "Access Denied",
    "status": "failure",
}


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """Who an access token speaks for and what it may do."""

    token: str
    user_id: str
    client_id: str
    grants: tuple[Grant, ...]


def new_token() -> str:
    """A token shaped like Zoho's: ``1000.<32 hex>.<32 hex>``."""
    return f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"


def redirect_allowed(registered: Iterable[str], uri: str) -> bool:
    """Whether ``uri`` matches a registered redirect URI.

    A registered URI with ``:*`` as its port (``http://127.0.0.1:*/``) allows any port and any
    path under its path on that exact scheme and host; any other must match exactly.
    """
    try:
        target = urlsplit(uri)
        target_port = target.port
    except ValueError:
        return False
    for pattern in registered:
        if ":*" not in pattern:
            if uri == pattern:
                return True
            continue
        wanted = urlsplit(pattern.replace(":*", "", 1))
        if (
            target.scheme == wanted.scheme
            and target.hostname == wanted.hostname
            and target_port is not None
            and target.username is None
            and target.path.startswith(wanted.path or "/")
        ):
            return True
    return False


class OAuthServer:
    """OAuth clients, grant codes and tokens, persisted in the org's store."""

    def __init__(
        self,
        org: OrgData,
        *,
        token_ttl: float,
        refresh_limit: int,
        refresh_window: float,
        max_active_tokens: int = 15,
    ) -> None:
        self.org = org
        self.token_ttl = token_ttl
        self.refresh_limit = refresh_limit
        self.refresh_window = refresh_window
        self.max_active_tokens = max_active_tokens
        self.clients = org.store.collection("oauth.clients")
        self.codes = org.store.collection("oauth.codes")
        self.refresh_tokens = org.store.collection("oauth.refresh_tokens")
        self.access_tokens = org.store.collection("oauth.access_tokens")

    # --- public API -------------------------------------------------------------------------

    def register_client(
        self, client_id: str, client_secret: str, redirect_uris: Iterable[str]
    ) -> None:
        previous = self.clients.get(client_id) or {}
        self.clients[client_id] = {
            "secret": client_secret,
            "redirect_uris": list(redirect_uris),
            "offline_consents": previous.get("offline_consents", []),
        }

    def issue_token(
        self,
        scopes: Iterable[str] | str | None,
        user_id: str,
        api_domain: str,
        client_id: str = DEMO_CLIENT_ID,
    ) -> dict[str, Any]:
        """Mint a refresh and an access token as if the user had consented offline."""
        scope_list = _scope_tuple(scopes)
        refresh = self._new_refresh_token(client_id, user_id, scope_list)
        access = self._new_access_token(client_id, user_id, scope_list, refresh)
        return self._token_body(access, refresh, scope_list, api_domain)

    def self_client_code(
        self, scopes: Iterable[str] | str | None, user_id: str, client_id: str = DEMO_CLIENT_ID
    ) -> str:
        """A grant code as Zoho's API console makes for a Self Client: no redirect URI, offline."""
        code = new_token()
        self.codes[code] = {
            "client_id": client_id,
            "redirect_uri": None,
            "scopes": list(_scope_tuple(scopes)),
            "user_id": user_id,
            "offline": True,
            "expires_at": self.org.clock() + CODE_TTL,
        }
        return code

    def authenticate(self, header: str | None) -> TokenInfo:
        """The token in an ``Authorization`` header, or the Zoho error for it."""
        scheme, _, token = (header or "").strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "zoho-oauthtoken" or not token:
            raise errors.authentication_failure()
        entry = self.access_tokens.get(token)
        if entry is None or entry["expires_at"] <= self.org.clock():
            raise errors.invalid_token()
        return TokenInfo(
            token, entry["user_id"], entry["client_id"], grants_of(tuple(entry["scopes"]))
        )

    def handle(self, method: str, path: str, params: Mapping[str, str], origin: str) -> HttpReply:
        """Answer a request under ``/oauth/v2``; ``origin`` is the sandbox's URL."""
        routes = {
            "/oauth/v2/auth": ("GET", self._authorize),
            "/oauth/v2/token": ("POST", self._token),
            "/oauth/v2/token/revoke": ("POST", self._revoke),
        }
        route = routes.get(path.rstrip("/"))
        if route is None:
            return HttpReply(404, errors.invalid_url_pattern().body())
        if method != route[0]:
            return HttpReply(405, {"error": "invalid_request_method"})
        return route[1](params, origin)

    # --- endpoints --------------------------------------------------------------------------

    def _authorize(self, params: Mapping[str, str], origin: str) -> HttpReply:
        client = self.clients.get(params.get("client_id", ""))
        if client is None:
            return HttpReply(400, {"error": "invalid_client"})
        redirect_uri = params.get("redirect_uri", "")
        if not redirect_allowed(client["redirect_uris"], redirect_uri):
            return HttpReply(400, {"error": "invalid_redirect_uri"})
        state = {"state": params["state"]} if "state" in params else {}
        if params.get("response_type") != "code":
            return _redirect(redirect_uri, {"error": "unsupported_response_type", **state})
        scopes = split_scopes(params.get("scope", ""))
        if not scopes or any(parse_scope(s) is None for s in scopes):
            return _redirect(redirect_uri, {"error": "invalid_scope", **state})
        code = new_token()
        self.codes[code] = {
            "client_id": params["client_id"],
            "redirect_uri": redirect_uri,
            "scopes": list(scopes),
            "user_id": self.org.current_user_id,
            "offline": self._grant_offline(params, client),
            "expires_at": self.org.clock() + CODE_TTL,
        }
        query = {"code": code, "location": "us", "accounts-server": origin, **state}
        return _redirect(redirect_uri, query)

    def _grant_offline(self, params: Mapping[str, str], client: Mapping[str, Any]) -> bool:
        if params.get("access_type", "online") != "offline":
            return False
        user_id = self.org.current_user_id
        consents = list(client.get("offline_consents", []))
        first_time = user_id not in consents
        if first_time:
            self.clients[params["client_id"]] = {**client, "offline_consents": [*consents, user_id]}
        return first_time or params.get("prompt") == "consent"

    def _token(self, params: Mapping[str, str], origin: str) -> HttpReply:
        client_id = params.get("client_id", "")
        client = self.clients.get(client_id)
        if client is None:
            return _token_error("invalid_client")
        if params.get("client_secret") != client["secret"]:
            return _token_error("invalid_client_secret")
        grant_type = params.get("grant_type")
        if grant_type == "authorization_code":
            return self._exchange_code(client_id, params, origin)
        if grant_type == "refresh_token":
            return self._refresh(client_id, params, origin)
        return _token_error("unsupported_grant_type")

    def _exchange_code(self, client_id: str, params: Mapping[str, str], origin: str) -> HttpReply:
        code_value = params.get("code", "")
        code = self.codes.get(code_value)
        if code is None or code["client_id"] != client_id or code["expires_at"] <= self.org.clock():
            return _token_error("invalid_code")
        if code["redirect_uri"] is not None and params.get("redirect_uri") != code["redirect_uri"]:
            return _token_error("invalid_redirect_uri")  # Self Client codes have no redirect
        del self.codes[code_value]
        scopes = tuple(code["scopes"])
        refresh = None
        if code["offline"]:
            refresh = self._new_refresh_token(client_id, code["user_id"], scopes)
        access = self._new_access_token(client_id, code["user_id"], scopes, refresh)
        return json_reply(200, self._token_body(access, refresh, scopes, origin))

    def _refresh(self, client_id: str, params: Mapping[str, str], origin: str) -> HttpReply:
        token = params.get("refresh_token", "")
        entry = self.refresh_tokens.get(token)
        if entry is None or entry["client_id"] != client_id:
            return _token_error("invalid_code")
        now = self.org.clock()
        recent = [t for t in entry["refreshed_at"] if t > now - self.refresh_window]
        if len(recent) >= self.refresh_limit:
            return HttpReply(400, THROTTLED)
        self.refresh_tokens[token] = {**entry, "refreshed_at": [*recent, now]}
        scopes = tuple(entry["scopes"])
        access = self._new_access_token(client_id, entry["user_id"], scopes, token)
        return json_reply(200, self._token_body(access, None, scopes, origin))

    def _revoke(self, params: Mapping[str, str], origin: str) -> HttpReply:
        token = params.get("token", "")
        if token in self.refresh_tokens:
            del self.refresh_tokens[token]
            for access in [k for k, v in self.access_tokens.items() if v["refresh_token"] == token]:
                del self.access_tokens[access]
        elif token in self.access_tokens:
            del self.access_tokens[token]
        else:
            return HttpReply(400, {"error": "invalid_token"})
        return json_reply(200, {"status": "success"})

    # --- minting ----------------------------------------------------------------------------

    def _new_refresh_token(self, client_id: str, user_id: str, scopes: tuple[str, ...]) -> str:
        token = new_token()
        self.refresh_tokens[token] = {
            "client_id": client_id,
            "user_id": user_id,
            "scopes": list(scopes),
            "refreshed_at": [],
        }
        return token

    def _new_access_token(
        self, client_id: str, user_id: str, scopes: tuple[str, ...], refresh_token: str | None
    ) -> str:
        now = self.org.clock()
        self._prune(now, refresh_token)
        token = new_token()
        self.access_tokens[token] = {
            "client_id": client_id,
            "user_id": user_id,
            "scopes": list(scopes),
            "expires_at": now + self.token_ttl,
            "refresh_token": refresh_token,
        }
        return token

    def _prune(self, now: float, refresh_token: str | None) -> None:
        """Forget expired tokens and keep room for one more under ``refresh_token``."""
        siblings = []
        for key, entry in list(self.access_tokens.items()):
            if entry["expires_at"] <= now:
                del self.access_tokens[key]
            elif refresh_token is not None and entry["refresh_token"] == refresh_token:
                siblings.append(key)
        for key in siblings[: max(0, len(siblings) - self.max_active_tokens + 1)]:
            del self.access_tokens[key]
        for key in [k for k, c in self.codes.items() if c["expires_at"] <= now]:
            del self.codes[key]

    def _token_body(
        self, access: str, refresh: str | None, scopes: tuple[str, ...], api_domain: str
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"access_token": access}
        if refresh is not None:
            body["refresh_token"] = refresh
        body.update(
            scope=" ".join(scopes),
            api_domain=api_domain,
            token_type="Bearer",
            expires_in=int(self.token_ttl),
        )
        return body


def _scope_tuple(scopes: Iterable[str] | str | None) -> tuple[str, ...]:
    if scopes is None:
        return DEFAULT_SCOPES
    if isinstance(scopes, str):
        return split_scopes(scopes)
    return tuple(scopes)


def _token_error(error: str) -> HttpReply:
    return json_reply(200, {"error": error})


def _redirect(uri: str, query: Mapping[str, str]) -> HttpReply:
    separator = "&" if "?" in uri else "?"
    return HttpReply(302, headers={"Location": f"{uri}{separator}{urlencode(query)}"})


def form_params(content_type: str, content: bytes) -> dict[str, str]:
    """Parameters of an urlencoded or multipart form body ({} for anything else)."""
    if not content.strip():
        return {}
    kind = content_type.split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        message = BytesParser(policy=policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + content
        )
        return {
            str(part.get_param("name", header="content-disposition")): str(
                part.get_content()
            ).strip()
            for part in message.iter_parts()
        }
    if kind in ("application/x-www-form-urlencoded", ""):
        try:
            return dict(parse_qsl(content.decode(), keep_blank_values=True))
        except UnicodeDecodeError:
            return {}
    return {}
