"""Executor behaviour with Zoho's HTTP forced by respx: retries, write safety, result mapping."""

from __future__ import annotations

import httpx
import pytest
import respx

from tests.clocks import FakeTime
from zoho_tools.executor import Executor, RetryPolicy
from zoho_tools.rendering import ActionRequest
from zoho_tools.results import OUTCOME_UNKNOWN, RATE_LIMITED, SERVER_ERROR
from zoho_tools.templates import ActionTemplate, Param

from .conftest import FailingAuth

API = "https://www.zohoapis.com"

SEARCH = ActionTemplate(
    name="search_contact",
    title="Search contacts",
    description="Search.",
    category="contacts",
    module="Contacts",
    method="GET",
    path="/Contacts/search",
    params=(Param(name="query", type="search_term"),),
    query={"word": "{{query}}"},
    read_only=True,
    idempotent=True,
    fields=("Full_Name", "Phone"),
)
CREATE = ActionTemplate(
    name="create_contact",
    title="Create contact",
    description="Create.",
    category="contacts",
    module="Contacts",
    method="POST",
    path="/Contacts",
    params=(Param(name="last_name", required=True), Param(name="account_id", type="id")),
    body={"data": [{"Last_Name": "{{last_name}}", "Account_Name": {"id": "{{account_id}}"}}]},
)
GET = ActionTemplate(
    name="get_contact",
    title="Get contact",
    description="Get.",
    category="lookups",
    module="Contacts",
    method="GET",
    path="/Contacts/{{id}}",
    params=(Param(name="id", type="id", required=True),),
    read_only=True,
    idempotent=True,
)


@pytest.fixture
def time_() -> FakeTime:
    return FakeTime()


@pytest.fixture
def executor(time_: FakeTime) -> Executor:
    return Executor(
        api_domain=API,
        retry=RetryPolicy(budget=6.0, max_attempts=4, base_delay=0.25, max_delay=2.0),
        sleep=time_.sleep,
        clock=time_.clock,
        jitter=lambda: 1.0,
    )


def search(term: str = "John") -> ActionRequest:
    return ActionRequest(SEARCH, {"query": term})


@respx.mock
async def test_get_retried_on_429_and_503_then_succeeds(
    executor: Executor, time_: FakeTime
) -> None:
    route = respx.get(f"{API}/crm/v7/Contacts/search").mock(
        side_effect=[
            httpx.Response(429),
            httpx.Response(503),
            httpx.Response(
                200, json={"data": [{"id": "1", "Full_Name": "John Smith"}], "info": {}}
            ),
        ]
    )
    result = await executor.execute(search())
    assert result.ok
    assert result.data == [{"id": "1", "Full_Name": "John Smith"}]
    assert route.call_count == 3
    assert result.attempts == 3
    assert time_.sleeps == [0.25, 0.5]


@respx.mock
async def test_retry_after_is_honoured_within_the_budget(
    executor: Executor, time_: FakeTime
) -> None:
    respx.get(f"{API}/crm/v7/Contacts/search").mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(204)]
    )
    result = await executor.execute(search())
    assert result.status == "empty"
    assert time_.sleeps == [2.0]


@respx.mock
async def test_retries_stop_at_the_time_budget(time_: FakeTime) -> None:
    executor = Executor(
        api_domain=API,
        retry=RetryPolicy(budget=1.0, max_attempts=10, base_delay=0.4, max_delay=2.0),
        sleep=time_.sleep,
        clock=time_.clock,
        jitter=lambda: 1.0,
    )
    route = respx.get(f"{API}/crm/v7/Contacts/search").mock(return_value=httpx.Response(503))
    result = await executor.execute(search())
    assert result.code == SERVER_ERROR
    assert "gave up" in result.message
    assert route.call_count == 2  # 0.4 s wait fits in 1 s, the next 0.8 s does not
    assert time_.now < 1.0


@respx.mock
async def test_read_timeout_on_get_is_retried(executor: Executor) -> None:
    respx.get(f"{API}/crm/v7/Contacts/search").mock(
        side_effect=[httpx.ReadTimeout("slow"), httpx.Response(204)]
    )
    assert (await executor.execute(search())).status == "empty"


@respx.mock
@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(500),
        httpx.Response(503),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("drop"),
    ],
)
async def test_create_never_retried_once_it_may_have_reached_zoho(
    executor: Executor, failure: httpx.Response | Exception
) -> None:
    route = respx.post(f"{API}/crm/v7/Contacts").mock(side_effect=[failure])
    result = await executor.execute(ActionRequest(CREATE, {"last_name": "Smith"}))
    assert route.call_count == 1
    assert result.code == OUTCOME_UNKNOWN
    assert "search" in (result.hint or "").lower()


@respx.mock
@pytest.mark.parametrize("failure", [httpx.Response(429), httpx.ConnectError("refused")])
async def test_create_retried_when_zoho_certainly_did_not_act(
    executor: Executor, failure: httpx.Response | Exception
) -> None:
    created = {
        "data": [
            {
                "code": "SUCCESS",
                "details": {"id": "99"},
                "message": "record added",
                "status": "success",
            }
        ]
    }
    route = respx.post(f"{API}/crm/v7/Contacts").mock(
        side_effect=[failure, httpx.Response(201, json=created)]
    )
    result = await executor.execute(ActionRequest(CREATE, {"last_name": "Smith"}))
    assert result.ok
    assert result.data == {"id": "99"}
    assert route.call_count == 2


