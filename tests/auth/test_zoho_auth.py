"""ZohoAuth against the embedded sandbox: refresh before expiry, single flight, INVALID_TOKEN,
throttles, revoked refresh tokens, the sync flow and token stores shared between processes."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.clocks import Clock
from zoho_tools.auth.errors import InvalidGrant, NotConnected, RefreshThrottled
from zoho_tools.auth.oauth import OAuthClient
from zoho_tools.auth.store import FileTokenStore, MemoryTokenStore, TokenStore
from zoho_tools.auth.tokens import TokenSet
from zoho_tools.auth.zoho_auth import StaticTokenAuth, ZohoAuth
from zoho_tools.connection import sandbox_auth
from zoho_tools.sandbox import Sandbox

CURRENT_USER = "/crm/v7/users"
PARAMS = {"type": "CurrentUser"}


@pytest.fixture
def transport(sb: Sandbox) -> httpx.AsyncBaseTransport:
    return sb.async_transport()


def connected(sb: Sandbox, clock: Clock) -> TokenSet:
    """Tokens as `zoho-tools connect` would have stored them."""
    return TokenSet.from_response(sb.issue_token(), accounts_server=sb.base_url, now=clock())


def make_oauth(sb: Sandbox, http: httpx.AsyncClient, clock: Clock, **kw: Any) -> OAuthClient:
    return OAuthClient(
        sb.DEMO_CLIENT_ID,
        sb.DEMO_CLIENT_SECRET,
        accounts_server=sb.base_url,
        http=http,
        clock=clock,
        **kw,
    )


def make_auth(
    sb: Sandbox, http: httpx.AsyncClient, clock: Clock, store: TokenStore | None = None
) -> ZohoAuth:
    """The product's sandbox auth, or one over ``store`` (tokens kept elsewhere)."""
    if store is None:
        return sandbox_auth(sb, http=http, clock=clock)
    return ZohoAuth(store, make_oauth(sb, http, clock), clock=clock)


def refreshes(sb: Sandbox) -> int:
    return sum(
        1
        for entry in sb.log.matching("POST", "/oauth/v2/token")
        if entry.status == 200 and entry.response and "access_token" in entry.response
    )


def token_requests(sb: Sandbox) -> int:
    return len(sb.log.matching("POST", "/oauth/v2/token"))


def crm_calls(sb: Sandbox) -> int:
    return len(sb.log.matching("GET", CURRENT_USER))


async def revoke(sb: Sandbox, http: httpx.AsyncClient, token: str) -> None:
    """Revoke a token at the sandbox, as a user removing the app in Zoho Accounts would."""
    response = await http.post(f"{sb.base_url}/oauth/v2/token/revoke", data={"token": token})
    assert response.json() == {"status": "success"}


async def test_adds_the_zoho_header_and_exposes_the_api_domain(
    sb: Sandbox, http: httpx.AsyncClient, clock: Clock
) -> None:
    auth = make_auth(sb, http, clock)
    assert auth.api_domain == sb.base_url
    async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
        response = await api.get(f"{auth.api_domain}{CURRENT_USER}", params=PARAMS)
    assert response.status_code == 200
    sent = response.request.headers["Authorization"]
    assert sent == f"Zoho-oauthtoken {auth.token().access_token}"
    assert token_requests(sb) == 0  # a fresh token is not refreshed


async def test_fifty_concurrent_requests_after_expiry_make_exactly_one_refresh(
    sb: Sandbox, http: httpx.AsyncClient, clock: Clock
) -> None:
    store = MemoryTokenStore(connected(sb, clock))
    auth = make_auth(sb, http, clock, store)
    old = auth.token()
    clock.advance(3600 + 1)  # expired on both sides: the old token would get INVALID_TOKEN
    async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
        responses = await asyncio.gather(
            *(api.get(f"{sb.base_url}{CURRENT_USER}", params=PARAMS) for _ in range(50))
        )
    assert [r.status_code for r in responses] == [200] * 50
    assert token_requests(sb) == 1
    assert crm_calls(sb) == 50  # nobody needed a retry
    stored = store.load()
    assert stored is not None and stored.access_token != old.access_token
    assert stored.refresh_token == old.refresh_token
    assert stored.expires_at == clock() + 3600
    assert {r.request.headers["Authorization"] for r in responses} == {
        f"Zoho-oauthtoken {stored.access_token}"
    }


