"""The tokens Zoho hands out, as one immutable value that never shows its secrets."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zoho_tools.auth.errors import OAuthError
from zoho_tools.auth.regions import region_for_accounts_server
from zoho_tools.errors import AuthError

#: Zoho's documented access-token lifetime, used when a response does not say.
DEFAULT_TTL = 3600.0

_REDACTED = "<redacted>"
_REQUIRED = frozenset({"access_token", "expires_at", "api_domain", "accounts_server"})


class InvalidTokenData(AuthError, ValueError):
    """Stored token data that is not a token set; the message names the field, not its value."""


@dataclass(frozen=True, slots=True)
class TokenSet:
    """An access token and what goes with it.

    Attributes:
        access_token: sent as ``Authorization: Zoho-oauthtoken <access_token>``.
        refresh_token: mints new access tokens; ``None`` for an online-only grant.
        expires_at: when the access token expires, in epoch seconds.
        api_domain: the CRM API base for this account (``https://www.zohoapis.eu``).
        accounts_server: the accounts server that issued the tokens, and must refresh them.
        scopes: the granted scopes, when Zoho said which.
        token_type: Zoho says ``Bearer``, but the header scheme is ``Zoho-oauthtoken`` regardless.
        issued_at: when the access token was obtained (epoch seconds), if known.
        client_id: the OAuth client the refresh token belongs to (Zoho binds them), if known.
        client_secret: that client's secret, kept with the tokens (as Zoho's own SDK stores do)
            so a store written by ``zoho-tools connect`` is enough to refresh later.

    ``repr``/``str`` show neither token nor the client secret.
    """

    access_token: str
    refresh_token: str | None
    expires_at: float
    api_domain: str
    accounts_server: str
    scopes: tuple[str, ...] = ()
    token_type: str = "Bearer"
    issued_at: float | None = None
    client_id: str | None = None
    client_secret: str | None = None

    def __repr__(self) -> str:
        shown = {
            "access_token": _REDACTED,
            "refresh_token": _REDACTED if self.refresh_token else None,
            "expires_at": self.expires_at,
            "api_domain": self.api_domain,
            "accounts_server": self.accounts_server,
            "scopes": self.scopes,
            "client_id": self.client_id,
            "client_secret": _REDACTED if self.client_secret else None,
        }
        return "TokenSet(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"

    __str__ = __repr__

    @classmethod
    def from_response(
        cls,
        body: Mapping[str, Any],
        *,
        accounts_server: str,
        now: float,
        previous: TokenSet | None = None,
    ) -> TokenSet:
        """Build a token set from a successful Zoho token response.

        ``expires_in`` is in seconds, except in Zoho's older form where ``expires_in`` is in
        milliseconds and ``expires_in_sec`` gives the seconds. A refresh response carries no
        refresh token: ``previous`` (the set that was refreshed) supplies it, and the client,
        and the api_domain and scopes when the response leaves them out.

        Raises:
            OAuthError: the body has no access token, or no API domain can be found.
        """
        access_token = body.get("access_token")
        if not isinstance(access_token, str) or not access_token:
            raise OAuthError(
                f"{accounts_server} answered without an access token (keys: {sorted(body)})"
            )
        return cls(
            access_token=access_token,
            refresh_token=body.get("refresh_token")
            or (previous.refresh_token if previous else None),
            expires_at=now + _lifetime(body),
            api_domain=_api_domain(body, accounts_server, previous),
            accounts_server=accounts_server.rstrip("/"),
            scopes=_scopes(body.get("scope")) or (previous.scopes if previous else ()),
            token_type=body.get("token_type") or "Bearer",
            issued_at=now,
            client_id=previous.client_id if previous else None,
            client_secret=previous.client_secret if previous else None,
        )

    def expires_within(self, seconds: float, now: float) -> bool:
        """Whether the access token expires in ``seconds`` or less from ``now`` (or has expired)."""
        return self.expires_at - now <= seconds

    def replace(self, **changes: Any) -> TokenSet:
        """A copy with ``changes`` applied (e.g. ``client_id=...``)."""
        return dataclasses.replace(self, **changes)

    # Serialisation for token stores. The file is owner-only; these dicts hold secrets.

    def to_dict(self) -> dict[str, Any]:
        """All fields as JSON-ready values, secrets included: for token stores only."""
        data = dataclasses.asdict(self)
        data["scopes"] = list(self.scopes)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TokenSet:
        """The inverse of :meth:`to_dict`; unknown keys (from a newer version) are ignored.

        Raises:
            InvalidTokenData: a required field is missing, or a field has the wrong type (the
                message names the field, never its value).
        """
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values["scopes"] = tuple(values.get("scopes") or ())
        for name, value in values.items():
            if value is None and name not in _REQUIRED:
                continue
            number = name in ("expires_at", "issued_at")
            valid = (
                isinstance(value, int | float) and not isinstance(value, bool)
                if number
                else isinstance(value, str | tuple)
            )
            if not valid:
                raise InvalidTokenData(f"{name} is not a {'number' if number else 'string'}")
        try:
            return cls(**values)
        except TypeError:  # a missing required field
            missing = sorted(_REQUIRED - values.keys())
            raise InvalidTokenData(f"missing {', '.join(missing) or 'fields'}") from None

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> TokenSet:
        return cls.from_dict(json.loads(text))


def _lifetime(body: Mapping[str, Any]) -> float:
    # Older Zoho responses: expires_in in milliseconds plus expires_in_sec; Zoho's SDK reads the
    # pair the same way. Prefer the explicit seconds, fall back to milliseconds / 1000.
    if "expires_in_sec" in body:
        seconds = _number(body.get("expires_in_sec"))
        if seconds is None:
            ms = _number(body.get("expires_in"))
            seconds = ms / 1000 if ms is not None else None
    else:
        seconds = _number(body.get("expires_in"))
    return seconds if seconds is not None and seconds > 0 else DEFAULT_TTL


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _scopes(value: Any) -> tuple[str, ...]:
    # Zoho returns scopes space-separated; requests use commas. Accept both, and a list.
    if isinstance(value, str):
        return tuple(s for s in value.replace(",", " ").split() if s)
    if isinstance(value, list | tuple):
        return tuple(str(s) for s in value)
    return ()


def _api_domain(body: Mapping[str, Any], accounts_server: str, previous: TokenSet | None) -> str:
    domain = body.get("api_domain")
    if isinstance(domain, str) and domain:
        return domain.rstrip("/")
    if previous is not None:
        return previous.api_domain
    dc = region_for_accounts_server(accounts_server)
    if dc is not None:
        return dc.api_domain
    raise OAuthError(
        f"{accounts_server} gave no api_domain and is not a known Zoho accounts server, "
        "so the CRM API address is unknown; set ZOHO_TOOLS_API_BASE"
    )
