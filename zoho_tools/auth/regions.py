"""Zoho data centres: where a Zoho account lives decides both the accounts server (OAuth) and the
API domain (CRM calls).

A data centre picks the default accounts server for ``zoho-tools connect``. After that, the truth
comes from Zoho: the API base is the ``api_domain`` of the token response and the accounts server
is the ``accounts-server`` that the OAuth redirect names, so a user who starts at the US accounts
server but lives in the EU still ends up talking to the EU.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class Region:
    """One Zoho data centre: its short code, OAuth accounts server and CRM API domain."""

    code: str
    accounts_url: str
    api_domain: str


#: Every data centre Zoho documents for CRM, keyed by code. US is the default.
REGIONS: dict[str, Region] = {
    r.code: r
    for r in (
        Region("US", "https://accounts.zoho.com", "https://www.zohoapis.com"),
        Region("EU", "https://accounts.zoho.eu", "https://www.zohoapis.eu"),
        Region("IN", "https://accounts.zoho.in", "https://www.zohoapis.in"),
        Region("AU", "https://accounts.zoho.com.au", "https://www.zohoapis.com.au"),
        Region("JP", "https://accounts.zoho.jp", "https://www.zohoapis.jp"),
        Region("CA", "https://accounts.zohocloud.ca", "https://www.zohoapis.ca"),
        Region("CN", "https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn"),
        Region("SA", "https://accounts.zoho.sa", "https://www.zohoapis.sa"),
    )
}

DEFAULT_REGION = "US"


def region(code: str) -> Region:
    """The data centre called ``code`` (any case, e.g. ``"eu"``).

    Raises:
        ValueError: ``code`` is not a Zoho data centre; the message lists the valid codes.
    """
    try:
        return REGIONS[code.strip().upper()]
    except KeyError:
        valid = ", ".join(REGIONS)
        raise ValueError(f"unknown Zoho data centre {code!r}: use one of {valid}") from None


def region_for_accounts_server(url: str) -> Region | None:
    """The data centre whose accounts server is ``url``, or ``None`` for any other server
    (a sandbox, a proxy). Scheme, case, a trailing slash and a path are ignored."""
    host = _host(url)
    return next((r for r in REGIONS.values() if _host(r.accounts_url) == host), None)


def _host(url: str) -> str:
    # Accept a bare host too ("accounts.zoho.eu"), which urlsplit would read as a path.
    parts = urlsplit(url if "//" in url else f"//{url}")
    return (parts.hostname or "").lower()
