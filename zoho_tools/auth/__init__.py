"""Zoho OAuth: data centres, tokens and where they are kept, the OAuth client, and ``ZohoAuth``,
an ``httpx.Auth`` that keeps every request supplied with a live access token.

Typical use against a connected account::

    async with httpx.AsyncClient() as http:
        oauth = OAuthClient(client_id, client_secret, accounts_server=region("eu").accounts_url,
                            http=http)
        auth = ZohoAuth(FileTokenStore(path), oauth)
        async with httpx.AsyncClient(auth=auth) as client:
            await client.get(f"{auth.api_domain}/crm/v7/Leads", params={"fields": "Last_Name"})

This package knows nothing of settings or of the sandbox: :mod:`zoho_tools.connection` wires
them to it (``org_auth``, ``sandbox_auth``).

The names below are imported on first use, so ``zoho_tools.auth.regions`` (needed by the
command line's help) does not pull in httpx.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "AccountsUnavailable": "errors",
    "InvalidClient": "errors",
    "InvalidGrant": "errors",
    "NotConnected": "errors",
    "OAuthError": "errors",
    "RefreshThrottled": "errors",
    "OAuthClient": "oauth",
    "REGIONS": "regions",
    "Region": "regions",
    "region": "regions",
    "region_for_accounts_server": "regions",
    "AsyncTokenStore": "store",
    "FileTokenStore": "store",
    "MemoryTokenStore": "store",
    "RedisTokenStore": "redis_store",
    "TokenCipher": "redis_store",
    "TokenStore": "store",
    "TokenStoreError": "store",
    "TokenSet": "tokens",
    "StaticTokenAuth": "zoho_auth",
    "ZohoAuth": "zoho_auth",
}

__all__ = [
    "REGIONS",
    "AccountsUnavailable",
    "AsyncTokenStore",
    "FileTokenStore",
    "InvalidClient",
    "InvalidGrant",
    "MemoryTokenStore",
    "NotConnected",
    "OAuthClient",
    "OAuthError",
    "RedisTokenStore",
    "RefreshThrottled",
    "Region",
    "StaticTokenAuth",
    "TokenCipher",
    "TokenSet",
    "TokenStore",
    "TokenStoreError",
    "ZohoAuth",
    "region",
    "region_for_accounts_server",
]

if TYPE_CHECKING:
    from zoho_tools.auth.errors import (
        AccountsUnavailable,
        InvalidClient,
        InvalidGrant,
        NotConnected,
        OAuthError,
        RefreshThrottled,
    )
    from zoho_tools.auth.oauth import OAuthClient
    from zoho_tools.auth.redis_store import RedisTokenStore, TokenCipher
    from zoho_tools.auth.regions import REGIONS, Region, region, region_for_accounts_server
    from zoho_tools.auth.store import (
        AsyncTokenStore,
        FileTokenStore,
        MemoryTokenStore,
        TokenStore,
        TokenStoreError,
    )
    from zoho_tools.auth.tokens import TokenSet
    from zoho_tools.auth.zoho_auth import StaticTokenAuth, ZohoAuth


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
