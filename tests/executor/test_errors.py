"""Every error the model can act on, from the sandbox's real answers, mapped to Zoho's code, the
action's own parameter name and a hint saying what to do next; 204 read as "empty"."""

from __future__ import annotations

import httpx
import pytest

from tests.clocks import Clock, FakeTime
from zoho_tools.arguments import prepare
from zoho_tools.catalog import CATALOG
from zoho_tools.results import NOT_CONNECTED
from zoho_tools.sandbox import Sandbox

from .conftest import Agent, only, open_agent

RECONNECT = "reconnect with `zoho-tools connect`"
SEARCH_FIRST = "Search for the record first"
MISSING_ID = "6421873999999999999"


async def test_mandatory_field_missing_names_the_parameter_to_ask_for(agent: Agent) -> None:
    # prepare() would ask for it first; Zoho must say the same to a caller that skipped prepare.
    assert [p.name for p in prepare(CATALOG["create_contact"], {"first_name": "Ann"}).missing] == [
        "last_name"
    ]
    result = await agent.send("create_contact", {"first_name": "Ann"})
    assert (result.status, result.code, result.field) == (
        "error",
        "MANDATORY_NOT_FOUND",
        "last_name",
    )
    assert result.hint == "Ask the caller for last_name, then repeat the call with it."
    answer = agent.requests("POST", "/Contacts")[-1].response["data"][0]
    assert answer["details"]["api_name"] == "Last_Name"  # Zoho's name, mapped to ours
    assert agent.sb.find("Contacts", First_Name="Ann") == []


@pytest.mark.parametrize("due_date", ["tomorrow", "2026-13-45", "31/12/2026"])
async def test_invalid_data_names_the_parameter_and_its_format(agent: Agent, due_date: str) -> None:
    result = await agent.send("create_task", {"subject": "Call back", "due_date": due_date})
    assert (result.code, result.field) == ("INVALID_DATA", "due_date")
    assert result.hint == "Send due_date as a date yyyy-MM-dd, then retry."
    details = agent.requests("POST", "/Tasks")[-1].response["data"][0]["details"]
    assert details["expected_data_type"] == "date"
    assert agent.sb.find("Tasks", Subject="Call back") == []


async def test_a_lookup_to_a_missing_record_says_search_first(agent: Agent) -> None:
    result = await agent.run("create_task", {"subject": "Call back", "contact": MISSING_ID})
    assert (result.code, result.field) == ("INVALID_DATA", "contact")
    assert SEARCH_FIRST in (result.hint or "")


@pytest.mark.parametrize(
    ("action", "arguments", "status", "code"),
    [
        ("get_contact", {}, "error", "RECORD_NOT_FOUND"),
        ("update_contact", {"email": "x@example.com"}, "error", "RECORD_NOT_FOUND"),
        ("delete_contact", {}, "error", "RECORD_NOT_FOUND"),
    ],
)
async def test_an_id_that_is_no_record_says_search_first(
    agent: Agent, action: str, arguments: dict[str, str], status: str, code: str | None
) -> None:
    result = await agent.run(action, {"id": MISSING_ID, **arguments})
    assert (result.status, result.code, result.field) == (status, code, None)
    assert result.hint == "No record has that id. Search for the record first and use its id."
    assert len(agent.requests(path=f"/Contacts/{MISSING_ID}")) == 1  # not retried


@pytest.mark.parametrize("name", ["Acme Corp", "ACME CORP"])
async def test_duplicate_data_points_at_the_existing_record(agent: Agent, name: str) -> None:
    acme = only(agent.sb.find("Accounts", Account_Name="Acme Corp"))
    accounts = len(agent.sb.records("Accounts"))
    result = await agent.run("create_account", {"account_name": name})
    assert (result.code, result.field) == ("DUPLICATE_DATA", "account_name")
    assert result.data["id"] == acme["id"]
    assert "offer to update that record" in (result.hint or "")
    assert len(agent.sb.records("Accounts")) == accounts

    # The id it gives is usable: the update it suggests goes through.
    updated = await agent.run(
        "update_account", {"id": result.data["id"], "website": "https://acme.example"}
    )
    assert updated.ok
    assert only(agent.sb.find("Accounts", id=acme["id"]))["Website"] == "https://acme.example"


async def test_renaming_onto_an_existing_name_is_a_duplicate_too(agent: Agent) -> None:
    initech = only(agent.sb.find("Accounts", Account_Name="Initech"))
    globex = only(agent.sb.find("Accounts", Account_Name="Globex Corporation"))
    result = await agent.run(
        "update_account", {"id": initech["id"], "account_name": "Globex Corporation"}
    )
    assert (result.code, result.field, result.data["id"]) == (
        "DUPLICATE_DATA",
        "account_name",
        globex["id"],
    )
    assert only(agent.sb.find("Accounts", id=initech["id"]))["Account_Name"] == "Initech"


