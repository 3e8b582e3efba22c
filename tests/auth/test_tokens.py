"""TokenSet: reading Zoho's token responses, expiry, serialisation, and never showing a secret."""

from __future__ import annotations

import pytest

from zoho_tools.auth.errors import OAuthError
from zoho_tools.auth.tokens import TokenSet

NOW = 1_700_000_000.0
ACCOUNTS = "https://accounts.zoho.eu"


def response(**extra: object) -> dict[str, object]:
    body: dict[str, object] = {
        "access_token": "1000.access-SECRET",
        "refresh_token": "1000.refresh-SECRET",
        "api_domain": "https://www.zohoapis.eu",
        "token_type": "Bearer",
        "expires_in": 3600,
    }
    body.update(extra)
    return {k: v for k, v in body.items() if v is not None}


def test_expires_in_seconds() -> None:
    token = TokenSet.from_response(response(), accounts_server=ACCOUNTS, now=NOW)
    assert token.expires_at == NOW + 3600
    assert token.access_token == "1000.access-SECRET"
    assert token.refresh_token == "1000.refresh-SECRET"
    assert token.api_domain == "https://www.zohoapis.eu"
    assert token.accounts_server == ACCOUNTS
    assert token.issued_at == NOW


def test_older_milliseconds_form_with_expires_in_sec() -> None:
    body = response(expires_in=3_600_000, expires_in_sec=3600)
    token = TokenSet.from_response(body, accounts_server=ACCOUNTS, now=NOW)
    assert token.expires_at == NOW + 3600


def test_milliseconds_form_with_unusable_expires_in_sec_falls_back_to_ms() -> None:
    body = response(expires_in=1_800_000, expires_in_sec="")
    token = TokenSet.from_response(body, accounts_server=ACCOUNTS, now=NOW)
    assert token.expires_at == NOW + 1800


def test_missing_lifetime_defaults_to_zohos_hour() -> None:
    token = TokenSet.from_response(response(expires_in=None), accounts_server=ACCOUNTS, now=NOW)
    assert token.expires_at == NOW + 3600


def test_refresh_response_keeps_the_previous_refresh_token_client_and_scopes() -> None:
    first = TokenSet.from_response(
        response(scope="ZohoCRM.modules.ALL ZohoCRM.users.READ"), accounts_server=ACCOUNTS, now=NOW
    ).replace(client_id="1000.CLIENT", client_secret="client-SECRET")
    body = response(access_token="1000.second-SECRET", refresh_token=None, expires_in=1800)
    second = TokenSet.from_response(body, accounts_server=ACCOUNTS, now=NOW + 10, previous=first)
    assert second.access_token == "1000.second-SECRET"
    assert second.refresh_token == "1000.refresh-SECRET"
    assert second.scopes == ("ZohoCRM.modules.ALL", "ZohoCRM.users.READ")
    assert (second.client_id, second.client_secret) == ("1000.CLIENT", "client-SECRET")
    assert second.expires_at == NOW + 10 + 1800


def test_api_domain_falls_back_to_the_data_centre_of_the_accounts_server() -> None:
    token = TokenSet.from_response(response(api_domain=None), accounts_server=ACCOUNTS, now=NOW)
    assert token.api_domain == "https://www.zohoapis.eu"
    with pytest.raises(OAuthError, match="api_domain"):
        TokenSet.from_response(response(api_domain=None), accounts_server="http://x.test", now=NOW)


def test_a_body_without_access_token_is_an_error() -> None:
    with pytest.raises(OAuthError, match="without an access token"):
        TokenSet.from_response({"error": "invalid_code"}, accounts_server=ACCOUNTS, now=NOW)


def test_expires_within() -> None:
    token = TokenSet.from_response(response(), accounts_server=ACCOUNTS, now=NOW)
    assert not token.expires_within(300, NOW)
    assert not token.expires_within(300, NOW + 3299)
    assert token.expires_within(300, NOW + 3300)
    assert token.expires_within(0, NOW + 4000)


def test_json_round_trip_keeps_everything() -> None:
    token = TokenSet.from_response(
        response(scope="A.b C.d"), accounts_server=ACCOUNTS, now=NOW
    ).replace(client_id="1000.CLIENT", client_secret="client-SECRET")
    assert TokenSet.from_json(token.to_json()) == token
    assert TokenSet.from_dict({**token.to_dict(), "from_a_newer_version": 1}) == token
    with pytest.raises(ValueError, match="missing accounts_server, api_domain, expires_at"):
        TokenSet.from_dict({"access_token": "x"})
    with pytest.raises(ValueError, match=r"^expires_at is not a number$"):
        TokenSet.from_dict({**token.to_dict(), "expires_at": "1000.SECRET"})


def test_repr_and_str_show_no_secret() -> None:
    token = TokenSet.from_response(response(), accounts_server=ACCOUNTS, now=NOW).replace(
        client_id="1000.CLIENT", client_secret="client-SECRET"
    )
    for text in (repr(token), str(token), f"{token}", repr([token])):
        assert "SECRET" not in text
        assert "1000.CLIENT" in text  # a client id is not a secret, and helps diagnose
        assert "https://www.zohoapis.eu" in text