async def refreshes_after(sb: Sandbox, count: int) -> int:
    """The token requests the sandbox has seen, once a background refresh had time to run."""
    for _ in range(200):
        if token_requests(sb) >= count:
            break
        await asyncio.sleep(0.001)
    return token_requests(sb)


async def test_refreshes_within_the_skew_before_expiry_in_the_background(
    sb: Sandbox, http: httpx.AsyncClient, clock: Clock
) -> None:
    auth = make_auth(sb, http, clock)
    old = auth.token().access_token
    async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
        clock.advance(3600 - 301)
        await api.get(f"{sb.base_url}{CURRENT_USER}", params=PARAMS)
        assert token_requests(sb) == 0
        clock.advance(2)  # now within the 300 s skew: still good, so refreshed ahead of time
        sent = await asyncio.gather(
            *(api.get(f"{sb.base_url}{CURRENT_USER}", params=PARAMS) for _ in range(5))
        )
        assert {r.request.headers["Authorization"] for r in sent} == {f"Zoho-oauthtoken {old}"}
        assert await refreshes_after(sb, 1) == 1  # one refresh for all five
        after = await api.get(f"{sb.base_url}{CURRENT_USER}", params=PARAMS)
        assert after.request.headers["Authorization"] != f"Zoho-oauthtoken {old}"
        assert token_requests(sb) == 1


class HeldRefresh(httpx.AsyncBaseTransport):
    """The accounts server answers a refresh only when the test releases it."""

    def __init__(self, sb: Sandbox) -> None:
        self.inner = sb.async_transport()
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self.release.wait()
        return await self.inner.handle_async_request(request)


async def test_a_slow_refresh_ahead_of_expiry_blocks_no_request(sb: Sandbox, clock: Clock) -> None:
    held = HeldRefresh(sb)
    async with httpx.AsyncClient(transport=held) as token_http:
        auth = make_auth(sb, token_http, clock)
        async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
            clock.advance(3600 - 200)  # 200 s left: within the skew, well outside the margin
            answered = await asyncio.wait_for(
                api.get(f"{sb.base_url}{CURRENT_USER}", params=PARAMS), timeout=5
            )
            assert answered.status_code == 200 and token_requests(sb) == 0
            held.release.set()
            assert await refreshes_after(sb, 1) == 1
            clock.advance(190)  # 10 s left: as good as expired, so this request waits for it
            await api.get(f"{sb.base_url}{CURRENT_USER}", params=PARAMS)
            assert token_requests(sb) == 1  # the background refresh's token is still fresh


async def test_short_lived_tokens_are_not_refreshed_on_every_request(
    clock: Clock,
) -> None:
    sb = Sandbox(token_ttl=120, clock=clock)  # shorter than the 300 s skew
    async with httpx.AsyncClient(transport=sb.async_transport()) as http:
        auth = make_auth(sb, http, clock)
        async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
            for _ in range(3):
                await api.get(f"{sb.base_url}{CURRENT_USER}", params=PARAMS)
            assert token_requests(sb) == 0
            clock.advance(61)  # past half its life
            await api.get(f"{sb.base_url}{CURRENT_USER}", params=PARAMS)
            assert await refreshes_after(sb, 1) == 1


async def test_invalid_token_mid_call_is_refreshed_and_retried_once(
    sb: Sandbox, http: httpx.AsyncClient, clock: Clock
) -> None:
    auth = make_auth(sb, http, clock)
    await revoke(sb, http, auth.token().access_token)  # dead server-side, alive by the clock
    async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
        responses = await asyncio.gather(
            *(api.get(f"{sb.base_url}{CURRENT_USER}", params=PARAMS) for _ in range(10))
        )
    assert [r.status_code for r in responses] == [200] * 10
    assert token_requests(sb) == 1  # ten rejected calls, one refresh
    rejected = [e for e in sb.log.matching("GET", CURRENT_USER) if e.status == 401]
    assert len(rejected) == 10
    assert [e.response["code"] for e in rejected] == ["INVALID_TOKEN"] * 10
    assert crm_calls(sb) == 20  # each request sent again exactly once