@respx.mock
async def test_create_rate_limited_until_the_budget_ends_says_rate_limited(
    executor: Executor,
) -> None:
    respx.post(f"{API}/crm/v7/Contacts").mock(return_value=httpx.Response(429))
    result = await executor.execute(ActionRequest(CREATE, {"last_name": "Smith"}))
    assert result.code == RATE_LIMITED
    assert "minute" in (result.hint or "")


@respx.mock
async def test_body_sent_is_the_rendered_template(executor: Executor) -> None:
    route = respx.post(f"{API}/crm/v7/Contacts").mock(
        return_value=httpx.Response(
            201,
            json={
                "data": [
                    {
                        "code": "SUCCESS",
                        "details": {"id": "5"},
                        "message": "record added",
                        "status": "success",
                    }
                ]
            },
        )
    )
    await executor.execute(ActionRequest(CREATE, {"last_name": "Smith", "account_id": "42"}))
    import json

    assert json.loads(route.calls.last.request.content) == {
        "data": [{"Last_Name": "Smith", "Account_Name": {"id": "42"}}]
    }


@respx.mock
async def test_get_by_id_204_means_no_such_record(executor: Executor) -> None:
    respx.get(f"{API}/crm/v7/Contacts/123").mock(return_value=httpx.Response(204))
    result = await executor.execute(ActionRequest(GET, {"id": "123"}))
    assert (result.status, result.code) == ("error", "RECORD_NOT_FOUND")
    assert "Search for the record first" in (result.hint or "")


@respx.mock
async def test_records_are_trimmed_with_a_count(executor: Executor) -> None:
    records = [
        {"id": str(i), "Full_Name": f"P{i}", "Phone": "+1", "Secret_Field": "x"} for i in range(12)
    ]
    respx.get(f"{API}/crm/v7/Contacts/search").mock(
        return_value=httpx.Response(200, json={"data": records, "info": {"more_records": True}})
    )
    result = await executor.execute(search())
    assert result.count == 12
    assert result.more_records
    assert len(result.data) == 5
    assert result.data[0] == {"id": "0", "Full_Name": "P0", "Phone": "+1"}
    assert result.records[11]["Secret_Field"] == "x"  # kept for chaining, not shown


async def test_unsafe_and_unresolvable_requests_never_leave() -> None:
    executor = Executor(
        api_domain=API, transport=httpx.MockTransport(lambda r: pytest.fail("sent"))
    )
    unsafe = await executor.execute(ActionRequest(GET, {"id": "../settings"}))
    assert unsafe.code == "UNSAFE_REQUEST"
    template = ActionTemplate(
        name="note",
        title="t",
        description="d",
        category="c",
        module="Notes",
        method="POST",
        path="/Notes",
        body={"x": "{{call_id}}"},
    )
    missing = await executor.execute(ActionRequest(template, {}))
    assert missing.code == "MISSING_VARIABLE"
    assert "call_id" in missing.message


@pytest.mark.parametrize(
    ("error", "code", "hint_part"),
    [
        ("throttled", "TOKEN_REFRESH_THROTTLED", "try again later"),
        ("revoked", "NOT_CONNECTED", "zoho-tools connect"),
        ("never", "NOT_CONNECTED", "zoho-tools connect"),
    ],
)
async def test_auth_failures_become_results_and_nothing_is_sent(
    error: str, code: str, hint_part: str
) -> None:
    from zoho_tools.auth.errors import InvalidGrant, NotConnected, RefreshThrottled

    exc = {
        "throttled": RefreshThrottled("Zoho refused to refresh: too many requests; wait"),
        "revoked": InvalidGrant("the refresh token was revoked; reconnect"),
        "never": NotConnected(),
    }[error]
    executor = Executor(
        api_domain=API,
        auth=FailingAuth(exc),
        transport=httpx.MockTransport(lambda r: pytest.fail("sent")),
    )
    result = await executor.execute(search())
    assert (result.status, result.code) == ("error", code)
    assert hint_part in (result.hint or "")


@respx.mock
async def test_a_retry_waits_only_for_what_is_left_of_the_budget(
    executor: Executor, time_: FakeTime
) -> None:
    route = respx.get(f"{API}/crm/v7/Contacts/search").mock(
        side_effect=[httpx.Response(503), httpx.Response(204)]
    )
    await executor.execute(search())
    first, second = (call.request.extensions["timeout"]["read"] for call in route.calls)
    assert first == 8.0  # the executor's timeout
    assert second == pytest.approx(6.0 - 0.25)  # the budget, less the backoff already waited


async def test_a_one_letter_search_is_refused_before_any_request() -> None:
    executor = Executor(
        api_domain=API, transport=httpx.MockTransport(lambda r: pytest.fail("sent"))
    )
    result = await executor.execute(ActionRequest(SEARCH, {"query": "J"}))
    assert (result.code, result.status) == ("UNSAFE_REQUEST", "error")
    assert "at least 2 letters or digits" in result.message
    assert "longer name" in (result.hint or "")
