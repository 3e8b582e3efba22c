"""No secret (client secret, access or refresh token) in logs, reprs, exception messages or
command output, across everything the auth layer does: connect, status, refresh before expiry,
INVALID_TOKEN, a rejected client, a revoked refresh token, disconnect."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from tests.clocks import Clock
from zoho_tools.auth.errors import InvalidClient, InvalidGrant, OAuthError
from zoho_tools.auth.oauth import OAuthClient
from zoho_tools.auth.store import FileTokenStore
from zoho_tools.auth.zoho_auth import ZohoAuth
from zoho_tools.cli import main
from zoho_tools.config import load_settings
from zoho_tools.connection import org_auth
from zoho_tools.sandbox import Sandbox

from .helpers import Browser, Served

WRONG_SECRET = "wrong-client-secret-0b1c2d3e"


def issued_secrets(sb: Sandbox) -> set[str]:
    """Every access and refresh token the sandbox handed out, from its request log."""
    found: set[str | None] = set()
    for entry in sb.log.matching("POST", "/oauth/v2/token"):
        if isinstance(entry.response, dict):
            found |= {entry.response.get("access_token"), entry.response.get("refresh_token")}
    return {s for s in found if s}


def test_no_secret_anywhere(
    home: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included
    tokens = tmp_path / "tokens.json"
    monkeypatch.setenv("ZOHO_TOOLS_TOKEN_STORE", str(tokens))
    monkeypatch.setenv("ZOHO_TOOLS_CLIENT_ID", Sandbox.DEMO_CLIENT_ID)
    monkeypatch.setenv("ZOHO_TOOLS_CLIENT_SECRET", Sandbox.DEMO_CLIENT_SECRET)
    said: list[str] = []  # everything shown to a user or a model
    runner = CliRunner()

    browser = Browser()
    args = ["connect", "--accounts-url", home.url, "--port", "0", "--timeout", "30"]
    result = runner.invoke(main, args, obj={"open_browser": browser.open})
    browser.join()
    assert result.exit_code == 0, result.output
    said.append(result.output)
    said.append(runner.invoke(main, ["status"]).output)

    # Calls through ZohoAuth from the settings, over real loopback HTTP (httpcore logs too):
    # a refresh before expiry, then an INVALID_TOKEN answered by a refresh and a retry.
    clock = Clock(time.time())
    settings = load_settings()
    said.append(repr(settings))

    async def calls() -> None:
        async with httpx.AsyncClient() as http:
            auth = org_auth(settings, http=http, clock=clock)
            said.extend([repr(auth), repr(auth.oauth), repr(auth.store), repr(auth.token())])
            me = f"{auth.api_domain}/crm/v7/users?type=CurrentUser"
            async with httpx.AsyncClient(auth=auth) as api:
                clock.advance(3600)
                assert (await api.get(me)).status_code == 200
                await http.post(
                    f"{home.url}/oauth/v2/token/revoke", data={"token": auth.token().access_token}
                )
                assert (await api.get(me)).status_code == 200
            assert len(home.sb.log.matching("POST", "/oauth/v2/token")) == 3  # code + 2 refreshes

            # A wrong client secret, and a revoked refresh token: errors a user (or model) sees.
            stored = FileTokenStore(tokens).load()
            assert stored is not None
            wrong = OAuthClient(
                Sandbox.DEMO_CLIENT_ID, WRONG_SECRET, accounts_server=home.url, http=http
            )
            with pytest.raises(InvalidClient) as rejected:
                await wrong.refresh(stored.replace(client_id=None, client_secret=None))
            said.extend([str(rejected.value), repr(rejected.value), repr(wrong)])
            await http.post(
                f"{home.url}/oauth/v2/token/revoke", data={"token": stored.refresh_token}
            )
            clock.advance(3600)
            dead = ZohoAuth(FileTokenStore(tokens), auth.oauth, clock=clock)
            async with httpx.AsyncClient(auth=dead) as api:
                with pytest.raises(InvalidGrant) as revoked:
                    await api.get(me)
            said.extend([str(revoked.value), repr(revoked.value)])
            with pytest.raises(OAuthError) as not_revoked:
                await auth.oauth.revoke(stored.refresh_token or "", accounts_server=home.url)
            said.append(str(not_revoked.value))

    asyncio.run(calls())

    said.append(runner.invoke(main, ["disconnect"]).output)

    secrets = issued_secrets(home.sb) | {Sandbox.DEMO_CLIENT_SECRET, WRONG_SECRET}
    assert len(secrets) >= 5  # client secret, wrong secret, 1 refresh token, 3 access tokens
    logged = caplog.text
    assert "HTTP Request: POST" in logged  # httpx's own request log was captured
    for secret in secrets:
        assert secret not in logged
        for text in said:
            assert secret not in text