class AlwaysInvalidToken(httpx.AsyncBaseTransport):
    """OAuth goes to the sandbox; every CRM call is answered 401 INVALID_TOKEN."""

    def __init__(self, sb: Sandbox) -> None:
        self.inner = sb.async_transport()
        self.crm_calls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/oauth/"):
            return await self.inner.handle_async_request(request)
        self.crm_calls += 1
        body = {"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token"}
        return httpx.Response(401, json={**body, "status": "error"})


async def test_a_token_still_rejected_after_the_refresh_is_not_retried_again(
    sb: Sandbox, clock: Clock
) -> None:
    transport = AlwaysInvalidToken(sb)
    async with httpx.AsyncClient(transport=transport) as http:
        auth = make_auth(sb, http, clock)
        async with httpx.AsyncClient(auth=auth, transport=transport) as api:
            response = await api.get(f"{sb.base_url}{CURRENT_USER}", params=PARAMS)
    assert response.status_code == 401
    assert response.json()["code"] == "INVALID_TOKEN"  # left for the executor to report
    assert transport.crm_calls == 2
    assert token_requests(sb) == 1


async def test_other_401s_are_not_refreshed(
    sb: Sandbox, http: httpx.AsyncClient, clock: Clock
) -> None:
    # A token without the users scope: Zoho says OAUTH_SCOPE_MISMATCH, and a refresh cannot help.
    auth = sandbox_auth(sb, http=http, scopes=["ZohoCRM.modules.ALL"], clock=clock)
    async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
        response = await api.get(f"{sb.base_url}{CURRENT_USER}", params=PARAMS)
    assert response.status_code == 401
    assert response.json()["code"] == "OAUTH_SCOPE_MISMATCH"
    assert (token_requests(sb), crm_calls(sb)) == (0, 1)


async def test_a_retried_request_keeps_its_body(
    sb: Sandbox, http: httpx.AsyncClient, clock: Clock
) -> None:
    auth = make_auth(sb, http, clock)
    await revoke(sb, http, auth.token().access_token)
    record = {"data": [{"Last_Name": "Okafor", "First_Name": "Ada", "Company": "Zylker"}]}
    async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
        response = await api.post(f"{sb.base_url}/crm/v7/Leads", json=record)
    assert response.status_code == 201
    sent = sb.log.matching("POST", "/crm/v7/Leads")
    assert [e.status for e in sent] == [401, 201]
    assert sent[0].json == sent[1].json == record


async def test_zohos_refresh_throttle_gives_refresh_throttled(clock: Clock) -> None:
    sb = Sandbox(refresh_limit=2, refresh_window=600, clock=clock)
    async with httpx.AsyncClient(transport=sb.async_transport()) as http:
        auth = ZohoAuth(
            MemoryTokenStore(connected(sb, clock)),
            make_oauth(sb, http, clock, max_refreshes=100),  # our own guard out of the way
            clock=clock,
        )
        async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
            for _ in range(2):
                await revoke(sb, http, auth.token().access_token)
                assert (await api.get(f"{sb.base_url}{CURRENT_USER}")).status_code == 200
            await revoke(sb, http, auth.token().access_token)
            with pytest.raises(RefreshThrottled) as info:
                await api.get(f"{sb.base_url}{CURRENT_USER}")
    message = str(info.value)
    assert "too many token requests" in message
    assert "10 access tokens per refresh token in 10 minutes" in message
    assert "wait" in message
    assert sb.log.matching("POST", "/oauth/v2/token")[-1].status == 400


async def test_client_side_throttle_refuses_before_zoho_does(
    sb: Sandbox, http: httpx.AsyncClient, clock: Clock
) -> None:
    auth = ZohoAuth(
        MemoryTokenStore(connected(sb, clock)),
        make_oauth(sb, http, clock, max_refreshes=2, refresh_window=600),
        clock=clock,
    )
    async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
        for _ in range(2):
            await revoke(sb, http, auth.token().access_token)
            await api.get(f"{sb.base_url}{CURRENT_USER}")
        await revoke(sb, http, auth.token().access_token)
        with pytest.raises(RefreshThrottled, match=r"not asking Zoho.*wait about 600 s"):
            await api.get(f"{sb.base_url}{CURRENT_USER}")
    assert token_requests(sb) == 2  # the third never reached the accounts server


