"""The executor end to end against the embedded sandbox, through the public API.

Every call goes the way an agent's does: :func:`~zoho_tools.arguments.prepare` checks the
model's arguments, an :class:`~zoho_tools.executor.ActionRequest` carries them, and
:meth:`~zoho_tools.executor.Executor.execute` renders, authenticates (a real
:class:`~zoho_tools.auth.ZohoAuth` against the sandbox's own accounts server), sends and maps the
answer. Only the passing of time is faked: the executor's ``clock``/``sleep`` (so retries do not
wait) and the sandbox's epoch clock (so tokens can expire).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.clocks import FakeTime
from zoho_tools.arguments import prepare
from zoho_tools.auth import OAuthClient, ZohoAuth
from zoho_tools.catalog import CATALOG
from zoho_tools.connection import sandbox_executor
from zoho_tools.executor import Executor, RetryPolicy
from zoho_tools.rendering import ActionRequest
from zoho_tools.results import ActionResult
from zoho_tools.sandbox import LoggedRequest, Sandbox, SandboxServer
from zoho_tools.templates import ActionTemplate
from zoho_tools.variables import VariableScope

#: Deterministic backoff (jitter pinned to 1.0): waits of 0.25, 0.5, 1.0 s within 6 s, 4 tries.
RETRY = RetryPolicy(budget=6.0, max_attempts=4, base_delay=0.25, max_delay=2.0)
CALLER_PHONE = "+15551234567"  # John Smith of Acme Corp in the demo org


def template(name: str | ActionTemplate) -> ActionTemplate:
    return name if isinstance(name, ActionTemplate) else CATALOG[name]


@dataclass
class Agent:
    """An executor wired to a sandbox the way an application wires it, plus helpers."""

    sb: Sandbox
    executor: Executor
    auth: ZohoAuth | None
    time: FakeTime
    call: dict[str, Any] = field(default_factory=lambda: {"caller_phone": CALLER_PHONE})
    results: dict[str, Any] = field(default_factory=dict)

    @property
    def scope(self) -> VariableScope:
        return VariableScope(call=self.call, results=self.results)

    async def run(self, action: str | ActionTemplate, arguments: Any = None) -> ActionResult:
        """What the model asked for, through ``prepare`` (which must find it complete)."""
        action = template(action)
        prepared = prepare(action, arguments or {}, scope=self.scope)
        assert prepared.ready, (prepared.problems, [p.name for p in prepared.missing])
        result = await self.executor.execute(ActionRequest(action, prepared.arguments, self.scope))
        if result.ok:
            self.results[action.name] = result.chain_value()
        return result

    async def send(
        self, action: str | ActionTemplate, arguments: Mapping[str, Any]
    ) -> ActionResult:
        """Arguments straight to the executor, bypassing ``prepare``: what a buggy or hostile
        caller of the library could send."""
        return await self.executor.execute(ActionRequest(template(action), arguments, self.scope))

    def requests(self, method: str | None = None, path: str | None = None) -> list[LoggedRequest]:
        """The CRM API requests the sandbox saw (OAuth traffic left out)."""
        return [e for e in self.sb.log.matching(method, path) if e.path.startswith("/crm/")]


def build_executor(
    sb: Sandbox,
    time: FakeTime,
    *,
    scopes: list[str] | None = None,
    retry: RetryPolicy = RETRY,
    api_domain: str | None = None,
    api_transport: httpx.AsyncBaseTransport | None = None,
    authenticated: bool = True,
) -> tuple[Executor, ZohoAuth | None]:
    """The product's sandbox executor for ``sb`` (see
    :func:`~zoho_tools.connection.sandbox_executor`), on fake time; ``api_domain`` and
    ``api_transport`` send the API calls elsewhere."""
    executor = sandbox_executor(
        sb,
        scopes=scopes,
        authenticated=authenticated,
        api_domain=api_domain,
        transport=api_transport,
        retry=retry,
        sleep=time.sleep,
        clock=time.clock,
        jitter=lambda: 1.0,
    )
    return executor, _zoho_auth(executor)


def served_executor(
    sb: Sandbox,
    server: SandboxServer,
    time: FakeTime,
    *,
    timeout: float = 8.0,
    retry: RetryPolicy = RETRY,
) -> tuple[Executor, ZohoAuth]:
    """The product's executor for ``sb`` served on loopback, API and OAuth alike over HTTP; the
    API base follows the token's ``api_domain`` (the server's URL), as for a real org."""
    executor = sandbox_executor(
        sb,
        served_at=server.url,
        timeout=timeout,
        retry=retry,
        sleep=time.sleep,
        clock=time.clock,
        jitter=lambda: 1.0,
    )
    auth = _zoho_auth(executor)
    assert auth is not None
    return executor, auth


def _zoho_auth(executor: Executor) -> ZohoAuth | None:
    assert executor.auth is None or isinstance(executor.auth, ZohoAuth)
    return executor.auth


@contextlib.asynccontextmanager
async def open_served_agent(
    sb: Sandbox,
    server: SandboxServer,
    time: FakeTime,
    *,
    client_secret: str | None = None,
    **options: Any,
) -> AsyncIterator[Agent]:
    """An :class:`Agent` over loopback HTTP (see :func:`served_executor` for ``options``). A
    ``client_secret`` other than the demo client's makes every refresh fail as Zoho's would."""
    executor, auth = served_executor(sb, server, time, **options)
    async with executor, httpx.AsyncClient(transport=httpx.AsyncHTTPTransport()) as token_http:
        if client_secret is not None:
            auth.oauth = OAuthClient(
                sb.DEMO_CLIENT_ID,
                client_secret,
                accounts_server=server.url,
                http=token_http,
                clock=sb.clock,
            )
        yield Agent(sb, executor, auth, time)


@contextlib.asynccontextmanager
async def open_agent(sb: Sandbox, time: FakeTime, **options: Any) -> AsyncIterator[Agent]:
    """An :class:`Agent` on its own executor (see :func:`build_executor` for ``options``)."""
    executor, auth = build_executor(sb, time, **options)
    async with executor:
        yield Agent(sb, executor, auth, time)


@pytest.fixture
async def agent(sb: Sandbox, fake_time: FakeTime) -> AsyncIterator[Agent]:
    async with open_agent(sb, fake_time) as opened:
        yield opened


def only(records: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(records) == 1, records
    return records[0]


class FailingAuth(httpx.Auth):
    """An auth whose flow raises before the request is sent (a refresh that failed)."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        raise self.error
        yield request  # pragma: no cover - makes this a generator
