"""The browser flow end to end against served sandboxes, with a simulated browser, and the Self
Client flow. The "browser" is an httpx client that opens the authorization URL and follows the
redirects, as a user clicking "Accept" would."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from zoho_tools.auth.connect import (
    DEFAULT_SCOPES,
    ConsentFlowError,
    connect_self_client,
    connect_with_browser,
)
from zoho_tools.auth.errors import InvalidGrant
from zoho_tools.auth.oauth import OAuthClient
from zoho_tools.auth.store import MemoryTokenStore
from zoho_tools.sandbox import Sandbox

from .helpers import Browser, Served


@pytest.fixture
def start() -> Iterator[Served]:
    """Another accounts server, where the flow starts (accounts.zoho.com for an EU user)."""
    sb = Sandbox()
    with sb.serve() as server:
        yield Served(sb, server)


def oauth_at(server: Served, http: httpx.AsyncClient) -> OAuthClient:
    return OAuthClient(
        Sandbox.DEMO_CLIENT_ID, Sandbox.DEMO_CLIENT_SECRET, accounts_server=server.url, http=http
    )


async def run_connect(
    oauth: OAuthClient, browser: Browser | None, store: MemoryTokenStore, timeout: float = 30
) -> list[str]:
    """Connect on any free port; returns what the flow printed."""
    printed: list[str] = []
    await connect_with_browser(
        oauth,
        store,
        port=0,
        open_browser=browser.open if browser else None,
        timeout=timeout,
        echo=printed.append,
    )
    return printed


async def test_connect_end_to_end(home: Served, http: httpx.AsyncClient) -> None:
    store = MemoryTokenStore()
    browser = Browser()
    printed = await run_connect(oauth_at(home, http), browser, store)
    browser.join()

    auth_url = urlsplit(browser.opened[0])
    assert f"{auth_url.scheme}://{auth_url.netloc}{auth_url.path}" == f"{home.url}/oauth/v2/auth"
    params = {k: v for k, [v] in parse_qs(auth_url.query).items()}
    redirect = urlsplit(params.pop("redirect_uri"))
    assert (redirect.scheme, redirect.hostname, redirect.path) == ("http", "127.0.0.1", "/callback")
    assert redirect.port and redirect.port > 0  # port 0 asked for any free port
    assert len(params.pop("state")) >= 32
    assert params == {
        "response_type": "code",
        "client_id": Sandbox.DEMO_CLIENT_ID,
        "scope": ",".join(DEFAULT_SCOPES),
        "access_type": "offline",
        "prompt": "consent",
    }
    assert any(browser.opened[0] in line for line in printed)  # printed as well as opened

    # The listener answered the browser, and the tokens are stored.
    assert browser.final is not None and browser.final.status_code == 200
    assert "close this window" in browser.final.text
    token = store.load()
    assert token is not None and token.refresh_token
    assert (token.api_domain, token.accounts_server) == (home.url, home.url)
    assert token.scopes == DEFAULT_SCOPES
    assert (token.client_id, token.client_secret) == (
        Sandbox.DEMO_CLIENT_ID,
        Sandbox.DEMO_CLIENT_SECRET,
    )
    exchange = home.sb.log.matching("POST", "/oauth/v2/token")
    assert [e.status for e in exchange] == [200]
    # The stored token works at the API domain it names.
    response = await http.get(
        f"{token.api_domain}/crm/v7/users",
        params={"type": "CurrentUser"},
        headers={"Authorization": f"Zoho-oauthtoken {token.access_token}"},
    )
    assert response.status_code == 200


async def test_code_is_exchanged_at_the_accounts_server_the_redirect_names(
    start: Served, home: Served, http: httpx.AsyncClient
) -> None:
    # Zoho sends a user who starts at accounts.zoho.com but lives in the EU to accounts.zoho.eu,
    # which redirects back naming itself. The browser plays that hop here.
    def to_home(url: str) -> str:
        return url.replace(start.url, home.url, 1)

    store = MemoryTokenStore()
    browser = Browser(rewrite=to_home)
    await run_connect(oauth_at(start, http), browser, store)
    browser.join()
    assert browser.opened[0].startswith(f"{start.url}/oauth/v2/auth?")
    assert parse_qs(urlsplit(browser.redirects[-1]).query)["accounts-server"] == [home.url]
    assert start.token_posts() == 0
    assert home.token_posts() == 1
    token = store.load()
    assert token is not None
    assert (token.accounts_server, token.api_domain) == (home.url, home.url)


async def test_state_mismatch_is_refused(home: Served, http: httpx.AsyncClient) -> None:
    def forge_state(url: str) -> str:
        parts = urlsplit(url)
        query = {k: v for k, [v] in parse_qs(parts.query).items()}
        return parts._replace(query=urlencode({**query, "state": "forged"})).geturl()

    store = MemoryTokenStore()
    browser = Browser(rewrite=forge_state)
    with pytest.raises(ConsentFlowError, match="state does not match") as info:
        await run_connect(oauth_at(home, http), browser, store)
    browser.join()
    assert "zoho-tools connect" in str(info.value)
    assert browser.final is not None and browser.final.status_code == 400
    assert home.token_posts() == 0  # the code was never exchanged
    assert store.load() is None


async def test_an_accounts_server_that_is_not_zoho_is_refused(
    home: Served, http: httpx.AsyncClient
) -> None:
    def elsewhere(location: str) -> str:
        parts = urlsplit(location)
        query = {k: v for k, [v] in parse_qs(parts.query).items()}
        query["accounts-server"] = "https://accounts.zoho.com.evil.example"
        return parts._replace(query=urlencode(query)).geturl()

    store = MemoryTokenStore()
    browser = Browser(tamper_redirect=elsewhere)
    with pytest.raises(ConsentFlowError, match="refused to send the client secret"):
        await run_connect(oauth_at(home, http), browser, store)
    browser.join()
    assert home.token_posts() == 0
    assert store.load() is None


async def test_denied_consent(home: Served, http: httpx.AsyncClient) -> None:
    def deny(location: str) -> str:
        parts = urlsplit(location)
        state = parse_qs(parts.query)["state"][0]
        return parts._replace(query=urlencode({"error": "access_denied", "state": state})).geturl()

    browser = Browser(tamper_redirect=deny)
    with pytest.raises(ConsentFlowError, match=r"did not grant access \(access_denied\)"):
        await run_connect(oauth_at(home, http), browser, MemoryTokenStore())
    browser.join()


async def test_nobody_consents_in_time(home: Served, http: httpx.AsyncClient) -> None:
    with pytest.raises(ConsentFlowError, match="nobody completed the consent") as info:
        await run_connect(oauth_at(home, http), None, MemoryTokenStore(), timeout=0.2)
    assert "zoho-tools connect" in str(info.value)


async def test_a_busy_port_says_to_choose_another(home: Served, http: httpx.AsyncClient) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConsentFlowError, match="--port"):
            await connect_with_browser(
                oauth_at(home, http), MemoryTokenStore(), port=port, open_browser=None
            )


async def test_listener_ignores_other_paths_until_the_callback(
    home: Served, http: httpx.AsyncClient
) -> None:
    store = MemoryTokenStore()
    seen: list[int] = []

    def favicon_first(url: str) -> None:
        redirect_uri = parse_qs(urlsplit(url).query)["redirect_uri"][0]
        favicon = redirect_uri.replace("/callback", "/favicon.ico")
        seen.append(httpx.get(favicon).status_code)
        Browser().open(url)

    await connect_with_browser(
        oauth_at(home, http), store, port=0, open_browser=favicon_first, echo=lambda _: None
    )
    assert seen == [404]
    assert store.load() is not None


async def test_self_client_exchange(home: Served, http: httpx.AsyncClient) -> None:
    store = MemoryTokenStore()
    code = home.sb.self_client_code()
    token = await connect_self_client(oauth_at(home, http), store, code)
    assert store.load() == token
    assert token.refresh_token and token.api_domain == home.url
    sent = home.sb.log.matching("POST", "/oauth/v2/token")
    assert [e.status for e in sent] == [200]
    # A grant token is one-time: the second exchange is Zoho's HTTP-200 invalid_code.
    with pytest.raises(InvalidGrant, match="already used or has expired"):
        await connect_self_client(oauth_at(home, http), MemoryTokenStore(), code)
