"""Errors of the OAuth layer.

Every message says what went wrong and what to do about it, and never carries a secret (client
secret, grant code, access or refresh token): messages end up in logs, terminals and, through the
executor, in front of a language model.

::

    OAuthError                 any failure to obtain, refresh or revoke a token
    ├── InvalidClient          Zoho does not know this client id/secret at this accounts server
    ├── InvalidGrant           the grant code or refresh token is used, expired or revoked
    ├── RefreshThrottled       too many token requests: Zoho (or our own guard) says wait
    ├── AccountsUnavailable    the accounts server did not answer, or failed (5xx): try again
    ├── NotConnected           no tokens stored: run ``zoho-tools connect``
    └── ConsentFlowError       the browser consent flow did not complete (auth/connect.py)

``OAuthError`` belongs to the auth family of :class:`~zoho_tools.errors.ZohoToolsError`.
"""

from __future__ import annotations

from zoho_tools.errors import AuthError

RECONNECT = "reconnect with `zoho-tools connect`"


class OAuthError(AuthError):
    """A token could not be obtained, refreshed or revoked.

    Attributes:
        error: Zoho's ``error`` code when Zoho gave one (e.g. ``"invalid_client"``), else ``None``.
    """

    def __init__(self, message: str, *, error: str | None = None) -> None:
        super().__init__(message)
        self.error = error


class InvalidClient(OAuthError):
    """Zoho rejected the client id or secret: a wrong client, or the right client at the wrong
    data centre (a client registered at accounts.zoho.eu is unknown to accounts.zoho.com)."""


class InvalidGrant(OAuthError):
    """A grant code that was already used or has expired, or a revoked refresh token."""


class RefreshThrottled(OAuthError):
    """Too many token requests. Zoho allows about 10 access tokens per refresh token in 10 minutes.

    Attributes:
        retry_after: seconds to wait before trying again, when known.
    """

    def __init__(
        self, message: str, *, error: str | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, error=error)
        self.retry_after = retry_after


class AccountsUnavailable(OAuthError):
    """The accounts server could not be reached, or answered with a server error. Nothing was
    decided about the token: trying again later is right, reconnecting is not."""


class NotConnected(OAuthError):
    """No tokens are stored, so there is nothing to call Zoho with."""

    def __init__(self, where: str = "") -> None:
        place = f" in {where}" if where else ""
        super().__init__(
            f"not connected to Zoho CRM: no tokens stored{place}; run `zoho-tools connect` first"
        )
