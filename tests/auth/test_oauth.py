"""OAuthClient against forced response shapes (a respx router is its transport): Zoho's HTTP-200
errors, its throttle, and where the secrets go. The end-to-end flows run against the sandbox in the
other test files."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx

from tests.clocks import Clock
from zoho_tools.auth.errors import (
    AccountsUnavailable,
    InvalidClient,
    InvalidGrant,
    OAuthError,
    RefreshThrottled,
)
from zoho_tools.auth.oauth import OAuthClient
from zoho_tools.auth.tokens import TokenSet

ACCOUNTS = "https://accounts.zoho.eu"
TOKEN_URL = f"{ACCOUNTS}/oauth/v2/token"
CLIENT_SECRET = "client-SECRET-5f2a"
REFRESH = "1000.refresh-SECRET-77"


@pytest.fixture
def accounts() -> respx.MockRouter:
    """Zoho's accounts servers, answering what each test routes (anything else fails)."""
    return respx.MockRouter(assert_all_called=False)


@pytest.fixture
def transport(accounts: respx.MockRouter) -> httpx.AsyncBaseTransport:
    return httpx.MockTransport(accounts.async_handler)


@pytest.fixture
def oauth(http: httpx.AsyncClient, clock: Clock) -> OAuthClient:
    return OAuthClient(
        "1000.CLIENT", CLIENT_SECRET, accounts_server=ACCOUNTS, http=http, clock=clock
    )


def stored(clock: Clock) -> TokenSet:
    return TokenSet(
        access_token="1000.old-access-SECRET",
        refresh_token=REFRESH,
        expires_at=clock.now,
        api_domain="https://www.zohoapis.eu",
        accounts_server=ACCOUNTS,
    )


def ok(access: str = "1000.new-access-SECRET", **extra: object) -> httpx.Response:
    body = {"access_token": access, "api_domain": "https://www.zohoapis.eu", "expires_in": 3600}
    return httpx.Response(200, json={**body, **extra})


def test_authorization_url(oauth: OAuthClient) -> None:
    url = urlsplit(
        oauth.authorization_url(
            ["ZohoCRM.modules.ALL", "ZohoCRM.users.READ"], "http://127.0.0.1:8765/callback", "xyz"
        )
    )
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{ACCOUNTS}/oauth/v2/auth"
    assert {k: v for k, [v] in parse_qs(url.query).items()} == {
        "response_type": "code",
        "client_id": "1000.CLIENT",
        "scope": "ZohoCRM.modules.ALL,ZohoCRM.users.READ",
        "redirect_uri": "http://127.0.0.1:8765/callback",
        "access_type": "offline",
        "prompt": "consent",
        "state": "xyz",
    }
    assert CLIENT_SECRET not in str(url)


async def test_refresh_sends_secrets_in_the_body_not_the_url(
    accounts: respx.MockRouter, oauth: OAuthClient, clock: Clock
) -> None:
    route = accounts.post(TOKEN_URL).mock(return_value=ok())
    fresh = await oauth.refresh(stored(clock))
    request = route.calls.last.request
    assert request.url.query == b""
    assert parse_qs(request.content.decode()) == {
        "grant_type": ["refresh_token"],
        "client_id": ["1000.CLIENT"],
        "client_secret": [CLIENT_SECRET],
        "refresh_token": [REFRESH],
    }
    assert fresh.access_token == "1000.new-access-SECRET"
    assert fresh.refresh_token == REFRESH  # Zoho's refresh answer has none: the old one is kept
    assert fresh.expires_at == clock.now + 3600


async def test_refresh_uses_the_client_the_token_belongs_to(
    accounts: respx.MockRouter, oauth: OAuthClient, clock: Clock
) -> None:
    route = accounts.post(TOKEN_URL).mock(return_value=ok())
    await oauth.refresh(stored(clock).replace(client_id="1000.OTHER", client_secret="other-S"))
    sent = parse_qs(route.calls.last.request.content.decode())
    assert (sent["client_id"], sent["client_secret"]) == (["1000.OTHER"], ["other-S"])


