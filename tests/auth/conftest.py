"""Shared pieces of the auth tests: no machine configuration, and the HTTP client the OAuth
client talks through."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

#: An instant long past by the real clock (a token that expired then is expired now).
START = 1_700_000_000.0


@pytest.fixture
def transport() -> httpx.AsyncBaseTransport:
    """What the OAuth client's requests go through: real HTTP, to accounts servers the tests
    serve on loopback. A test module overrides it with the seam it needs (the sandbox's
    in-process transport, a mock of Zoho's accounts server)."""
    return httpx.AsyncHTTPTransport()


@pytest.fixture
async def http(transport: httpx.AsyncBaseTransport) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=transport) as client:
        yield client


@pytest.fixture(autouse=True)
def isolated_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No ZOHO_TOOLS_* variable of the machine running the tests, and a config file of our own
    (absent until a test writes it)."""
    for name in [n for n in os.environ if n.startswith("ZOHO_TOOLS_")]:
        monkeypatch.delenv(name)
    path = tmp_path / "config.toml"
    monkeypatch.setenv("ZOHO_TOOLS_CONFIG", str(path))
    return path
