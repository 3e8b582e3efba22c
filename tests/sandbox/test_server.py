"""The loopback HTTP server shares the in-process implementation (and only uses loopback)."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from zoho_tools.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox, SandboxServer

from .conftest import API


def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Zoho-oauthtoken {token}"}


def test_server_listens_on_loopback(server: SandboxServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert server.port > 0


def test_server_and_transport_answer_identically(
    sb: Sandbox, server: SandboxServer, token: str
) -> None:
    params = {"word": "John"}
    with httpx.Client(base_url=server.url, headers=headers(token)) as over_http:
        served = over_http.get(f"{API}/Contacts/search", params=params)
    with httpx.Client(
        transport=sb.transport(), base_url=sb.base_url, headers=headers(token)
    ) as in_process:
        local = in_process.get(f"{API}/Contacts/search", params=params)
    assert served.status_code == local.status_code == 200
    assert served.json() == local.json()
    assert served.headers["Content-Type"] == local.headers["Content-Type"]
    assert len(sb.log) == 2 and sb.credits_used == 2


def test_server_writes_errors_and_204(server: SandboxServer, token: str) -> None:
    with httpx.Client(base_url=server.url, headers=headers(token)) as client:
        created = client.post(
            f"{API}/Leads", content=b'{"data":[{"Last_Name":"Served","Company":"C"}]}'
        )
        missing = client.get(f"{API}/Leads/6421873000009999999")
        bad = client.post(f"{API}/Leads", json={"data": [{"Company": "C"}]})
        anonymous = httpx.get(f"{server.url}{API}/users")
    assert created.status_code == 201
    assert (missing.status_code, missing.content) == (204, b"")
    assert (bad.status_code, bad.json()["data"][0]["code"]) == (400, "MANDATORY_NOT_FOUND")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "AUTHENTICATION_FAILURE")


def test_oauth_over_http_advertises_the_served_url(server: SandboxServer) -> None:
    redirect = "http://127.0.0.1:45999/callback"
    with httpx.Client(base_url=server.url) as client:
        consent = client.get(
            "/oauth/v2/auth",
            params={
                "client_id": DEMO_CLIENT_ID,
                "response_type": "code",
                "redirect_uri": redirect,
                "scope": "ZohoCRM.modules.ALL,ZohoCRM.users.READ",
                "access_type": "offline",
            },
        )
        query = {k: v[0] for k, v in parse_qs(urlsplit(consent.headers["Location"]).query).items()}
        token = client.post(
            "/oauth/v2/token",
            data={
                "grant_type": "authorization_code",
                "client_id": DEMO_CLIENT_ID,
                "client_secret": DEMO_CLIENT_SECRET,
                "redirect_uri": redirect,
                "code": query["code"],
            },
        ).json()
        users = client.get(f"{API}/users", headers=headers(token["access_token"]))
    assert consent.status_code == 302
    assert query["accounts-server"] == server.url
    assert token["api_domain"] == server.url
    assert users.status_code == 200


def test_dropped_connection(sb: Sandbox, server: SandboxServer, token: str) -> None:
    sb.faults.fail_next(kind="drop")
    with httpx.Client(base_url=server.url, headers=headers(token)) as client:
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            client.get(f"{API}/users")
        assert client.get(f"{API}/users").status_code == 200


def test_timeout_stalls_until_the_client_gives_up(
    sb: Sandbox, server: SandboxServer, token: str
) -> None:
    sb.faults.fail_next(kind="timeout")
    with httpx.Client(base_url=server.url, headers=headers(token), timeout=0.3) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.get(f"{API}/users")
        assert client.get(f"{API}/users").status_code == 200


def test_after_commit_over_http_keeps_exactly_one_record(
    sb: Sandbox, server: SandboxServer, token: str
) -> None:
    sb.faults.fail_next(kind="drop", method="POST", after_commit=True)
    with (
        httpx.Client(base_url=server.url, headers=headers(token)) as client,
        pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)),
    ):
        client.post(f"{API}/Leads", json={"data": [{"Last_Name": "Once", "Company": "C"}]})
    assert len(sb.find("Leads", Last_Name="Once")) == 1


async def test_fifty_concurrent_calls_through_the_threaded_server(
    sb: Sandbox, server: SandboxServer, token: str
) -> None:
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(
        base_url=server.url, headers=headers(token), limits=limits
    ) as client:
        responses = await asyncio.gather(
            *(
                client.post(f"{API}/Leads", json={"data": [{"Last_Name": f"C{i}", "Company": "C"}]})
                for i in range(50)
            )
        )
    assert [r.status_code for r in responses] == [201] * 50
    assert len({r.json()["data"][0]["details"]["id"] for r in responses}) == 50
    assert sb.credits_used == 50


def test_closing_the_server_frees_the_port(sb: Sandbox) -> None:
    with sb.serve() as server:
        url = server.url
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/crm/v7/users", timeout=2)
