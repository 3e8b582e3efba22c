"""``zoho-tools connect``, ``status`` and ``disconnect`` against a served sandbox."""

from __future__ import annotations

import asyncio
import socket
import stat
import time
from pathlib import Path

import httpx
import pytest
import respx
from click.testing import CliRunner, Result

from zoho_tools.auth.errors import InvalidGrant
from zoho_tools.auth.oauth import OAuthClient
from zoho_tools.auth.store import FileTokenStore
from zoho_tools.auth.tokens import TokenSet
from zoho_tools.cli import main
from zoho_tools.sandbox import Sandbox

from .helpers import Browser, Served

ID, SECRET = Sandbox.DEMO_CLIENT_ID, Sandbox.DEMO_CLIENT_SECRET


def invoke(*args: str, browser: Browser | None = None, input: str | None = None) -> Result:
    obj = {"open_browser": browser.open} if browser else None
    return CliRunner().invoke(main, list(args), obj=obj, input=input)


def connect_args(home: Served, *extra: str) -> list[str]:
    return ["connect", "--accounts-url", home.url, "--port", "0", "--timeout", "30", *extra]


def test_connect_status_disconnect(home: Served, tokens: Path) -> None:
    browser = Browser()
    result = invoke(
        *connect_args(home, "--client-id", ID, "--client-secret", SECRET), browser=browser
    )
    browser.join()
    assert result.exit_code == 0, result.output
    assert "Connected to Zoho CRM as Avery Chen <avery.chen@zylker.example>." in result.output
    assert f"API domain:       {home.url}" in result.output
    assert f"Tokens stored in: {tokens}" in result.output
    assert "Data centre:      custom" in result.output
    assert browser.opened[0] in result.output  # the URL is printed too
    assert stat.S_IMODE(tokens.stat().st_mode) == 0o600
    stored = FileTokenStore(tokens).load()
    assert stored is not None and stored.refresh_token
    assert SECRET not in result.output and stored.access_token not in result.output

    result = invoke("status")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Connected to Zoho CRM.")
    for expected in (
        f"Accounts server:  {home.url}",
        "ZohoCRM.modules.ALL, ZohoCRM.settings.ALL",
        "expires in 60 min; refreshed automatically",
        f"Client id:        {ID}",
        str(tokens),
    ):
        assert expected in result.output
    for secret in (SECRET, stored.access_token, stored.refresh_token):
        assert secret not in result.output

    result = invoke("disconnect")
    assert result.exit_code == 0, result.output
    assert "revoked" in result.output
    assert [e.status for e in home.sb.log.matching("POST", "/oauth/v2/token/revoke")] == [200]
    assert not tokens.exists()

    result = invoke("status")
    assert result.exit_code == 1
    assert "Not connected to Zoho CRM. Run `zoho-tools connect`." in result.output

    # Revoked at Zoho: refreshing with the old refresh token now fails.
    async def refresh() -> None:
        async with httpx.AsyncClient() as http:
            oauth = OAuthClient(ID, SECRET, accounts_server=home.url, http=http)
            await oauth.refresh(stored)

    with pytest.raises(InvalidGrant, match="zoho-tools connect"):
        asyncio.run(refresh())


def test_connect_prompts_for_a_missing_secret_without_echoing_it(
    home: Served, tokens: Path
) -> None:
    browser = Browser()
    result = invoke(*connect_args(home, "--client-id", ID), browser=browser, input=f"{SECRET}\n")
    browser.join()
    assert result.exit_code == 0, result.output
    assert "Client secret:" in result.output
    assert SECRET not in result.output