async def test_code_exchange_at_the_named_accounts_server(
    accounts: respx.MockRouter, oauth: OAuthClient
) -> None:
    route = accounts.post("https://accounts.zoho.in/oauth/v2/token").mock(
        return_value=ok(refresh_token="1000.r", scope="ZohoCRM.modules.ALL")
    )
    token = await oauth.exchange_code(
        "1000.code", "http://127.0.0.1:1/callback", accounts_server="https://accounts.zoho.in"
    )
    sent = parse_qs(route.calls.last.request.content.decode())
    assert sent["grant_type"] == ["authorization_code"]
    assert sent["redirect_uri"] == ["http://127.0.0.1:1/callback"]
    assert token.accounts_server == "https://accounts.zoho.in"
    assert (token.client_id, token.client_secret) == ("1000.CLIENT", CLIENT_SECRET)
    assert token.scopes == ("ZohoCRM.modules.ALL",)


async def test_self_client_exchange_sends_no_redirect_uri(
    accounts: respx.MockRouter, oauth: OAuthClient
) -> None:
    route = accounts.post(TOKEN_URL).mock(return_value=ok(refresh_token="1000.r"))
    await oauth.exchange_code("1000.code", None)
    assert "redirect_uri" not in parse_qs(route.calls.last.request.content.decode())


@pytest.mark.parametrize(
    ("body", "status", "error", "words"),
    [
        ({"error": "invalid_client"}, 200, InvalidClient, ["client id and secret", "--region"]),
        ({"error": "invalid_client_secret"}, 200, InvalidClient, ["data centre"]),
        ({"error": "invalid_code"}, 200, InvalidGrant, ["revoked", "`zoho-tools connect`"]),
        (
            {
                "error_description": "You have made too many requests continuously. Please try "
                "again after some time.",
                "error": "Access Denied",
                "status": "failure",
            },
            400,
            RefreshThrottled,
            ["wait", "10 access tokens", "10 minutes"],
        ),
        ({"error": "something_new"}, 200, OAuthError, ["something_new"]),
        ({"status": "success"}, 200, OAuthError, ["HTTP 200"]),
    ],
)
async def test_token_errors_are_read_from_the_body(
    accounts: respx.MockRouter,
    oauth: OAuthClient,
    clock: Clock,
    body: dict[str, str],
    status: int,
    error: type[OAuthError],
    words: list[str],
) -> None:
    accounts.post(TOKEN_URL).mock(return_value=httpx.Response(status, json=body))
    with pytest.raises(error) as info:
        await oauth.refresh(stored(clock))
    assert type(info.value) is error
    for word in words:
        assert word in str(info.value)
    assert CLIENT_SECRET not in str(info.value) and REFRESH not in str(info.value)


async def test_a_used_code_says_to_connect_again(
    accounts: respx.MockRouter, oauth: OAuthClient
) -> None:
    accounts.post(TOKEN_URL).mock(return_value=httpx.Response(200, json={"error": "invalid_code"}))
    with pytest.raises(InvalidGrant, match="already used or has expired"):
        await oauth.exchange_code("1000.code", "http://127.0.0.1:1/callback")


async def test_non_json_answer_and_unreachable_server(
    accounts: respx.MockRouter, oauth: OAuthClient, clock: Clock
) -> None:
    accounts.post(TOKEN_URL).mock(return_value=httpx.Response(502, text="<html>bad gateway"))
    with pytest.raises(AccountsUnavailable, match="HTTP 502"):
        await oauth.refresh(stored(clock))
    accounts.post(TOKEN_URL).mock(return_value=httpx.Response(200, text="<html>login page"))
    with pytest.raises(OAuthError, match="HTTP 200 and no JSON") as wrong_server:
        await oauth.refresh(stored(clock))
    assert not isinstance(wrong_server.value, AccountsUnavailable)
    accounts.post(TOKEN_URL).mock(side_effect=httpx.ConnectError("boom"))
    with pytest.raises(AccountsUnavailable, match="could not reach the Zoho accounts server"):
        await oauth.refresh(stored(clock))