async def test_revoked_refresh_token_says_to_reconnect(
    sb: Sandbox, http: httpx.AsyncClient, clock: Clock
) -> None:
    auth = make_auth(sb, http, clock)
    refresh_token = auth.token().refresh_token
    assert refresh_token is not None
    await revoke(sb, http, refresh_token)
    clock.advance(3600)
    async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
        with pytest.raises(InvalidGrant, match="reconnect with `zoho-tools connect`") as info:
            await api.get(f"{sb.base_url}{CURRENT_USER}")
    assert info.value.error == "invalid_code"  # Zoho's word for it, sent with HTTP 200
    assert sb.log.matching("POST", "/oauth/v2/token")[-1].status == 200
    assert crm_calls(sb) == 0  # the request was never sent with a dead token


async def test_nothing_stored_is_not_connected(
    sb: Sandbox, http: httpx.AsyncClient, clock: Clock
) -> None:
    auth = ZohoAuth(MemoryTokenStore(), make_oauth(sb, http, clock), clock=clock)
    with pytest.raises(NotConnected, match="zoho-tools connect"):
        _ = auth.api_domain
    async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
        with pytest.raises(NotConnected):
            await api.get(f"{sb.base_url}{CURRENT_USER}")


def test_sync_flow_refreshes_once_for_many_threads(sb: Sandbox, clock: Clock) -> None:
    # The sync flow sends the refresh through the httpx.Client it runs in: the OAuthClient's
    # async client is never used (a transport that fails proves it).
    unused = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: pytest.fail("async")))
    auth = ZohoAuth(
        MemoryTokenStore(connected(sb, clock)), make_oauth(sb, unused, clock), clock=clock
    )
    clock.advance(3600 + 1)
    statuses: list[int] = []
    barrier = threading.Barrier(8)
    with httpx.Client(auth=auth, transport=sb.transport()) as api:

        def call() -> None:
            barrier.wait()
            statuses.append(api.get(f"{sb.base_url}{CURRENT_USER}", params=PARAMS).status_code)

        threads = [threading.Thread(target=call) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert statuses == [200] * 8
    assert token_requests(sb) == 1


def test_sync_flow_retries_invalid_token_once(sb: Sandbox, clock: Clock) -> None:
    auth = ZohoAuth(
        MemoryTokenStore(connected(sb, clock)),
        make_oauth(sb, httpx.AsyncClient(), clock),
        clock=clock,
    )
    with httpx.Client(transport=sb.transport()) as plain:
        plain.post(
            f"{sb.base_url}/oauth/v2/token/revoke", data={"token": auth.token().access_token}
        )
    with httpx.Client(auth=auth, transport=sb.transport()) as api:
        response = api.get(f"{sb.base_url}{CURRENT_USER}", params=PARAMS)
    assert response.status_code == 200
    assert [e.status for e in sb.log.matching("GET", CURRENT_USER)] == [401, 200]
    assert token_requests(sb) == 1


async def test_a_refresh_by_another_process_is_reused(
    sb: Sandbox, http: httpx.AsyncClient, clock: Clock, tmp_path: Path
) -> None:
    path = tmp_path / "tokens.json"
    FileTokenStore(path).save(connected(sb, clock))
    # Two processes, each with its own store object, auth and cached token.
    first = ZohoAuth(FileTokenStore(path), make_oauth(sb, http, clock), clock=clock)
    second = ZohoAuth(FileTokenStore(path), make_oauth(sb, http, clock), clock=clock)
    assert first.token() == second.token()
    clock.advance(3600 + 1)
    for auth in (first, second):
        async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
            assert (await api.get(f"{sb.base_url}{CURRENT_USER}")).status_code == 200
    assert token_requests(sb) == 1  # the second found the first's refresh in the file
    assert first.token() == second.token() == FileTokenStore(path).load()


def test_concurrent_processes_never_lose_the_refresh_token(
    sb: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    """Process A reconnects (new refresh token, old one revoked) while process B still holds the
    old tokens in memory. B's next refresh must use A's refresh token, and nobody may write the
    revoked one back over it."""
    path = tmp_path / "tokens.json"
    FileTokenStore(path).save(connected(sb, clock))
    unused = httpx.AsyncClient()
    b = ZohoAuth(FileTokenStore(path), make_oauth(sb, unused, clock), clock=clock)
    old = b.token()

    reconnected = connected(sb, clock)  # A: `zoho-tools connect` again
    with httpx.Client(transport=sb.transport()) as plain:
        plain.post(f"{sb.base_url}/oauth/v2/token/revoke", data={"token": old.refresh_token})
    FileTokenStore(path).save(reconnected)

    clock.advance(3600 + 1)  # both access tokens expire; B must refresh
    with httpx.Client(auth=b, transport=sb.transport()) as api:
        assert api.get(f"{sb.base_url}{CURRENT_USER}").status_code == 200
    final = FileTokenStore(path).load()
    assert final is not None
    assert final.refresh_token == reconnected.refresh_token
    assert b.token() == final
    assert refreshes(sb) == 1


async def test_static_token_auth(sb: Sandbox, clock: Clock) -> None:
    token = sb.issue_token()
    auth = StaticTokenAuth(token["access_token"], token["api_domain"] + "/")
    assert auth.api_domain == sb.base_url
    assert token["access_token"] not in repr(auth)
    async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
        assert (await api.get(f"{sb.base_url}{CURRENT_USER}")).status_code == 200


async def test_sandbox_auth_follows_the_sandbox_clock(sb: Sandbox, clock: Clock) -> None:
    async with httpx.AsyncClient(transport=sb.async_transport()) as http:
        auth = sandbox_auth(sb, http=http)
        assert auth.api_domain == sb.base_url
        async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
            assert (await api.get(f"{auth.api_domain}{CURRENT_USER}")).status_code == 200
            clock.advance(3600)  # the sandbox's clock is the auth's clock
            assert (await api.get(f"{auth.api_domain}{CURRENT_USER}")).status_code == 200
    assert token_requests(sb) == 1
    assert [e.status for e in sb.log.matching("GET", CURRENT_USER)] == [200, 200]


async def test_a_reconnect_during_a_refresh_wins(sb: Sandbox, clock: Clock) -> None:
    from zoho_tools.auth.connect import connect_self_client

    held = HeldRefresh(sb)
    connected_before = connected(sb, clock)
    store = MemoryTokenStore(connected_before)
    async with (
        httpx.AsyncClient(transport=held) as token_http,
        httpx.AsyncClient(transport=sb.async_transport()) as plain_http,
        httpx.AsyncClient(transport=sb.async_transport()) as api,
    ):
        auth = ZohoAuth(store, make_oauth(sb, token_http, clock), clock=clock)
        api.auth = auth
        clock.advance(2 * 3600)  # expired: the next request waits for a refresh, holding the lock
        request = asyncio.create_task(api.get(f"{sb.base_url}{CURRENT_USER}", params=PARAMS))
        await asyncio.sleep(0.05)
        reconnect = asyncio.create_task(
            connect_self_client(make_oauth(sb, plain_http, clock), store, sb.self_client_code())
        )
        await asyncio.sleep(0.05)
        assert not reconnect.done()  # the new tokens wait for the refresh under way
        held.release.set()
        response, reconnected = await asyncio.gather(request, reconnect)
    assert response.status_code == 200
    assert reconnected.refresh_token != connected_before.refresh_token
    stored = store.load()
    assert stored is not None and stored.refresh_token == reconnected.refresh_token


async def test_a_refresh_never_overwrites_a_newer_refresh_token(sb: Sandbox, clock: Clock) -> None:
    held = HeldRefresh(sb)
    store = MemoryTokenStore(connected(sb, clock))
    async with httpx.AsyncClient(transport=held) as token_http:
        auth = ZohoAuth(store, make_oauth(sb, token_http, clock), clock=clock)
        async with httpx.AsyncClient(auth=auth, transport=sb.async_transport()) as api:
            clock.advance(2 * 3600)
            request = asyncio.create_task(api.get(f"{sb.base_url}{CURRENT_USER}", params=PARAMS))
            await asyncio.sleep(0.05)
            newer = connected(sb, clock)  # a reconnect that did not take the lock
            assert newer.refresh_token != auth.token().refresh_token
            store.save(newer)
            held.release.set()
            response = await request
    assert response.status_code == 200
    assert store.load() == newer
    assert auth.token() == newer