def test_connect_takes_the_client_from_the_environment(
    home: Served, tokens: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZOHO_TOOLS_CLIENT_ID", ID)
    monkeypatch.setenv("ZOHO_TOOLS_CLIENT_SECRET", SECRET)
    browser = Browser()
    result = invoke(*connect_args(home, "--no-browser", "--timeout", "1"), browser=browser)
    assert result.exit_code == 1  # nobody opened the printed URL
    assert browser.opened == []
    assert "Open this URL" in result.output
    assert "nobody completed the consent" in result.output


def test_self_client(home: Served, tokens: Path) -> None:
    code = home.sb.self_client_code()
    result = invoke(
        "connect", "--self-client", "--code", code, "--client-id", ID, "--client-secret", SECRET,
        "--accounts-url", home.url,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Connected to Zoho CRM as Avery Chen" in result.output
    assert FileTokenStore(tokens).load() is not None
    assert code not in result.output

    again = invoke(
        "connect", "--self-client", "--code", code, "--client-id", ID, "--client-secret", SECRET,
        "--accounts-url", home.url,
    )  # fmt: skip
    assert again.exit_code == 1
    assert "Error: " in again.output and "already used or has expired" in again.output


def test_usage_errors(tokens: Path) -> None:
    result = invoke("connect", "--self-client", "--client-id", ID, "--client-secret", SECRET)
    assert result.exit_code == 2 and "--code" in result.output
    result = invoke("connect", "--region", "mars")
    assert result.exit_code == 2
    assert "US, EU, IN, AU, JP, CA, CN, SA" in result.output


def test_wrong_secret_is_explained_and_not_shown(home: Served, tokens: Path) -> None:
    browser = Browser()
    result = invoke(
        *connect_args(home, "--client-id", ID, "--client-secret", "wrong-SECRET-123"),
        browser=browser,
    )
    browser.join()
    assert result.exit_code == 1
    assert "rejected the OAuth client (invalid_client_secret)" in result.output
    assert "wrong-SECRET-123" not in result.output
    assert not tokens.exists()


@respx.mock
def test_status_names_the_data_centre_and_refreshes_an_expired_token(tokens: Path) -> None:
    refreshed = respx.post("https://accounts.zoho.eu/oauth/v2/token").respond(
        json={"access_token": "1000.new-SECRET", "expires_in": 3600, "token_type": "Bearer"}
    )
    FileTokenStore(tokens).save(
        TokenSet(
            access_token="1000.a-SECRET",
            refresh_token="1000.r-SECRET",
            expires_at=time.time() - 300,
            api_domain="https://www.zohoapis.eu",
            accounts_server="https://accounts.zoho.eu",
            scopes=("ZohoCRM.modules.ALL",),
            client_id="1000.CLIENT",
            client_secret="client-SECRET",
        )
    )
    result = invoke("status")
    assert result.exit_code == 0, result.output
    assert refreshed.called
    assert "Data centre:      EU" in result.output
    assert "API domain:       https://www.zohoapis.eu" in result.output
    assert "expires in 60 min; refreshed automatically" in result.output
    assert "SECRET" not in result.output
    stored = FileTokenStore(tokens).load()
    assert stored is not None and stored.access_token == "1000.new-SECRET"


def test_status_is_not_connected_when_zoho_refuses_the_refresh_token(
    home: Served, tokens: Path
) -> None:
    token = TokenSet.from_response(home.sb.issue_token(), accounts_server=home.url, now=time.time())
    with httpx.Client() as http:  # revoked elsewhere (say, in Zoho Accounts)
        http.post(f"{home.url}/oauth/v2/token/revoke", data={"token": token.refresh_token})
    expired = token.replace(expires_at=time.time() - 60, client_id=ID, client_secret=SECRET)
    FileTokenStore(tokens).save(expired)
    result = invoke("status")
    assert result.exit_code == 1, result.output
    assert "Connected to Zoho CRM." not in result.output
    assert "Not connected: Zoho" in result.output and "refused the refresh token" in result.output
    assert "Run `zoho-tools connect`." in result.output
    assert SECRET not in result.output and str(token.refresh_token) not in result.output


def test_status_when_the_accounts_server_cannot_be_reached(tokens: Path) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    FileTokenStore(tokens).save(
        TokenSet(
            access_token="1000.a-SECRET",
            refresh_token="1000.r-SECRET",
            expires_at=time.time() - 60,
            api_domain=url,
            accounts_server=url,
            client_id="1000.CLIENT",
            client_secret="client-SECRET",
        )
    )
    result = invoke("status")
    assert result.exit_code == 1
    assert "Cannot tell whether the connection works: could not reach" in result.output
    assert url in result.output
    assert "SECRET" not in result.output


@pytest.mark.parametrize(
    ("refresh_token", "why"),
    [
        (None, "no refresh token"),
        ("1000.r-SECRET", "cannot be refreshed: no client id and secret configured"),
    ],
)
def test_an_expired_token_that_cannot_be_refreshed_is_not_connected(
    tokens: Path, refresh_token: str | None, why: str
) -> None:
    FileTokenStore(tokens).save(
        TokenSet(
            access_token="1000.a-SECRET",
            refresh_token=refresh_token,
            expires_at=time.time() - 10,
            api_domain="https://www.zohoapis.com",
            accounts_server="https://accounts.zoho.com",
        )
    )
    result = invoke("status")
    assert result.exit_code == 1
    assert "Not connected: the access token has expired and cannot be refreshed." in result.output
    assert why in result.output
    assert "SECRET" not in result.output


def test_disconnect_forgets_even_when_zoho_does_not_revoke(home: Served, tokens: Path) -> None:
    token = TokenSet.from_response(home.sb.issue_token(), accounts_server=home.url, now=time.time())
    with httpx.Client() as http:  # already revoked elsewhere: Zoho answers 400
        http.post(f"{home.url}/oauth/v2/token/revoke", data={"token": token.refresh_token})
    FileTokenStore(tokens).save(token)
    result = invoke("disconnect")
    assert result.exit_code == 1
    assert "Forgot the stored tokens, but Zoho did not revoke them" in result.output
    assert not tokens.exists()
    assert token.refresh_token and token.refresh_token not in result.output

    result = invoke("disconnect")
    assert result.exit_code == 0
    assert "nothing to disconnect" in result.output


def test_invalid_configuration_is_reported_without_values(
    tokens: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZOHO_TOOLS_REQUEST_TIMEOUT", "soon-SECRET")
    result = invoke("status")
    assert result.exit_code == 1
    assert "invalid configuration (" in result.output
    assert "request_timeout: Input should be a valid number" in result.output
    assert "soon-SECRET" not in result.output


def test_a_self_client_with_too_few_scopes_is_told_what_is_missing(
    home: Served, tokens: Path
) -> None:
    code = home.sb.self_client_code(scopes="ZohoCRM.modules.ALL,ZohoCRM.settings.ALL")
    result = invoke(
        "connect", "--self-client", "--code", code, "--client-id", ID, "--client-secret", SECRET,
        "--accounts-url", home.url,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "these scopes were not granted" in result.output
    assert (
        "ZohoSearch.securesearch.READ (needed by identify_caller, search_contact" in result.output
    )
    assert "ZohoCRM.users.READ (needed by list_users, get_user)" in result.output
    assert (
        "Reconnect with the scopes: ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.users.READ,"
        "ZohoSearch.securesearch.READ" in result.output
    )


def test_a_self_client_with_every_scope_needed_gets_no_warning(home: Served, tokens: Path) -> None:
    code = home.sb.self_client_code(
        scopes="ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.users.READ,"
        "ZohoSearch.securesearch.READ"
    )
    result = invoke(
        "connect", "--self-client", "--code", code, "--client-id", ID, "--client-secret", SECRET,
        "--accounts-url", home.url,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "not granted" not in result.output
