"""Users, org, metadata, tags and the recycle bin."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from zoho_tools.sandbox import Sandbox

from .conftest import API, client_for, error_of, one

# --- users ------------------------------------------------------------------------------------


def test_all_users(client: httpx.Client, sb: Sandbox) -> None:
    body = client.get(f"{API}/users", params={"type": "AllUsers"}).json()
    assert [u["full_name"] for u in body["users"]] == ["Avery Chen", "Jordan Reyes", "Sam Patel"]
    assert body["info"] == {"per_page": 200, "count": 3, "page": 1, "more_records": False}
    admin = body["users"][0]
    assert admin["id"] == sb.current_user_id
    assert (admin["status"], admin["role"]["name"], admin["profile"]["name"]) == (
        "active",
        "CEO",
        "Administrator",
    )
    assert admin["email"] == "avery.chen@zylker.example"


def test_current_user_is_the_token_owner(sb: Sandbox) -> None:
    sam = sb.users[2]
    with client_for(sb, user_id=sam["id"]) as client:
        users = client.get(f"{API}/users", params={"type": "CurrentUser"}).json()["users"]
        assert [u["id"] for u in users] == [sam["id"]]
        created = client.post(f"{API}/Contacts", json={"data": [{"Last_Name": "BySam"}]}).json()
    assert created["data"][0]["details"]["Created_By"]["name"] == "Sam Patel"
    assert one(sb, "Contacts", Last_Name="BySam")["Owner"]["id"] == sam["id"]


@pytest.mark.parametrize(
    ("kind", "count"), [("AdminUsers", 1), ("ActiveUsers", 3), ("ActiveConfirmedAdmins", 1)]
)
def test_user_types(client: httpx.Client, kind: str, count: int) -> None:
    assert len(client.get(f"{API}/users", params={"type": kind}).json()["users"]) == count


def test_no_user_of_a_type_is_204(client: httpx.Client) -> None:
    assert client.get(f"{API}/users", params={"type": "DeletedUsers"}).status_code == 204


def test_unknown_user_type(client: httpx.Client) -> None:
    assert error_of(client.get(f"{API}/users", params={"type": "Robots"}))[:2] == (
        400,
        "INVALID_DATA",
    )


def test_user_by_id(client: httpx.Client, sb: Sandbox) -> None:
    jordan = sb.users[1]
    assert client.get(f"{API}/users/{jordan['id']}").json() == {"users": [jordan]}
    assert client.get(f"{API}/users/6421873000009999999").status_code == 204


def test_org(client: httpx.Client) -> None:
    (org,) = client.get(f"{API}/org").json()["org"]
    assert org["company_name"] == "Zylker Inc."
    assert org["time_zone"] == "America/New_York"
    assert org["primary_email"] == "avery.chen@zylker.example"


# --- metadata ---------------------------------------------------------------------------------


def fields_of(client: httpx.Client, module: str) -> dict[str, dict[str, Any]]:
    response = client.get(f"{API}/settings/fields", params={"module": module})
    assert response.status_code == 200
    return {f["api_name"]: f for f in response.json()["fields"]}


def test_field_metadata_shapes(client: httpx.Client) -> None:
    calls = fields_of(client, "Calls")
    call_type = calls["Call_Type"]
    assert (call_type["data_type"], call_type["system_mandatory"]) == ("picklist", True)
    assert call_type["pick_list_values"] == [
        {"display_value": v, "actual_value": v, "sequence_number": i + 1}
        for i, v in enumerate(["Inbound", "Outbound", "Missed"])
    ]
    assert calls["Call_Start_Time"]["data_type"] == "datetime"
    contacts = fields_of(client, "Contacts")
    assert contacts["Account_Name"]["data_type"] == "lookup"
    assert contacts["Account_Name"]["lookup"]["module"]["api_name"] == "Accounts"
    assert contacts["Email"]["length"] == 100
    assert contacts["Full_Name"]["read_only"] is True
    assert fields_of(client, "Accounts")["Account_Name"]["unique"] == {"casesensitive": False}


@pytest.mark.parametrize(
    ("module", "mandatory"),
    [
        ("Contacts", {"Last_Name"}),
        ("Leads", {"Last_Name", "Company"}),
        ("Accounts", {"Account_Name"}),
        ("Deals", {"Deal_Name", "Stage", "Closing_Date"}),
        ("Cases", {"Subject", "Status", "Case_Origin"}),
        ("Tasks", {"Subject"}),
        ("Calls", {"Subject", "Call_Type", "Call_Start_Time", "Call_Duration"}),
        ("Events", {"Event_Title", "Start_DateTime", "End_DateTime"}),
        ("Notes", {"Note_Content", "Parent_Id"}),
        ("Products", {"Product_Name"}),
        ("Quotes", {"Subject", "Quoted_Items"}),
        ("Solutions", {"Solution_Title"}),
        ("Services__s", {"Service_Name"}),
        (
            "Appointments__s",
            {
                "Owner",
                "Appointment_Name",
                "Appointment_For",
                "Service_Name",
                "Appointment_Start_Time",
                "Location",
            },
        ),
    ],
)
def test_mandatory_fields_in_metadata(
    client: httpx.Client, module: str, mandatory: set[str]
) -> None:
    assert {name for name, f in fields_of(client, module).items() if f["mandatory"]} == mandatory


def test_fields_needs_a_valid_module(client: httpx.Client) -> None:
    assert error_of(client.get(f"{API}/settings/fields"))[:3] == (
        400,
        "REQUIRED_PARAM_MISSING",
        {"param_name": "module"},
    )
    assert (
        error_of(client.get(f"{API}/settings/fields", params={"module": "Nope"}))[1]
        == "INVALID_MODULE"
    )


def test_layouts_mark_what_the_layout_requires(client: httpx.Client, sb: Sandbox) -> None:
    [layout] = client.get(f"{API}/settings/layouts", params={"module": "Leads"}).json()["layouts"]
    assert (layout["name"], layout["status"]) == ("Standard", "active")
    fields = {f["api_name"]: f for section in layout["sections"] for f in section["fields"]}
    assert fields["Company"]["required"] and not fields["Company"]["system_mandatory"]
    assert fields["Last_Name"]["required"] and not fields["Email"]["required"]
    assert error_of(client.get(f"{API}/settings/layouts"))[1] == "REQUIRED_PARAM_MISSING"
    with client_for(sb, scopes="ZohoCRM.modules.ALL") as unscoped:
        denied = unscoped.get(f"{API}/settings/layouts", params={"module": "Leads"})
    assert denied.status_code == 401 and denied.json()["code"] == "OAUTH_SCOPE_MISMATCH"


def test_an_orgs_own_picklist_is_served_and_enforced(client: httpx.Client, sb: Sandbox) -> None:
    sb.set_picklist("Cases", "Status", ["Open", "Waiting", "Solved"])
    status = fields_of(client, "Cases")["Status"]
    assert [v["actual_value"] for v in status["pick_list_values"]] == ["Open", "Waiting", "Solved"]
    standard = {"Subject": "X", "Case_Origin": "Phone"}
    refused = client.post(f"{API}/Cases", json={"data": [{**standard, "Status": "New"}]})
    assert refused.json()["data"][0]["details"]["expected_data_type"] == "picklist"
    added = client.post(f"{API}/Cases", json={"data": [{**standard, "Status": "Waiting"}]})
    assert added.json()["data"][0]["code"] == "SUCCESS"


def test_modules(client: httpx.Client) -> None:
    modules = client.get(f"{API}/settings/modules").json()["modules"]
    assert {m["api_name"] for m in modules} == {
        "Contacts", "Leads", "Accounts", "Deals", "Cases", "Tasks", "Calls", "Events", "Notes",
        "Products", "Quotes", "Appointments__s", "Solutions", "Services__s",
    }  # fmt: skip
    assert client.get(f"{API}/settings/modules/Deals").json()["modules"][0]["api_name"] == "Deals"


# --- tags -------------------------------------------------------------------------------------


def tag_names(record: dict[str, Any]) -> list[str]:
    return [t["name"] for t in record["Tag"]]


def test_tag_list(client: httpx.Client) -> None:
    body = client.get(f"{API}/settings/tags", params={"module": "Contacts"}).json()
    assert [t["name"] for t in body["tags"]] == ["VIP"]
    assert body["info"] == {"count": 1, "allowed_count": 200}
    tag = body["tags"][0]
    assert set(tag) == {
        "created_time",
        "modified_time",
        "name",
        "modified_by",
        "id",
        "created_by",
        "color_code",
    }


def test_tag_list_needs_a_module(client: httpx.Client) -> None:
    assert error_of(client.get(f"{API}/settings/tags"))[:3] == (
        400,
        "REQUIRED_PARAM_MISSING",
        {"param_name": "module"},
    )


def test_add_tags_to_one_record_creates_tags_on_the_fly(client: httpx.Client, sb: Sandbox) -> None:
    jane = one(sb, "Contacts", Full_Name="Jane Doe")

    response = client.post(
        f"{API}/Contacts/{jane['id']}/actions/add_tags",
        json={"tags": [{"name": "Decision Maker"}, {"name": "vip"}]},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["success_count"], body["locked_count"]) == ("1", "0")
    result = body["data"][0]
    assert (result["code"], result["message"], result["details"]["id"]) == (
        "SUCCESS",
        "tags updated successfully",
        jane["id"],
    )
    assert [t["name"] for t in result["details"]["tags"]] == ["Decision Maker", "VIP"]
    assert tag_names(one(sb, "Contacts", Full_Name="Jane Doe")) == ["Decision Maker", "VIP"]
    listed = client.get(f"{API}/settings/tags", params={"module": "Contacts"}).json()["tags"]
    assert sorted(t["name"] for t in listed) == ["Decision Maker", "VIP"]


def test_add_tags_to_many_records_by_ids(client: httpx.Client, sb: Sandbox) -> None:
    ids = [one(sb, "Leads", Full_Name=n)["id"] for n in ("Carlos Mendez", "Olivia Brown")]

    response = client.post(
        f"{API}/Leads/actions/add_tags",
        json={"tags": [{"name": "Spring"}], "ids": [*ids, "6421873000009999999"]},
    )

    assert response.status_code == 207
    assert [r["status"] for r in response.json()["data"]] == ["success", "success", "error"]
    assert response.json()["success_count"] == "2"
    assert all(
        tag_names(one(sb, "Leads", Full_Name=n)) == ["Spring"]
        for n in ("Carlos Mendez", "Olivia Brown")
    )


def test_add_tags_by_id_and_overwrite(client: httpx.Client, sb: Sandbox) -> None:
    john = one(sb, "Contacts", Full_Name="John Smith")
    new = client.post(
        f"{API}/Contacts/{john['id']}/actions/add_tags", json={"tags": [{"name": "Fleet"}]}
    ).json()
    fleet_id = next(t["id"] for t in new["data"][0]["details"]["tags"] if t["name"] == "Fleet")

    client.post(
        f"{API}/Contacts/{john['id']}/actions/add_tags",
        json={"tags": [{"id": fleet_id}], "over_write": True},
    )

    assert tag_names(one(sb, "Contacts", Full_Name="John Smith")) == ["Fleet"]


def test_remove_tags(client: httpx.Client, sb: Sandbox) -> None:
    john = one(sb, "Contacts", Full_Name="John Smith")
    response = client.post(
        f"{API}/Contacts/actions/remove_tags",
        json={"tags": [{"name": "VIP"}, {"name": "Unknown"}], "ids": [john["id"]]},
    )
    body = response.json()
    assert (
        response.status_code == 200 and body["locked_count"] == "0" and "success_count" not in body
    )
    assert body["data"][0]["details"]["tags"] == []
    assert tag_names(one(sb, "Contacts", Full_Name="John Smith")) == []


@pytest.mark.parametrize(
    ("path", "body", "api_name"),
    [
        ("/Contacts/actions/add_tags", {"tags": [{"name": "X"}]}, "ids"),
        ("/Contacts/actions/add_tags", {"ids": ["1"]}, "tags"),
        ("/Contacts/actions/add_tags", {"tags": [], "ids": ["1"]}, "tags"),
    ],
)
def test_add_tags_body_errors(
    client: httpx.Client, path: str, body: dict[str, object], api_name: str
) -> None:
    status, code, details = error_of(client.post(f"{API}{path}", json=body))
    assert (status, code, details["api_name"]) == (400, "MANDATORY_NOT_FOUND", api_name)


def test_add_tags_at_most_500_ids(client: httpx.Client) -> None:
    body = {"tags": [{"name": "X"}], "ids": [str(i) for i in range(501)]}
    assert error_of(client.post(f"{API}/Contacts/actions/add_tags", json=body))[:2] == (
        400,
        "LIMIT_EXCEEDED",
    )


def test_unknown_tag_id(client: httpx.Client, sb: Sandbox) -> None:
    john = one(sb, "Contacts", Full_Name="John Smith")
    response = client.post(
        f"{API}/Contacts/{john['id']}/actions/add_tags", json={"tags": [{"id": "123"}]}
    )
    assert error_of(response)[:2] == (400, "INVALID_DATA")


# --- recycle bin ------------------------------------------------------------------------------


def test_empty_recycle_bin_is_204(client: httpx.Client) -> None:
    assert client.get(f"{API}/settings/recycle_bin").status_code == 204


def test_recycle_bin_lists_deleted_records(client: httpx.Client, sb: Sandbox) -> None:
    deal = one(sb, "Deals", Deal_Name="Stark - Warehouse Sensors")
    client.delete(f"{API}/Deals/{deal['id']}")

    body = client.get(f"{API}/settings/recycle_bin").json()
    (entry,) = body["recycle_bin"]
    assert entry["display_name"] == "Stark - Warehouse Sensors"
    assert entry["module"]["api_name"] == "Deals"
    assert entry["deleted_by"] == {"name": "Avery Chen", "id": sb.current_user_id}
    assert body["info"]["count"] == 1
    assert (
        client.get(f"{API}/settings/recycle_bin/{deal['id']}").json()["recycle_bin"][0]["id"]
        == deal["id"]
    )
    assert client.get(f"{API}/settings/recycle_bin/123").status_code == 204


def test_lookups_to_deleted_records_render_as_null(client: httpx.Client, sb: Sandbox) -> None:
    stark = one(sb, "Accounts", Account_Name="Stark Logistics")
    client.delete(f"{API}/Accounts/{stark['id']}")
    assert one(sb, "Deals", Deal_Name="Stark - Warehouse Sensors")["Account_Name"] is None


def test_related_notes(client: httpx.Client, sb: Sandbox) -> None:
    john = one(sb, "Contacts", Full_Name="John Smith")
    path = f"{API}/Contacts/{john['id']}/Notes"

    created = client.post(
        path, json={"data": [{"Note_Title": "Renewal", "Note_Content": "Wants 25 units"}]}
    )
    listed = client.get(path, params={"fields": "Note_Title,Note_Content"})

    assert created.status_code == 201
    assert [n["Note_Title"] for n in listed.json()["data"]] == ["Call preference", "Renewal"]
    jane = one(sb, "Contacts", Full_Name="Jane Doe")
    assert (
        client.get(
            f"{API}/Contacts/{jane['id']}/Notes", params={"fields": "Note_Title"}
        ).status_code
        == 204
    )
    assert (
        client.post(f"{API}/Contacts/123/Notes", json={"data": [{"Note_Content": "x"}]}).status_code
        == 400
    )
