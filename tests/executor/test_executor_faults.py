"""The executor's fault table: every exception a request can raise instead of Zoho's answer
becomes the result the table says, retried only when that is safe, and nothing escapes."""

from __future__ import annotations

import httpx
import pytest

from tests.clocks import FakeTime
from zoho_tools.auth.errors import AccountsUnavailable, InvalidGrant, RefreshThrottled
from zoho_tools.catalog import CATALOG
from zoho_tools.executor import FAULTS, Executor, RetryPolicy
from zoho_tools.rendering import ActionRequest
from zoho_tools.results import AUTH_THROTTLED, NETWORK_ERROR, NOT_CONNECTED, OUTCOME_UNKNOWN

from .conftest import FailingAuth

API = "https://www.zohoapis.com"
ATTEMPTS = 3


def _raising(exc: type[httpx.TransportError]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc("injected fault", request=request)

    return httpx.MockTransport(handler)


#: One fault of each kind, what it must come to for a create (not idempotent), and how many
#: attempts that takes: only a fault that certainly left Zoho untouched is retried.
CASES: list[tuple[Exception | type[httpx.TransportError], str, int]] = [
    (httpx.ConnectError, NETWORK_ERROR, ATTEMPTS),
    (httpx.ConnectTimeout, NETWORK_ERROR, ATTEMPTS),
    (httpx.PoolTimeout, NETWORK_ERROR, ATTEMPTS),
    (httpx.ReadTimeout, OUTCOME_UNKNOWN, 1),
    (httpx.WriteTimeout, OUTCOME_UNKNOWN, 1),
    (httpx.ReadError, OUTCOME_UNKNOWN, 1),
    (httpx.RemoteProtocolError, OUTCOME_UNKNOWN, 1),
    (RefreshThrottled("Zoho refused to refresh: too many requests; wait"), AUTH_THROTTLED, 1),
    (AccountsUnavailable("accounts.zoho.com did not answer; try again"), NETWORK_ERROR, ATTEMPTS),
    (InvalidGrant("the refresh token was revoked; reconnect"), NOT_CONNECTED, 1),
]


def _executor(fault: Exception | type[httpx.TransportError], time: FakeTime) -> Executor:
    if isinstance(fault, Exception):
        transport = httpx.MockTransport(lambda request: pytest.fail("sent without a token"))
        auth: httpx.Auth | None = FailingAuth(fault)
    else:
        transport, auth = _raising(fault), None
    return Executor(
        api_domain=API,
        auth=auth,
        transport=transport,
        retry=RetryPolicy(budget=60.0, max_attempts=ATTEMPTS),
        sleep=time.sleep,
        clock=time.clock,
        jitter=lambda: 1.0,
    )


@pytest.mark.parametrize(("fault", "code", "attempts"), CASES, ids=lambda v: str(v)[:40])
async def test_each_fault_becomes_its_result(
    fault: Exception | type[httpx.TransportError], code: str, attempts: int
) -> None:
    time = FakeTime()
    create = CATALOG["create_task"]
    async with _executor(fault, time) as executor:
        result = await executor.execute(ActionRequest(create, {"subject": "Call back"}))
    assert (result.status, result.code) == ("error", code)
    assert result.attempts == attempts
    assert len(time.sleeps) == attempts - 1


def test_every_entry_of_the_table_is_exercised_and_none_is_shadowed() -> None:
    kinds = [kind for kind, _ in FAULTS]
    matched = set()
    for fault, _, _ in CASES:
        kind = fault if isinstance(fault, type) else type(fault)
        matched.add(next(k for k in kinds if issubclass(kind, k)))
    assert matched == set(kinds)
    for i, earlier in enumerate(kinds):
        for later in kinds[i + 1 :]:
            assert not issubclass(later, earlier), f"{later.__name__} is hidden by {earlier}"


async def test_an_exception_the_table_does_not_map_is_not_swallowed() -> None:
    # A bug (here in a transport) is no fault of Zoho's: it rises, it is not a result.
    def handler(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("a bug")

    executor = Executor(api_domain=API, transport=httpx.MockTransport(handler))
    async with executor:
        with pytest.raises(RuntimeError, match="a bug"):
            await executor.execute(ActionRequest(CATALOG["search_contact"], {"query": "John"}))
