"""Request-level errors: authentication, scopes, URL patterns, methods and modules."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.clocks import Clock
from zoho_tools.sandbox import Sandbox

from .conftest import API, client_for, error_of, insert


def test_no_authorization_header(sb: Sandbox) -> None:
    with httpx.Client(transport=sb.transport(), base_url=sb.base_url) as anonymous:
        response = anonymous.get(f"{API}/users")
    assert response.status_code == 401
    assert response.json() == {
        "code": "AUTHENTICATION_FAILURE",
        "details": {},
        "message": "Authentication failed",
        "status": "error",
    }


@pytest.mark.parametrize(
    "header", ["Zoho-oauthtoken", "Zoho-oauthtoken    ", "Bearer {token}", "{token}"]
)
def test_garbled_authorization_header(sb: Sandbox, header: str) -> None:
    token = sb.issue_token()["access_token"]
    headers = {"Authorization": header.format(token=token)}
    with httpx.Client(transport=sb.transport(), base_url=sb.base_url, headers=headers) as client:
        assert error_of(client.get(f"{API}/users"))[:2] == (401, "AUTHENTICATION_FAILURE")


def test_unknown_token(sb: Sandbox) -> None:
    headers = {"Authorization": "Zoho-oauthtoken 1000.deadbeef.cafe"}
    with httpx.Client(transport=sb.transport(), base_url=sb.base_url, headers=headers) as client:
        response = client.get(f"{API}/users")
    assert response.json() == {
        "code": "INVALID_TOKEN",
        "details": {},
        "message": "invalid oauth token",
        "status": "error",
    }
    assert response.status_code == 401


def test_expired_token(sb: Sandbox, clock: Clock) -> None:
    with client_for(sb) as client:
        clock.advance(3600)
        assert error_of(client.get(f"{API}/users"))[:2] == (401, "INVALID_TOKEN")


def test_unauthenticated_calls_cost_no_credit(sb: Sandbox) -> None:
    with httpx.Client(transport=sb.transport(), base_url=sb.base_url) as anonymous:
        anonymous.get(f"{API}/users")
    assert sb.credits_used == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/crm/v7"),
        ("GET", "/crm/v2/Contacts"),
        ("GET", "/crm/v7/Contacts/1/related/x"),
        ("GET", "/crm/v7/settings/pipelines"),
        ("GET", "/nothing/here"),
    ],
)
def test_invalid_url_pattern(client: httpx.Client, method: str, path: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 404
    assert response.json()["code"] == "INVALID_URL_PATTERN"
    assert response.json()["message"] == "Please check if the URL trying to access is a correct one"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", f"{API}/Contacts"),
        ("POST", f"{API}/Contacts/123"),
        ("DELETE", f"{API}/users"),
        ("GET", f"{API}/Contacts/actions/add_tags"),
    ],
)
def test_invalid_request_method(client: httpx.Client, method: str, path: str) -> None:
    status, code, _ = error_of(client.request(method, path))
    assert (status, code) == (400, "INVALID_REQUEST_METHOD")


@pytest.mark.parametrize("module", ["Widgets", "Activities", "Campaigns"])
def test_invalid_module(client: httpx.Client, module: str) -> None:
    response = client.get(f"{API}/{module}", params={"fields": "Name"})
    assert response.status_code == 400
    assert response.json() == {
        "code": "INVALID_MODULE",
        "details": {"resource_path_index": 0},
        "message": "the module name given seems to be invalid",
        "status": "error",
    }


# --- scopes -----------------------------------------------------------------------------------


def status_and_code(
    sb: Sandbox, scopes: list[str], method: str, path: str, **kwargs: Any
) -> tuple[int, str | None]:
    with client_for(sb, scopes) as client:
        response = client.request(method, path, **kwargs)
    code = response.json().get("code") if response.status_code >= 400 else None
    return response.status_code, code


CONTACT = {"json": {"data": [{"Last_Name": "Scoped"}]}}


@pytest.mark.parametrize(
    ("scopes", "method", "path", "kwargs", "expected"),
    [
        (
            ["ZohoCRM.modules.contacts.READ"],
            "GET",
            f"{API}/Contacts",
            {"params": {"fields": "Last_Name"}},
            200,
        ),
        (
            ["ZohoCRM.modules.contacts.READ"],
            "POST",
            f"{API}/Contacts",
            CONTACT,
            (403, "NO_PERMISSION"),
        ),
        (["ZohoCRM.modules.contacts.CREATE"], "POST", f"{API}/Contacts", CONTACT, 201),
        (["ZohoCRM.modules.contacts.WRITE"], "POST", f"{API}/Contacts", CONTACT, 201),
        (["ZohoCRM.modules.contacts.ALL"], "POST", f"{API}/Contacts", CONTACT, 201),
        (
            ["ZohoCRM.modules.leads.ALL"],
            "POST",
            f"{API}/Contacts",
            CONTACT,
            (401, "OAUTH_SCOPE_MISMATCH"),
        ),
        (["ZohoCRM.modules.ALL"], "POST", f"{API}/Contacts", CONTACT, 201),
        (
            ["ZohoCRM.modules.contacts.CREATE"],
            "DELETE",
            f"{API}/Contacts",
            {"params": {"ids": "1"}},
            (403, "NO_PERMISSION"),
        ),
        (["ZohoCRM.users.READ"], "GET", f"{API}/users", {}, 200),
        (["ZohoCRM.modules.ALL"], "GET", f"{API}/users", {}, (401, "OAUTH_SCOPE_MISMATCH")),
        (["ZohoCRM.org.READ"], "GET", f"{API}/org", {}, 200),
        (
            ["ZohoCRM.settings.fields.READ"],
            "GET",
            f"{API}/settings/fields",
            {"params": {"module": "Leads"}},
            200,
        ),
        (
            ["ZohoCRM.settings.ALL"],
            "GET",
            f"{API}/settings/tags",
            {"params": {"module": "Leads"}},
            200,
        ),
        (
            ["ZohoCRM.settings.fields.READ"],
            "GET",
            f"{API}/settings/tags",
            {"params": {"module": "Leads"}},
            (401, "OAUTH_SCOPE_MISMATCH"),
        ),
        (
            ["ZohoCRM.modules.Appointments.READ"],
            "GET",
            f"{API}/Appointments__s",
            {"params": {"fields": "Status"}},
            200,
        ),
        (["zohocrm.modules.all"], "GET", f"{API}/Deals", {"params": {"fields": "Deal_Name"}}, 200),
    ],
)
def test_scopes(
    sb: Sandbox, scopes: list[str], method: str, path: str, kwargs: dict[str, Any], expected: object
) -> None:
    status, code = status_and_code(sb, scopes, method, path, **kwargs)
    assert (status if code is None else (status, code)) == expected


def test_no_permission_names_the_permission(sb: Sandbox) -> None:
    with client_for(sb, ["ZohoCRM.modules.contacts.READ"]) as client:
        response = insert(client, "Contacts", {"Last_Name": "X"})
    assert response.json() == {
        "code": "NO_PERMISSION",
        "details": {"permissions": ["Crm_Implied_Create_Contacts"]},
        "message": "Permission denied to add records",
        "status": "error",
    }


def test_scope_mismatch_body(sb: Sandbox) -> None:
    with client_for(sb, ["ZohoCRM.modules.leads.ALL"]) as client:
        response = client.get(f"{API}/Contacts", params={"fields": "Last_Name"})
    assert response.json() == {
        "code": "OAUTH_SCOPE_MISMATCH",
        "details": {},
        "message": "invalid oauth scope to access this URL",
        "status": "error",
    }


def test_search_also_needs_the_secure_search_scope(sb: Sandbox) -> None:
    path, params = f"{API}/Contacts/search", {"params": {"word": "John"}}
    assert status_and_code(sb, ["ZohoCRM.modules.ALL"], "GET", path, **params) == (
        401,
        "OAUTH_SCOPE_MISMATCH",
    )
    both = ["ZohoCRM.modules.contacts.READ", "ZohoSearch.securesearch.READ"]
    assert status_and_code(sb, both, "GET", path, **params) == (200, None)
    only_search = ["ZohoSearch.securesearch.READ"]
    assert status_and_code(sb, only_search, "GET", path, **params) == (401, "OAUTH_SCOPE_MISMATCH")


def test_notes_need_the_notes_scope(sb: Sandbox) -> None:
    john = sb.find("Contacts", Full_Name="John Smith")[0]
    note = {"json": {"data": [{"Note_Content": "Hi"}]}}
    path = f"{API}/Contacts/{john['id']}/Notes"
    assert status_and_code(sb, ["ZohoCRM.modules.contacts.ALL"], "POST", path, **note) == (
        401,
        "OAUTH_SCOPE_MISMATCH",
    )
    scopes = ["ZohoCRM.modules.contacts.ALL", "ZohoCRM.modules.notes.CREATE"]
    assert status_and_code(sb, scopes, "POST", path, **note) == (201, None)
    assert (
        status_and_code(sb, ["ZohoCRM.modules.notes.READ"], "POST", f"{API}/Notes", **note)[1]
        == "NO_PERMISSION"
    )


def test_scope_errors_are_checked_before_the_body(sb: Sandbox) -> None:
    # A read-only token sending a malformed body hears about its scope, not the body.
    with client_for(sb, ["ZohoCRM.modules.contacts.READ"]) as client:
        response = client.post(f"{API}/Contacts", json={"nope": 1})
    assert response.json()["code"] == "NO_PERMISSION"