async def test_no_permission_for_a_read_only_connection(sb: Sandbox, fake_time: FakeTime) -> None:
    async with open_agent(sb, fake_time, scopes=["ZohoCRM.modules.contacts.READ"]) as agent:
        assert (await agent.run("get_contact", {"id": sb.records("Contacts")[0]["id"]})).ok
        result = await agent.run("create_contact", {"last_name": "Nguyen"})
    assert (result.status, result.code, result.http_status) == ("error", "NO_PERMISSION", 403)
    assert "not allowed" in (result.hint or "")
    assert "do not retry" in (result.hint or "")
    assert sb.find("Contacts", Last_Name="Nguyen") == []


@pytest.mark.parametrize(
    ("action", "arguments"),
    [
        ("create_task", {"subject": "Call back"}),  # no Tasks scope at all
        ("search_contact", {"query": "John"}),  # Contacts, but not ZohoSearch.securesearch.READ
    ],
)
async def test_a_scope_the_connection_lacks_says_reconnect(
    sb: Sandbox, fake_time: FakeTime, action: str, arguments: dict[str, str]
) -> None:
    async with open_agent(sb, fake_time, scopes=["ZohoCRM.modules.contacts.ALL"]) as agent:
        result = await agent.run(action, arguments)
    assert (result.code, result.http_status) == ("OAUTH_SCOPE_MISMATCH", 401)
    assert "lacks the permission (scope)" in (result.hint or "")
    assert "zoho-tools connect" in (result.hint or "")


async def test_no_authorization_at_all_is_an_authentication_failure(
    sb: Sandbox, fake_time: FakeTime
) -> None:
    async with open_agent(sb, fake_time, authenticated=False) as agent:
        result = await agent.run("search_contact", {"query": "John"})
    assert (result.code, result.http_status) == ("AUTHENTICATION_FAILURE", 401)
    assert "reconnect with `zoho-tools connect`" in (result.hint or "")


async def revoke(sb: Sandbox, token: str) -> None:
    """Revoke at the accounts server, as a user removing the app in Zoho Accounts would."""
    async with httpx.AsyncClient(transport=sb.async_transport()) as http:
        answer = await http.post(f"{sb.base_url}/oauth/v2/token/revoke", data={"token": token})
    assert answer.json() == {"status": "success"}


@pytest.mark.parametrize("expire", [True, False], ids=["expired", "rejected-mid-call"])
async def test_a_revoked_refresh_token_says_reconnect_and_raises_nothing(
    agent: Agent, clock: Clock, expire: bool
) -> None:
    assert (await agent.run("search_contact", {"query": "John"})).ok
    assert agent.auth is not None
    refresh_token = agent.auth.token().refresh_token
    assert refresh_token
    await revoke(agent.sb, refresh_token)
    if expire:
        clock.advance(2 * 3600)  # refreshed before sending
    # else the old access token is sent, rejected with INVALID_TOKEN, and refreshed then

    result = await agent.run("search_contact", {"query": "John"})
    assert (result.status, result.code) == ("error", NOT_CONNECTED)
    assert RECONNECT in result.message
    assert "zoho-tools connect" in (result.hint or "")
    refreshes = agent.sb.log.matching("POST", "/oauth/v2/token")
    assert [e.response for e in refreshes] == [{"error": "invalid_code"}]
    searches = agent.requests("GET", "/Contacts/search")
    assert [e.status for e in searches] == ([200] if expire else [200, 401])


async def test_a_revoked_refresh_token_keeps_saying_reconnect(agent: Agent, clock: Clock) -> None:
    assert agent.auth is not None
    await revoke(agent.sb, agent.auth.token().refresh_token or "")
    clock.advance(2 * 3600)
    codes = [(await agent.run("search_contact", {"query": "John"})).code for _ in range(12)]
    assert codes == [NOT_CONNECTED] * 12


async def test_a_token_refused_even_after_a_refresh_says_reconnect(
    sb: Sandbox, fake_time: FakeTime
) -> None:
    # The API base points at another data centre than the accounts server: every token it is
    # given is unknown there. One refresh and one retry, then a result, not a loop.
    elsewhere = Sandbox(seed="demo", base_url="https://www.zohoapis.eu.zoho-tools.local")
    async with open_agent(
        sb, fake_time, api_domain=elsewhere.base_url, api_transport=elsewhere.async_transport()
    ) as agent:
        result = await agent.run("search_contact", {"query": "John"})
    assert (result.code, result.http_status) == ("INVALID_TOKEN", 401)
    assert "refused even after a refresh" in (result.hint or "")
    assert "zoho-tools connect" in (result.hint or "")
    assert [e.status for e in elsewhere.log] == [401, 401]
    assert len(sb.log.matching("POST", "/oauth/v2/token")) == 1


async def test_204_is_empty_for_a_search_and_record_not_found_by_id(agent: Agent) -> None:
    search = await agent.run("search_contact", {"query": "Zebediah Quux"})
    assert (search.status, search.count, search.http_status) == ("empty", 0, 204)
    assert "Ask the caller to spell it" in (search.hint or "")
    by_id = await agent.run("get_contact", {"id": MISSING_ID})
    assert (by_id.status, by_id.code, by_id.http_status) == ("error", "RECORD_NOT_FOUND", 204)
    assert by_id.message == "No record with that id."
    assert by_id.hint == "No record has that id. Search for the record first and use its id."
    assert [e.status for e in agent.requests("GET")] == [204, 204]
