"""Zoho data centres."""

from __future__ import annotations

import pytest

from zoho_tools.auth.regions import REGIONS, region, region_for_accounts_server

# The table of the reference (zoho-crm-api.md 1.1), written out again on purpose: a typo in the
# module must not be copied into its test.
EXPECTED = {
    "US": ("https://accounts.zoho.com", "https://www.zohoapis.com"),
    "EU": ("https://accounts.zoho.eu", "https://www.zohoapis.eu"),
    "IN": ("https://accounts.zoho.in", "https://www.zohoapis.in"),
    "AU": ("https://accounts.zoho.com.au", "https://www.zohoapis.com.au"),
    "JP": ("https://accounts.zoho.jp", "https://www.zohoapis.jp"),
    "CA": ("https://accounts.zohocloud.ca", "https://www.zohoapis.ca"),
    "CN": ("https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn"),
    "SA": ("https://accounts.zoho.sa", "https://www.zohoapis.sa"),
}


def test_every_documented_data_centre_is_known() -> None:
    assert set(REGIONS) == set(EXPECTED)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_region_urls(code: str) -> None:
    accounts, api = EXPECTED[code]
    dc = region(code.lower())
    assert (dc.code, dc.accounts_url, dc.api_domain) == (code, accounts, api)
    assert region_for_accounts_server(accounts) == dc
    assert region_for_accounts_server(accounts.upper() + "/") == dc


def test_unknown_region_lists_the_valid_codes() -> None:
    with pytest.raises(ValueError, match="unknown Zoho data centre 'mars'") as info:
        region("mars")
    for code in EXPECTED:
        assert code in str(info.value)


def test_region_for_accounts_server_ignores_path_and_rejects_lookalikes() -> None:
    assert region_for_accounts_server("https://accounts.zoho.eu/oauth/v2/token") == REGIONS["EU"]
    assert region_for_accounts_server("accounts.zoho.in") == REGIONS["IN"]
    # accounts.zoho.com is a suffix of accounts.zoho.com.au: matching must be on the whole host.
    assert region_for_accounts_server("https://accounts.zoho.com.au") == REGIONS["AU"]
    assert region_for_accounts_server("https://accounts.zoho.com.evil.example") is None
    assert region_for_accounts_server("http://127.0.0.1:8000") is None


def test_region_is_immutable() -> None:
    with pytest.raises(AttributeError):
        REGIONS["US"].api_domain = "https://evil.example"  # type: ignore[misc]
