"""Fixtures for the sandbox tests: plain httpx clients over the in-process transport."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import httpx
import pytest

from tests.clocks import Clock
from zoho_tools.sandbox import Sandbox

API = "/crm/v7"


def client_for(
    sb: Sandbox, scopes: Iterable[str] | str | None = None, user_id: str | None = None
) -> httpx.Client:
    """An httpx client authorised with a fresh token (``scopes`` default to everything)."""
    token = sb.issue_token(scopes=scopes, user_id=user_id)["access_token"]
    return httpx.Client(
        transport=sb.transport(),
        base_url=sb.base_url,
        headers={"Authorization": f"Zoho-oauthtoken {token}"},
    )


@pytest.fixture
def empty(clock: Clock) -> Iterator[Sandbox]:
    sandbox = Sandbox(clock=clock)
    yield sandbox
    sandbox.close()


@pytest.fixture
def token(sb: Sandbox) -> str:
    """An access token of the demo org with every scope."""
    return str(sb.issue_token()["access_token"])


@pytest.fixture
def client(sb: Sandbox) -> Iterator[httpx.Client]:
    with client_for(sb) as c:
        yield c


@pytest.fixture
def empty_client(empty: Sandbox) -> Iterator[httpx.Client]:
    with client_for(empty) as c:
        yield c


def one(sb: Sandbox, module: str, **equals: Any) -> dict[str, Any]:
    """The single live record of ``module`` matching ``equals``."""
    found = sb.find(module, **equals)
    assert len(found) == 1, found
    return found[0]


def insert(client: httpx.Client, module: str, *records: dict[str, Any]) -> httpx.Response:
    return client.post(f"{API}/{module}", json={"data": list(records)})


def first_result(response: httpx.Response) -> dict[str, Any]:
    """``data[0]`` of a write response."""
    result: dict[str, Any] = response.json()["data"][0]
    return result


def error_of(response: httpx.Response) -> tuple[int, str, dict[str, Any]]:
    """(status, code, details) of a request-level error."""
    body = response.json()
    assert body["status"] == "error", body
    return response.status_code, body["code"], body["details"]
