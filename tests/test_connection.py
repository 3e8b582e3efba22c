"""Choosing the backend: the embedded sandbox by default, a connected org when asked."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from zoho_tools.auth import FileTokenStore, NotConnected, TokenSet
from zoho_tools.catalog import CATALOG
from zoho_tools.config import load_settings
from zoho_tools.connection import SANDBOX_NOTICE, open_backend
from zoho_tools.rendering import ActionRequest
from zoho_tools.sandbox import Sandbox


async def test_the_default_notice_never_touches_stdout(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """stdout may carry a protocol (MCP over stdio) or a script's output."""
    backend = open_backend(load_settings(token_store=tmp_path / "t.json"))
    await backend.aclose()
    assert capfd.readouterr().out == ""
    assert [r.getMessage() for r in caplog.records if r.name == "zoho_tools"] == [SANDBOX_NOTICE]


async def test_sandbox_by_default_says_so(tmp_path: Path) -> None:
    notices: list[str] = []
    backend = open_backend(load_settings(token_store=tmp_path / "t.json"), notice=notices.append)
    try:
        assert notices == [SANDBOX_NOTICE]
        assert backend.sandbox is not None
        assert set(backend.variables) == {"service_id", "owner_id"}
        result = await backend.executor.execute(
            ActionRequest(CATALOG["search_contact"], {"query": "+15551234567"})
        )
        assert result.data[0]["Full_Name"] == "John Smith"
    finally:
        await backend.aclose()


def test_org_without_tokens_is_not_connected(tmp_path: Path) -> None:
    with pytest.raises(NotConnected, match="zoho-tools connect"):
        open_backend(load_settings(token_store=tmp_path / "none.json"), use_org=True)


async def test_connected_org_over_http(tmp_path: Path) -> None:
    sandbox = Sandbox(seed="demo")
    with sandbox.serve(port=0) as server:
        sandbox.base_url = server.url
        token = TokenSet.from_response(
            sandbox.issue_token(), accounts_server=server.url, now=time.time()
        ).replace(client_id=sandbox.DEMO_CLIENT_ID, client_secret=sandbox.DEMO_CLIENT_SECRET)
        store = tmp_path / "tokens.json"
        FileTokenStore(store).save(token)
        backend = open_backend(load_settings(token_store=store), use_org=True)
        try:
            assert backend.description == f"Zoho CRM at {server.url}"
            assert backend.sandbox is None
            result = await backend.executor.execute(
                ActionRequest(CATALOG["search_contact"], {"query": "John Smith"})
            )
            assert result.ok and result.data[0]["Full_Name"] == "John Smith"
        finally:
            await backend.aclose()
