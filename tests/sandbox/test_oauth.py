"""The sandbox's Zoho Accounts: authorization codes, token exchange, refresh, revoke, throttle."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.clocks import Clock
from zoho_tools.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

TOKEN = re.compile(r"1000\.[0-9a-f]{32}\.[0-9a-f]{32}")
REDIRECT = "http://127.0.0.1:53682/callback"
CURRENT_USER = "/crm/v7/users"


@pytest.fixture
def http(empty: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(transport=empty.transport(), base_url=empty.base_url) as client:
        yield client


def authorize(http: httpx.Client, **overrides: str) -> httpx.Response:
    params = {
        "client_id": DEMO_CLIENT_ID,
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "scope": "ZohoCRM.modules.ALL,ZohoCRM.users.READ",
        "access_type": "offline",
        "state": "xyz-123",
        **overrides,
    }
    return http.get("/oauth/v2/auth", params={k: v for k, v in params.items() if v != ""})


def redirect_query(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(REDIRECT.split("?")[0])
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def code_for(http: httpx.Client, **overrides: str) -> str:
    return redirect_query(authorize(http, **overrides))["code"]


def exchange(http: httpx.Client, grant: str, **overrides: str) -> httpx.Response:
    params = {
        "grant_type": "authorization_code",
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "redirect_uri": REDIRECT,
        "code": grant,
        **overrides,
    }
    return http.post("/oauth/v2/token", params=params)


def refresh(http: httpx.Client, refresh_token: str) -> httpx.Response:
    return http.post(
        "/oauth/v2/token",
        data={
            "grant_type": "refresh_token",
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
            "refresh_token": refresh_token,
        },
    )


def api_status(http: httpx.Client, access_token: str) -> int:
    headers = {"Authorization": f"Zoho-oauthtoken {access_token}"}
    return http.get(CURRENT_USER, params={"type": "CurrentUser"}, headers=headers).status_code


# --- authorization ----------------------------------------------------------------------------


def test_consent_redirects_with_code_location_accounts_server_and_state(
    http: httpx.Client, empty: Sandbox
) -> None:
    query = redirect_query(authorize(http))

    assert TOKEN.fullmatch(query["code"])
    assert query["location"] == "us"
    assert query["accounts-server"] == empty.base_url
    assert query["state"] == "xyz-123"


def test_redirect_uri_keeps_its_own_query(http: httpx.Client) -> None:
    response = authorize(http, redirect_uri=REDIRECT + "?session=1")
    assert response.headers["Location"].startswith(REDIRECT + "?session=1&code=")


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"client_id": "1000.UNKNOWN"}, "invalid_client"),
        ({"redirect_uri": "https://evil.example/callback"}, "invalid_redirect_uri"),
        ({"redirect_uri": "http://127.0.0.1/callback"}, "invalid_redirect_uri"),  # no port
        ({"redirect_uri": "http://127.0.0.1:80@evil.example/"}, "invalid_redirect_uri"),
        ({"redirect_uri": ""}, "invalid_redirect_uri"),
    ],
)
def test_bad_client_or_redirect_is_not_redirected(
    http: httpx.Client, overrides: dict[str, str], error: str
) -> None:
    response = authorize(http, **overrides)
    assert (response.status_code, response.json()) == (400, {"error": error})


def test_demo_client_accepts_localhost_on_any_port(http: httpx.Client) -> None:
    response = authorize(http, redirect_uri="http://localhost:8123/oauth/callback")
    assert response.headers["Location"].startswith("http://localhost:8123/oauth/callback?code=")


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": ""}, "invalid_scope"),
        ({"scope": "ZohoCRM.modules"}, "invalid_scope"),
    ],
)
def test_bad_request_redirects_with_an_error(
    http: httpx.Client, overrides: dict[str, str], error: str
) -> None:
    query = redirect_query(authorize(http, **overrides))
    assert query == {"error": error, "state": "xyz-123"}


def test_registered_client_with_exact_redirect(http: httpx.Client, empty: Sandbox) -> None:
    empty.register_client("1000.MINE", "shh", ["https://app.example/cb"])
    ok = authorize(http, client_id="1000.MINE", redirect_uri="https://app.example/cb")
    bad = authorize(http, client_id="1000.MINE", redirect_uri="https://app.example/cb2")
    assert ok.status_code == 302 and bad.status_code == 400


# --- token exchange ---------------------------------------------------------------------------


def test_code_exchange_returns_a_zoho_token_response(http: httpx.Client, empty: Sandbox) -> None:
    response = exchange(http, code_for(http))

    assert response.status_code == 200
    body = response.json()
    assert TOKEN.fullmatch(body["access_token"]) and TOKEN.fullmatch(body["refresh_token"])
    assert body["api_domain"] == empty.base_url
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 3600)
    assert body["scope"] == "ZohoCRM.modules.ALL ZohoCRM.users.READ"
    assert api_status(http, body["access_token"]) == 200


def test_codes_are_one_time(http: httpx.Client) -> None:
    code = code_for(http)
    assert "access_token" in exchange(http, code).json()
    second = exchange(http, code)
    assert (second.status_code, second.json()) == (200, {"error": "invalid_code"})


def test_codes_expire(http: httpx.Client, clock: Clock) -> None:
    code = code_for(http)
    clock.advance(121)
    assert exchange(http, code).json() == {"error": "invalid_code"}


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"client_id": "1000.OTHER"}, "invalid_client"),
        ({"client_secret": "wrong"}, "invalid_client_secret"),
        ({"code": "1000.abc.def"}, "invalid_code"),
        ({"redirect_uri": "http://127.0.0.1:1/other"}, "invalid_redirect_uri"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
    ],
)
def test_token_errors_are_http_200_with_an_error_field(
    http: httpx.Client, overrides: dict[str, str], error: str
) -> None:
    response = exchange(http, code_for(http), **overrides)
    assert (response.status_code, response.json()) == (200, {"error": error})


def test_parameters_may_come_in_a_form_body(http: httpx.Client) -> None:
    data = {
        "grant_type": "authorization_code",
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "redirect_uri": REDIRECT,
        "code": code_for(http),
    }
    assert "access_token" in http.post("/oauth/v2/token", data=data).json()


def test_parameters_may_come_as_multipart_form_data(http: httpx.Client) -> None:
    fields = {
        "grant_type": "authorization_code",
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "redirect_uri": REDIRECT,
        "code": code_for(http),
    }
    files = {name: (None, value) for name, value in fields.items()}
    assert "access_token" in http.post("/oauth/v2/token", files=files).json()


def test_online_access_gets_no_refresh_token(http: httpx.Client) -> None:
    body = exchange(http, code_for(http, access_type="online")).json()
    assert "access_token" in body and "refresh_token" not in body


def test_refresh_token_only_on_first_offline_consent_unless_prompted(http: httpx.Client) -> None:
    assert "refresh_token" in exchange(http, code_for(http)).json()
    assert "refresh_token" not in exchange(http, code_for(http)).json()
    assert "refresh_token" in exchange(http, code_for(http, prompt="consent")).json()


def test_self_client_code_needs_no_redirect_uri(http: httpx.Client, empty: Sandbox) -> None:
    code = empty.self_client_code(["ZohoCRM.modules.ALL"])
    params = {
        "grant_type": "authorization_code",
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "code": code,
    }
    body = http.post("/oauth/v2/token", params=params).json()
    assert "refresh_token" in body and body["scope"] == "ZohoCRM.modules.ALL"


# --- refresh, expiry, throttle, revoke --------------------------------------------------------


def test_refresh_gives_a_new_access_token_without_refresh_token(
    http: httpx.Client, empty: Sandbox
) -> None:
    token = empty.issue_token()
    body = refresh(http, token["refresh_token"]).json()
    assert TOKEN.fullmatch(body["access_token"]) and body["access_token"] != token["access_token"]
    assert "refresh_token" not in body
    assert body["api_domain"] == empty.base_url
    assert api_status(http, body["access_token"]) == 200


def test_access_tokens_expire(empty: Sandbox, clock: Clock, http: httpx.Client) -> None:
    short = Sandbox(token_ttl=5, clock=clock)
    with httpx.Client(transport=short.transport(), base_url=short.base_url) as client:
        token = short.issue_token()
        assert token["expires_in"] == 5
        assert api_status(client, token["access_token"]) == 200
        clock.advance(5)
        response = client.get(
            CURRENT_USER, headers={"Authorization": f"Zoho-oauthtoken {token['access_token']}"}
        )
        assert (response.status_code, response.json()["code"]) == (401, "INVALID_TOKEN")
        renewed = refresh(client, token["refresh_token"]).json()["access_token"]
        assert api_status(client, renewed) == 200
    short.close()


def test_refresh_throttle(clock: Clock) -> None:
    sb = Sandbox(refresh_limit=3, refresh_window=600, clock=clock)
    with httpx.Client(transport=sb.transport(), base_url=sb.base_url) as http:
        token = sb.issue_token()["refresh_token"]
        for _ in range(3):
            assert "access_token" in refresh(http, token).json()
        throttled = refresh(http, token)
        assert throttled.status_code == 400
        assert throttled.json() == {
            "error_description": "You have made too many requests continuously. "
            "Please try again after some time.",
            "error": "Access Denied",
            "status": "failure",
        }
        other = sb.issue_token()["refresh_token"]
        assert "access_token" in refresh(http, other).json()  # the limit is per refresh token
        clock.advance(601)
        assert "access_token" in refresh(http, token).json()
    sb.close()


def test_default_throttle_is_ten_per_ten_minutes(http: httpx.Client, empty: Sandbox) -> None:
    token = empty.issue_token()["refresh_token"]
    statuses = [refresh(http, token).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [400]


def test_oldest_access_token_goes_past_fifteen_per_refresh_token(clock: Clock) -> None:
    sb = Sandbox(refresh_limit=100, clock=clock)
    with httpx.Client(transport=sb.transport(), base_url=sb.base_url) as http:
        first = sb.issue_token()
        later = [refresh(http, first["refresh_token"]).json()["access_token"] for _ in range(15)]
        assert api_status(http, first["access_token"]) == 401
        assert all(api_status(http, t) == 200 for t in later)
    sb.close()


def test_revoking_a_refresh_token_revokes_its_access_tokens(
    http: httpx.Client, empty: Sandbox
) -> None:
    token = empty.issue_token()
    refreshed = refresh(http, token["refresh_token"]).json()["access_token"]

    response = http.post("/oauth/v2/token/revoke", params={"token": token["refresh_token"]})

    assert (response.status_code, response.json()) == (200, {"status": "success"})
    assert api_status(http, token["access_token"]) == 401
    assert api_status(http, refreshed) == 401
    assert refresh(http, token["refresh_token"]).json() == {"error": "invalid_code"}
    again = http.post("/oauth/v2/token/revoke", params={"token": token["refresh_token"]})
    assert again.status_code == 400


def test_oauth_calls_cost_no_credits(http: httpx.Client, empty: Sandbox) -> None:
    exchange(http, code_for(http))
    assert empty.credits_used == 0


def test_wrong_method_on_token_endpoint(http: httpx.Client) -> None:
    assert http.get("/oauth/v2/token").status_code == 405


# --- persistence ------------------------------------------------------------------------------


def test_clients_and_tokens_survive_a_restart(tmp_path: object, clock: Clock) -> None:
    path = f"{tmp_path}/org.db"
    first = Sandbox(path=path, clock=clock)
    first.register_client("1000.MINE", "shh", ["https://app.example/cb"])
    token = first.issue_token()
    first.close()

    second = Sandbox(path=path, clock=clock)
    with httpx.Client(transport=second.transport(), base_url=second.base_url) as http:
        assert api_status(http, token["access_token"]) == 200
        assert "access_token" in refresh(http, token["refresh_token"]).json()
        assert (
            authorize(
                http, client_id="1000.MINE", redirect_uri="https://app.example/cb"
            ).status_code
            == 302
        )
    second.close()
