"""Record endpoints: insert, update, delete, get, list; statuses, shapes and 204s."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.clocks import Clock
from zoho_tools.sandbox import Sandbox

from .conftest import API, error_of, first_result, insert, one

ID = re.compile(r"\d{19}")
OFFSET_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")


def test_insert_returns_201_and_zoho_success_shape(
    empty_client: httpx.Client, empty: Sandbox
) -> None:
    response = insert(empty_client, "Contacts", {"First_Name": "Ada", "Last_Name": "Lovelace"})

    assert response.status_code == 201
    result = first_result(response)
    assert result["code"] == "SUCCESS"
    assert result["message"] == "record added"
    assert result["status"] == "success"
    details = result["details"]
    assert ID.fullmatch(details["id"])
    assert OFFSET_TIME.fullmatch(details["Created_Time"])
    assert details["Created_By"] == {"name": "Avery Chen", "id": empty.current_user_id}
    assert details["$approval_state"] == "approved"


def test_inserted_record_has_system_fields_like_zoho(
    empty_client: httpx.Client, empty: Sandbox
) -> None:
    record_id = first_result(
        insert(empty_client, "Contacts", {"First_Name": "Ada", "Last_Name": "Lovelace"})
    )["details"]["id"]

    record = empty_client.get(f"{API}/Contacts/{record_id}").json()["data"][0]

    me = empty.current_user_id
    assert record["id"] == record_id
    assert record["Full_Name"] == "Ada Lovelace"
    assert record["Owner"] == {"name": "Avery Chen", "id": me, "email": "avery.chen@zylker.example"}
    assert record["Created_By"]["id"] == me and record["Modified_By"]["id"] == me
    assert OFFSET_TIME.fullmatch(record["Modified_Time"])
    assert record["Email"] is None  # every field is present, null when empty
    assert record["Email_Opt_Out"] is False  # checkboxes are never null
    assert record["Tag"] == []


def test_lookup_is_returned_as_name_and_id(client: httpx.Client, sb: Sandbox) -> None:
    acme = one(sb, "Accounts", Account_Name="Acme Corp")
    response = insert(client, "Contacts", {"Last_Name": "Roe", "Account_Name": {"id": acme["id"]}})

    record = client.get(f"{API}/Contacts/{first_result(response)['details']['id']}").json()["data"][
        0
    ]

    assert record["Account_Name"] == {"name": "Acme Corp", "id": acme["id"]}


def test_partial_batch_is_207_with_results_at_the_same_index(empty_client: httpx.Client) -> None:
    response = insert(
        empty_client,
        "Contacts",
        {"Last_Name": "Ok"},
        {"First_Name": "No last name"},
        {"Last_Name": "Ok too"},
    )

    assert response.status_code == 207
    statuses = [r["status"] for r in response.json()["data"]]
    assert statuses == ["success", "error", "success"]
    assert response.json()["data"][1]["details"]["json_path"] == "$.data[1].Last_Name"


def test_batch_where_every_record_fails_is_400(empty_client: httpx.Client, empty: Sandbox) -> None:
    response = insert(empty_client, "Contacts", {"First_Name": "A"}, {"First_Name": "B"})

    assert response.status_code == 400
    assert [r["code"] for r in response.json()["data"]] == ["MANDATORY_NOT_FOUND"] * 2
    assert empty.records("Contacts") == []


def test_more_than_100_records_is_refused_whole(empty_client: httpx.Client, empty: Sandbox) -> None:
    response = insert(empty_client, "Contacts", *({"Last_Name": f"P{i}"} for i in range(101)))

    status, code, details = error_of(response)
    assert (status, code, details["limit"]) == (400, "LIMIT_EXCEEDED", 100)
    assert empty.records("Contacts") == []


def test_100_records_are_accepted(empty_client: httpx.Client, empty: Sandbox) -> None:
    response = insert(empty_client, "Contacts", *({"Last_Name": f"P{i}"} for i in range(100)))

    assert response.status_code == 201
    assert len(empty.records("Contacts")) == 100


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "MANDATORY_NOT_FOUND"),
        ({"data": {"Last_Name": "x"}}, "INVALID_DATA"),
        ({"data": []}, "INVALID_DATA"),
        ([{"Last_Name": "x"}], "INVALID_DATA"),
    ],
)
def test_malformed_write_bodies(empty_client: httpx.Client, body: object, code: str) -> None:
    status, got, _ = error_of(empty_client.post(f"{API}/Contacts", json=body))
    assert (status, got) == (400, code)


def test_body_that_is_not_json_is_invalid_data(empty_client: httpx.Client) -> None:
    response = empty_client.post(f"{API}/Contacts", content=b"Last_Name=Smith")
    assert error_of(response)[:2] == (400, "INVALID_DATA")


def test_json_body_is_parsed_without_content_type(
    empty_client: httpx.Client, empty: Sandbox
) -> None:
    response = empty_client.post(
        f"{API}/Contacts", content=b'{"data":[{"Last_Name":"Plain"}]}', headers={"Content-Type": ""}
    )
    assert response.status_code == 201
    assert empty.find("Contacts", Last_Name="Plain")


def test_update_by_url_changes_only_the_keys_sent(client: httpx.Client, sb: Sandbox) -> None:
    john = one(sb, "Contacts", Full_Name="John Smith")

    response = client.put(f"{API}/Contacts/{john['id']}", json={"data": [{"Title": "COO"}]})

    assert response.status_code == 200
    assert first_result(response)["message"] == "record updated"
    updated = one(sb, "Contacts", Full_Name="John Smith")
    assert updated["Title"] == "COO"
    assert updated["Phone"] == john["Phone"] and updated["Email"] == john["Email"]


def test_update_recomputes_full_name(client: httpx.Client, sb: Sandbox) -> None:
    john = one(sb, "Contacts", Full_Name="John Smith")
    client.put(f"{API}/Contacts/{john['id']}", json={"data": [{"First_Name": "Johnny"}]})
    assert sb.find("Contacts", Full_Name="Johnny Smith")


def test_bulk_update_needs_ids_and_reports_bad_ones(client: httpx.Client, sb: Sandbox) -> None:
    john = one(sb, "Contacts", Full_Name="John Smith")

    response = client.put(
        f"{API}/Contacts",
        json={
            "data": [
                {"id": john["id"], "Department": "Ops"},
                {"Department": "x"},
                {"id": "123", "Title": "x"},
            ]
        },
    )

    assert response.status_code == 207
    ok, missing, bad = response.json()["data"]
    assert ok["status"] == "success"
    assert (missing["code"], missing["details"]["api_name"]) == ("MANDATORY_NOT_FOUND", "id")
    assert bad == {
        "code": "INVALID_DATA",
        "details": {"id": "123"},
        "message": "the id given seems to be invalid",
        "status": "error",
    }


def test_update_with_a_bad_id_is_invalid_data_400(client: httpx.Client) -> None:
    response = client.put(f"{API}/Contacts/6421873000009999999", json={"data": [{"Title": "x"}]})

    assert response.status_code == 400
    assert first_result(response)["message"] == "the id given seems to be invalid"


def test_update_that_clears_a_mandatory_field_fails(client: httpx.Client, sb: Sandbox) -> None:
    john = one(sb, "Contacts", Full_Name="John Smith")
    response = client.put(f"{API}/Contacts/{john['id']}", json={"data": [{"Last_Name": None}]})
    assert first_result(response)["code"] == "MANDATORY_NOT_FOUND"
    assert one(sb, "Contacts", Full_Name="John Smith")["Last_Name"] == "Smith"


def test_delete_by_id_moves_the_record_to_the_recycle_bin(
    client: httpx.Client, sb: Sandbox
) -> None:
    lead = one(sb, "Leads", Full_Name="Olivia Brown")

    response = client.delete(f"{API}/Leads/{lead['id']}")

    assert response.status_code == 200
    assert response.json() == {
        "data": [
            {
                "code": "SUCCESS",
                "details": {"id": lead["id"]},
                "message": "record deleted",
                "status": "success",
            }
        ]
    }
    assert client.get(f"{API}/Leads/{lead['id']}").status_code == 204
    binned = client.get(f"{API}/settings/recycle_bin").json()["recycle_bin"]
    assert [(e["id"], e["display_name"], e["module"]["api_name"]) for e in binned] == [
        (lead["id"], "Olivia Brown", "Leads")
    ]


def test_delete_by_ids_reports_each_id(client: httpx.Client, sb: Sandbox) -> None:
    leads = [one(sb, "Leads", Full_Name=n)["id"] for n in ("Olivia Brown", "Carlos Mendez")]

    response = client.delete(
        f"{API}/Leads", params={"ids": ",".join([*leads, "6421873000009999999"])}
    )

    assert response.status_code == 207
    results = response.json()["data"]
    assert [r["status"] for r in results] == ["success", "success", "error"]
    assert results[2]["message"] == "record not deleted"
    assert [r["Full_Name"] for r in sb.records("Leads")] == ["Emily Davis"]


def test_delete_without_ids_is_required_param_missing(client: httpx.Client) -> None:
    status, code, details = error_of(client.delete(f"{API}/Leads"))
    assert (status, code, details) == (400, "REQUIRED_PARAM_MISSING", {"param_name": "ids"})


def test_get_unknown_record_is_204(client: httpx.Client) -> None:
    response = client.get(f"{API}/Contacts/6421873000009999999")
    assert response.status_code == 204
    assert response.content == b""


def test_get_single_record_with_fields(client: httpx.Client, sb: Sandbox) -> None:
    john = one(sb, "Contacts", Full_Name="John Smith")
    data = client.get(f"{API}/Contacts/{john['id']}", params={"fields": "Email,Phone"}).json()[
        "data"
    ]
    assert data == [{"Email": "john.smith@acmecorp.com", "Phone": "+15551234567", "id": john["id"]}]


def test_list_requires_fields(client: httpx.Client) -> None:
    status, code, details = error_of(client.get(f"{API}/Contacts"))
    assert (status, code, details) == (400, "REQUIRED_PARAM_MISSING", {"param_name": "fields"})


def test_list_refuses_more_than_50_fields(client: httpx.Client) -> None:
    fields = ",".join(f"F{i}" for i in range(51))
    status, code, _ = error_of(client.get(f"{API}/Contacts", params={"fields": fields}))
    assert (status, code) == (400, "LIMIT_EXCEEDED")


def test_list_returns_requested_fields_and_info(client: httpx.Client) -> None:
    response = client.get(
        f"{API}/Contacts", params={"fields": "Last_Name", "per_page": 2, "sort_order": "asc"}
    )

    assert response.status_code == 200
    body = response.json()
    assert all(set(r) == {"Last_Name", "id"} for r in body["data"])
    assert [r["Last_Name"] for r in body["data"]] == ["Smith", "Doe"]
    info = body["info"]
    assert (info["per_page"], info["count"], info["page"], info["more_records"]) == (2, 2, 1, True)
    assert (info["sort_by"], info["sort_order"]) == ("id", "asc")


def test_list_pages_and_default_order_is_newest_first(client: httpx.Client) -> None:
    page2 = client.get(
        f"{API}/Contacts", params={"fields": "Last_Name", "per_page": 3, "page": 2}
    ).json()

    assert [r["Last_Name"] for r in page2["data"]] == ["Smith"]
    assert page2["info"]["more_records"] is False


def test_list_sorts_by_modified_time(client: httpx.Client, sb: Sandbox, clock: Clock) -> None:
    jane = one(sb, "Contacts", Full_Name="Jane Doe")
    clock.advance(60)
    client.put(f"{API}/Contacts/{jane['id']}", json={"data": [{"Title": "CFO"}]})

    data = client.get(
        f"{API}/Contacts", params={"fields": "Full_Name", "sort_by": "Modified_Time"}
    ).json()["data"]

    assert data[0]["Full_Name"] == "Jane Doe"


@pytest.mark.parametrize(
    "params",
    [
        {"per_page": "201"},
        {"per_page": "0"},
        {"page": "x"},
        {"sort_by": "Last_Name"},
        {"sort_order": "up"},
    ],
)
def test_list_rejects_bad_paging_and_sorting(client: httpx.Client, params: dict[str, str]) -> None:
    status, code, details = error_of(
        client.get(f"{API}/Contacts", params={"fields": "Last_Name", **params})
    )
    assert (status, code) == (400, "INVALID_DATA")
    assert details["param_name"] == next(iter(params))


def test_list_beyond_2000_records_needs_page_token(client: httpx.Client) -> None:
    response = client.get(
        f"{API}/Contacts", params={"fields": "Last_Name", "page": 11, "per_page": 200}
    )
    assert error_of(response)[:2] == (400, "DISCRETE_PAGINATION_LIMIT_EXCEEDED")


def test_empty_list_is_204(empty_client: httpx.Client) -> None:
    response = empty_client.get(f"{API}/Deals", params={"fields": "Deal_Name"})
    assert (response.status_code, response.content) == (204, b"")


def test_list_leaves_line_items_out_but_get_has_them(client: httpx.Client, sb: Sandbox) -> None:
    quote = one(sb, "Quotes", Subject="Acme Fleet Renewal Quote")
    listed = client.get(f"{API}/Quotes", params={"fields": "Subject,Quoted_Items"}).json()["data"][
        0
    ]
    single = client.get(f"{API}/Quotes/{quote['id']}").json()["data"][0]

    assert "Quoted_Items" not in listed
    assert [item["Product_Name"]["name"] for item in single["Quoted_Items"]] == [
        "Fleet Tracker Pro",
        "Installation Service",
    ]


def test_v8_serves_the_same_records(client: httpx.Client, sb: Sandbox) -> None:
    john = one(sb, "Contacts", Full_Name="John Smith")
    v7 = client.get(f"/crm/v7/Contacts/{john['id']}").json()
    v8 = client.get(f"/crm/v8/Contacts/{john['id']}").json()
    assert v7 == v8
    assert insert(client, "Contacts", {"Last_Name": "V7"}).status_code == 201
    assert client.post("/crm/v8/Contacts", json={"data": [{"Last_Name": "V8"}]}).status_code == 201


def test_module_names_in_urls_are_case_insensitive(client: httpx.Client) -> None:
    assert client.get(f"{API}/contacts", params={"fields": "Last_Name"}).status_code == 200