@pytest.mark.parametrize(
    "body", [{"error": "internal_error"}, {"error": "invalid_code"}, {"status": "failure"}]
)
async def test_a_failing_accounts_server_with_a_json_body_is_unavailable_not_a_refusal(
    accounts: respx.MockRouter, oauth: OAuthClient, clock: Clock, body: dict[str, str]
) -> None:
    # A 5xx is the server failing, whatever its body says: retry later, never "reconnect".
    accounts.post(TOKEN_URL).mock(return_value=httpx.Response(503, json=body))
    with pytest.raises(AccountsUnavailable, match="HTTP 503"):
        await oauth.refresh(stored(clock))


async def test_an_echoed_secret_is_blanked_from_the_message(
    accounts: respx.MockRouter, oauth: OAuthClient, clock: Clock
) -> None:
    body = {"error": "weird", "error_description": f"bad secret {CLIENT_SECRET} / {REFRESH}"}
    accounts.post(TOKEN_URL).mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(OAuthError) as info:
        await oauth.refresh(stored(clock))
    assert "weird" in str(info.value)
    assert CLIENT_SECRET not in str(info.value) and REFRESH not in str(info.value)


async def test_no_refresh_token_or_no_client_says_what_to_do(
    http: httpx.AsyncClient, oauth: OAuthClient, clock: Clock
) -> None:
    with pytest.raises(OAuthError, match=r"no refresh token.*zoho-tools connect"):
        await oauth.refresh(stored(clock).replace(refresh_token=None))
    anonymous = OAuthClient("", "", accounts_server=ACCOUNTS, http=http)
    with pytest.raises(OAuthError, match="ZOHO_TOOLS_CLIENT_ID"):
        await anonymous.refresh(stored(clock))


async def test_client_side_throttle_stops_before_zoho_would(
    accounts: respx.MockRouter, http: httpx.AsyncClient, clock: Clock
) -> None:
    route = accounts.post(TOKEN_URL).mock(return_value=ok())
    oauth = OAuthClient(
        "1000.CLIENT",
        CLIENT_SECRET,
        accounts_server=ACCOUNTS,
        http=http,
        clock=clock,
        max_refreshes=3,
        refresh_window=600,
    )
    for _ in range(3):
        await oauth.refresh(stored(clock))
        clock.advance(100)
    with pytest.raises(RefreshThrottled, match=r"3 were requested.*wait about 300 s") as info:
        await oauth.refresh(stored(clock))
    assert info.value.retry_after == 300
    assert route.call_count == 3  # refused without asking Zoho
    clock.advance(300)  # the first refresh leaves the window
    await oauth.refresh(stored(clock))
    assert route.call_count == 4


async def test_after_zohos_throttle_the_client_cools_down(
    accounts: respx.MockRouter, oauth: OAuthClient, clock: Clock
) -> None:
    denied = {"error": "Access Denied", "error_description": "too many requests"}
    route = accounts.post(TOKEN_URL).mock(
        side_effect=[httpx.Response(400, json=denied), ok(), ok()]
    )
    with pytest.raises(RefreshThrottled, match=r"Zoho .* refused"):
        await oauth.refresh(stored(clock))
    with pytest.raises(RefreshThrottled, match="Zoho refused the last token request"):
        await oauth.refresh(stored(clock))
    assert route.call_count == 1
    clock.advance(61)
    await oauth.refresh(stored(clock))
    assert route.call_count == 2


async def test_revoke(accounts: respx.MockRouter, oauth: OAuthClient) -> None:
    route = accounts.post(f"{ACCOUNTS}/oauth/v2/token/revoke").mock(
        side_effect=[
            httpx.Response(200, json={"status": "success"}),
            httpx.Response(400, json={"status": "failure", "error": "invalid_token"}),
        ]
    )
    await oauth.revoke(REFRESH)
    request = route.calls.last.request
    assert REFRESH not in str(request.url)
    assert parse_qs(request.content.decode()) == {"token": [REFRESH]}
    with pytest.raises(OAuthError, match="did not revoke") as info:
        await oauth.revoke(REFRESH)
    assert REFRESH not in str(info.value)


def test_repr_shows_no_secret(oauth: OAuthClient) -> None:
    assert CLIENT_SECRET not in repr(oauth)
    assert "1000.CLIENT" in repr(oauth)
