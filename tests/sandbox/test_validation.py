"""Per-record validation: mandatory fields, types, lookups, uniqueness and module rules."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.clocks import Clock
from zoho_tools.sandbox import RecordError, Sandbox

from .conftest import API, client_for, first_result, insert, one

FUTURE = "2027-03-01T10:00:00-05:00"  # the test clock is at 2027-01-15
PAST = "2026-06-01T10:00:00-04:00"


def error(client: httpx.Client, module: str, record: dict[str, Any]) -> dict[str, Any]:
    """The per-record error for inserting ``record`` (asserting the request failed)."""
    response = insert(client, module, record)
    assert response.status_code == 400, response.text
    result = first_result(response)
    assert result["status"] == "error"
    return result


# --- mandatory fields -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "record", "missing"),
    [
        ("Contacts", {"First_Name": "A"}, "Last_Name"),
        ("Leads", {"Last_Name": "A"}, "Company"),
        ("Leads", {"Company": "A"}, "Last_Name"),
        ("Accounts", {"Phone": "555 0100"}, "Account_Name"),
        ("Deals", {"Deal_Name": "D", "Stage": "Qualification"}, "Closing_Date"),
        ("Deals", {"Deal_Name": "D", "Closing_Date": "2027-02-01"}, "Stage"),
        ("Cases", {"Subject": "S", "Status": "New"}, "Case_Origin"),
        ("Cases", {"Subject": "S", "Case_Origin": "Web"}, "Status"),
        ("Tasks", {"Due_Date": "2027-02-01"}, "Subject"),
        (
            "Calls",
            {"Subject": "S", "Call_Type": "Inbound", "Call_Start_Time": FUTURE},
            "Call_Duration",
        ),
        (
            "Calls",
            {"Subject": "S", "Call_Start_Time": FUTURE, "Call_Duration": "01:00"},
            "Call_Type",
        ),
        ("Events", {"Event_Title": "E", "Start_DateTime": FUTURE}, "End_DateTime"),
        ("Notes", {"Note_Title": "T"}, "Note_Content"),
        ("Products", {"Unit_Price": 5}, "Product_Name"),
        ("Quotes", {"Subject": "Q"}, "Quoted_Items"),
        ("Quotes", {"Subject": "Q", "Quoted_Items": []}, "Quoted_Items"),
        ("Solutions", {"Question": "?"}, "Solution_Title"),
        ("Services__s", {"Duration": 30}, "Service_Name"),
        ("Contacts", {"First_Name": "A", "Last_Name": ""}, "Last_Name"),
        ("Contacts", {"First_Name": "A", "Last_Name": None}, "Last_Name"),
    ],
)
def test_missing_mandatory_field(
    empty_client: httpx.Client, module: str, record: dict[str, Any], missing: str
) -> None:
    assert error(empty_client, module, record) == {
        "code": "MANDATORY_NOT_FOUND",
        "details": {"api_name": missing, "json_path": f"$.data[0].{missing}"},
        "message": "required field not found",
        "status": "error",
    }


def test_field_metadata_says_company_is_mandatory_by_layout(client: httpx.Client) -> None:
    fields = {
        f["api_name"]: f
        for f in client.get(f"{API}/settings/fields", params={"module": "Leads"}).json()["fields"]
    }
    assert (fields["Company"]["system_mandatory"], fields["Company"]["mandatory"]) == (False, True)
    assert (fields["Last_Name"]["system_mandatory"], fields["Last_Name"]["mandatory"]) == (
        True,
        True,
    )


def test_record_that_is_not_an_object(empty_client: httpx.Client) -> None:
    result = first_result(empty_client.post(f"{API}/Contacts", json={"data": ["Smith"]}))
    assert (result["code"], result["details"]["expected_data_type"]) == (
        "INVALID_DATA",
        "jsonobject",
    )


# --- types and formats ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("Date_of_Birth", "1990/01/31", "date"),
        ("Date_of_Birth", "1990-02-30", "date"),
        ("Date_of_Birth", "31-01-1990", "date"),
        ("Email", "john.smith", "email"),
        ("Email", "john@", "email"),
        ("Phone", "call me maybe", "phone"),
        ("Email_Opt_Out", "true", "boolean"),
        ("Lead_Source", "Billboard", "picklist"),
        ("Salutation", "mr.", "picklist"),
        ("Last_Name", ["Smith"], "string"),
    ],
)
def test_contact_type_errors(
    empty_client: httpx.Client, field: str, value: Any, expected: str
) -> None:
    record = {"Last_Name": "Smith", field: value}
    assert error(empty_client, "Contacts", record) == {
        "code": "INVALID_DATA",
        "details": {
            "expected_data_type": expected,
            "api_name": field,
            "json_path": f"$.data[0].{field}",
        },
        "message": "invalid data",
        "status": "error",
    }


@pytest.mark.parametrize(
    "value",
    [
        "2027-02-01 10:00:00",
        "2027-02-01T10:00:00",
        "2027-02-01T10:00:00.123Z",
        "2027-02-01",
        "tomorrow",
    ],
)
def test_datetime_needs_zoho_format_with_offset(empty_client: httpx.Client, value: str) -> None:
    record = {"Event_Title": "E", "Start_DateTime": value, "End_DateTime": FUTURE}
    result = error(empty_client, "Events", record)
    assert (result["code"], result["details"]["expected_data_type"]) == ("INVALID_DATA", "datetime")
    assert result["details"]["api_name"] == "Start_DateTime"


def test_datetime_with_z_is_utc_and_returned_in_org_time_zone(
    empty_client: httpx.Client, empty: Sandbox
) -> None:
    response = insert(
        empty_client,
        "Events",
        {
            "Event_Title": "E",
            "Start_DateTime": "2027-02-01T15:00:00Z",
            "End_DateTime": "2027-02-01T11:00:00-05:00",
        },
    )
    assert response.status_code == 201
    event = one(empty, "Events", Event_Title="E")
    assert event["Start_DateTime"] == "2027-02-01T10:00:00-05:00"
    assert event["End_DateTime"] == "2027-02-01T11:00:00-05:00"


@pytest.mark.parametrize(("value", "stored"), [(5, 5), ("12", 12), (7.0, 7)])
def test_integers_accept_numbers_and_numeric_strings(
    empty_client: httpx.Client, empty: Sandbox, value: Any, stored: int
) -> None:
    assert (
        insert(empty_client, "Accounts", {"Account_Name": "A", "Employees": value}).status_code
        == 201
    )
    assert one(empty, "Accounts", Account_Name="A")["Employees"] == stored


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("Employees", "many", "integer"),
        ("Employees", 2.5, "integer"),
        ("Annual_Revenue", True, "currency"),
    ],
)
def test_bad_numbers(empty_client: httpx.Client, field: str, value: Any, expected: str) -> None:
    result = error(empty_client, "Accounts", {"Account_Name": "A", field: value})
    assert (result["code"], result["details"]["expected_data_type"]) == ("INVALID_DATA", expected)


def test_text_longer_than_the_field_is_invalid_data(empty_client: httpx.Client) -> None:
    result = error(empty_client, "Contacts", {"Last_Name": "x" * 81})
    assert result["details"] == {
        "maximum_length": 80,
        "api_name": "Last_Name",
        "json_path": "$.data[0].Last_Name",
    }


def test_none_picklist_value_clears_the_field(empty_client: httpx.Client, empty: Sandbox) -> None:
    assert (
        insert(empty_client, "Contacts", {"Last_Name": "A", "Lead_Source": "-None-"}).status_code
        == 201
    )
    assert one(empty, "Contacts", Last_Name="A")["Lead_Source"] is None


def test_unknown_and_read_only_fields_are_ignored_but_logged(
    empty_client: httpx.Client, empty: Sandbox
) -> None:
    response = insert(
        empty_client,
        "Contacts",
        {
            "Last_Name": "A",
            "Phone_Number": "555",
            "Full_Name": "Someone Else",
            "Created_Time": FUTURE,
        },
    )

    assert response.status_code == 201
    contact = one(empty, "Contacts", Last_Name="A")
    assert contact["Full_Name"] == "A" and contact["Phone"] is None
    assert empty.log[-1].ignored_fields == (
        "$.data[0].Phone_Number",
        "$.data[0].Full_Name",
        "$.data[0].Created_Time",
    )


# --- lookups ----------------------------------------------------------------------------------


def test_lookup_as_a_bare_id_is_invalid_data_jsonobject(client: httpx.Client, sb: Sandbox) -> None:
    acme = one(sb, "Accounts", Account_Name="Acme Corp")
    result = error(client, "Contacts", {"Last_Name": "A", "Account_Name": acme["id"]})
    assert result["details"] == {
        "expected_data_type": "jsonobject",
        "api_name": "Account_Name",
        "json_path": "$.data[0].Account_Name",
    }


def test_lookup_by_name_without_id_is_rejected(client: httpx.Client) -> None:
    result = error(client, "Contacts", {"Last_Name": "A", "Account_Name": {"name": "Acme Corp"}})
    assert (result["code"], result["details"]["json_path"]) == (
        "MANDATORY_NOT_FOUND",
        "$.data[0].Account_Name.id",
    )


def test_lookup_to_an_unknown_or_wrong_module_record(client: httpx.Client, sb: Sandbox) -> None:
    john = one(sb, "Contacts", Full_Name="John Smith")
    for bad_id in ("6421873000009999999", john["id"]):  # john is a contact, not an account
        result = error(client, "Contacts", {"Last_Name": "A", "Account_Name": {"id": bad_id}})
        assert result == {
            "code": "INVALID_DATA",
            "details": {
                "api_name": "Account_Name",
                "json_path": "$.data[0].Account_Name",
                "id": bad_id,
            },
            "message": "the id given seems to be invalid",
            "status": "error",
        }


def test_lookup_accepts_integer_ids(client: httpx.Client, sb: Sandbox) -> None:
    acme = one(sb, "Accounts", Account_Name="Acme Corp")
    assert (
        insert(
            client, "Contacts", {"Last_Name": "A", "Account_Name": {"id": int(acme["id"])}}
        ).status_code
        == 201
    )


def test_owner_must_be_an_active_user(client: httpx.Client, sb: Sandbox) -> None:
    result = error(client, "Contacts", {"Last_Name": "A", "Owner": {"id": "6421873000009999999"}})
    assert (result["code"], result["details"]["api_name"]) == ("INVALID_DATA", "Owner")
    other = sb.users[1]
    response = insert(client, "Contacts", {"Last_Name": "B", "Owner": {"id": other["id"]}})
    assert response.status_code == 201
    assert one(sb, "Contacts", Last_Name="B")["Owner"]["name"] == other["full_name"]


# --- uniqueness -------------------------------------------------------------------------------


def test_duplicate_unique_field_names_the_existing_record(
    client: httpx.Client, sb: Sandbox
) -> None:
    acme = one(sb, "Accounts", Account_Name="Acme Corp")

    result = error(client, "Accounts", {"Account_Name": "ACME CORP"})

    assert (result["code"], result["message"]) == ("DUPLICATE_DATA", "duplicate data")
    details = result["details"]
    assert (details["api_name"], details["json_path"], details["id"]) == (
        "Account_Name",
        "$.data[0].Account_Name",
        acme["id"],
    )
    assert details["module"]["api_name"] == "Accounts"
    assert details["duplicate_record"]["id"] == acme["id"]


def test_duplicates_within_one_batch_are_caught(empty_client: httpx.Client) -> None:
    response = insert(
        empty_client, "Products", {"Product_Name": "Widget"}, {"Product_Name": "Widget"}
    )
    assert [r["code"] for r in response.json()["data"]] == ["SUCCESS", "DUPLICATE_DATA"]


def test_updating_a_record_to_its_own_unique_value_is_fine(
    client: httpx.Client, sb: Sandbox
) -> None:
    acme = one(sb, "Accounts", Account_Name="Acme Corp")
    response = client.put(
        f"{API}/Accounts/{acme['id']}", json={"data": [{"Account_Name": "Acme Corp"}]}
    )
    assert response.status_code == 200


# --- calls ------------------------------------------------------------------------------------


def call(**fields: Any) -> dict[str, Any]:
    return {
        "Subject": "Follow-up",
        "Call_Type": "Outbound",
        "Call_Start_Time": PAST,
        "Call_Duration": "05:30",
        **fields,
    }


def test_call_duration_cannot_be_zero(empty_client: httpx.Client) -> None:
    assert error(empty_client, "Calls", call(Call_Duration="00:00")) == {
        "code": "DEPENDENT_MISMATCH",
        "details": {"api_name": "Call_Duration", "json_path": "$.data[0].Call_Duration"},
        "message": "Call Duration can not be zero.",
        "status": "error",
    }


def test_missed_calls_may_last_zero(empty_client: httpx.Client) -> None:
    assert (
        insert(empty_client, "Calls", call(Call_Type="Missed", Call_Duration="0:00")).status_code
        == 201
    )


@pytest.mark.parametrize(
    ("sent", "stored", "seconds"), [("5:07", "05:07", 307), ("90:00", "90:00", 5400)]
)
def test_call_duration_is_minutes_and_seconds(
    empty_client: httpx.Client, empty: Sandbox, sent: str, stored: str, seconds: int
) -> None:
    assert insert(empty_client, "Calls", call(Call_Duration=sent)).status_code == 201
    record = one(empty, "Calls", Subject="Follow-up")
    assert (record["Call_Duration"], record["Call_Duration_in_seconds"]) == (stored, seconds)


@pytest.mark.parametrize("duration", ["5 minutes", "1:2", "10:60", "1:00:00", 300])
def test_bad_call_duration_format(empty_client: httpx.Client, duration: Any) -> None:
    result = error(empty_client, "Calls", call(Call_Duration=duration))
    assert result["code"] == "INVALID_DATA" and result["details"]["api_name"] == "Call_Duration"


def test_bad_call_type(empty_client: httpx.Client) -> None:
    result = error(empty_client, "Calls", call(Call_Type="Incoming"))
    assert result["details"]["expected_data_type"] == "picklist"


def test_scheduled_call_needs_no_duration(empty_client: httpx.Client) -> None:
    record = call(Outbound_Call_Status="Scheduled", Call_Start_Time=FUTURE)
    del record["Call_Duration"]
    assert insert(empty_client, "Calls", record).status_code == 201


def test_call_type_cannot_be_updated(empty_client: httpx.Client, empty: Sandbox) -> None:
    insert(empty_client, "Calls", call())
    record = one(empty, "Calls", Subject="Follow-up")

    response = empty_client.put(
        f"{API}/Calls/{record['id']}", json={"data": [{"Call_Type": "Inbound"}]}
    )

    assert first_result(response)["code"] == "INVALID_DATA"
    assert first_result(response)["details"]["api_name"] == "Call_Type"
    assert one(empty, "Calls", Subject="Follow-up")["Call_Type"] == "Outbound"


# --- activities: Who_Id / What_Id -------------------------------------------------------------


def test_task_what_id_needs_se_module(client: httpx.Client, sb: Sandbox) -> None:
    deal = one(sb, "Deals", Deal_Name="Initech Expansion")

    missing = error(client, "Tasks", {"Subject": "T", "What_Id": {"id": deal["id"]}})
    wrong = error(
        client, "Tasks", {"Subject": "T", "What_Id": {"id": deal["id"]}, "$se_module": "Accounts"}
    )

    assert missing["details"] == {"api_name": "$se_module", "json_path": "$.data[0].$se_module"}
    assert missing["code"] == "MANDATORY_NOT_FOUND"
    assert wrong["details"]["id"] == deal["id"]


def test_task_links_render_with_names_and_se_module(client: httpx.Client, sb: Sandbox) -> None:
    deal = one(sb, "Deals", Deal_Name="Initech Expansion")
    john = one(sb, "Contacts", Full_Name="John Smith")
    record = {
        "Subject": "T",
        "Who_Id": {"id": john["id"]},
        "What_Id": {"id": deal["id"]},
        "$se_module": "Deals",
    }

    assert insert(client, "Tasks", record).status_code == 201

    task = one(sb, "Tasks", Subject="T")
    assert task["Who_Id"] == {"name": "John Smith", "id": john["id"]}
    assert task["What_Id"] == {"name": "Initech Expansion", "id": deal["id"]}
    assert task["$se_module"] == "Deals"
    assert (task["Status"], task["Priority"]) == ("Not Started", "Normal")


def test_task_status_and_priority_picklists(client: httpx.Client) -> None:
    assert (
        error(client, "Tasks", {"Subject": "T", "Status": "Done"})["details"]["api_name"]
        == "Status"
    )
    assert (
        error(client, "Tasks", {"Subject": "T", "Priority": "Urgent"})["details"]["api_name"]
        == "Priority"
    )


def test_event_end_before_start(empty_client: httpx.Client) -> None:
    record = {
        "Event_Title": "E",
        "Start_DateTime": FUTURE,
        "End_DateTime": "2027-03-01T09:00:00-05:00",
    }
    assert error(empty_client, "Events", record)["code"] == "DEPENDENT_MISMATCH"


def test_event_participants_limit(client: httpx.Client) -> None:
    people = [{"type": "email", "participant": f"p{i}@example.com"} for i in range(51)]
    record = {
        "Event_Title": "E",
        "Start_DateTime": FUTURE,
        "End_DateTime": FUTURE,
        "Participants": people,
    }
    result = error(client, "Events", record)
    assert (result["code"], result["message"]) == (
        "LIMIT_EXCEEDED",
        "Only 50 participants can be added to an event.",
    )


# --- notes ------------------------------------------------------------------------------------


def test_note_with_v7_parent_object(client: httpx.Client, sb: Sandbox) -> None:
    john = one(sb, "Contacts", Full_Name="John Smith")
    note = {
        "Note_Content": "Called back",
        "Parent_Id": {"module": {"api_name": "Contacts"}, "id": john["id"]},
    }

    assert insert(client, "Notes", note).status_code == 201

    stored = one(sb, "Notes", Note_Content="Called back")
    contacts_module_id = stored["Parent_Id"]["module"]["id"]
    assert stored["Parent_Id"] == {
        "module": {"api_name": "Contacts", "id": contacts_module_id},
        "name": "John Smith",
        "id": john["id"],
    }


def test_note_with_legacy_parent_id_and_se_module(client: httpx.Client, sb: Sandbox) -> None:
    lead = one(sb, "Leads", Full_Name="Emily Davis")
    response = insert(
        client, "Notes", {"Note_Content": "Legacy", "Parent_Id": lead["id"], "se_module": "Leads"}
    )
    assert response.status_code == 201
    assert one(sb, "Notes", Note_Content="Legacy")["Parent_Id"]["name"] == "Emily Davis"


def test_note_parent_by_module_id(client: httpx.Client, sb: Sandbox) -> None:
    fields = client.get(f"{API}/settings/modules").json()["modules"]
    leads_module_id = next(m["id"] for m in fields if m["api_name"] == "Leads")
    lead = one(sb, "Leads", Full_Name="Emily Davis")
    note = {
        "Note_Content": "By module id",
        "Parent_Id": {"module": {"id": leads_module_id}, "id": lead["id"]},
    }
    assert insert(client, "Notes", note).status_code == 201


@pytest.mark.parametrize(
    ("parent", "code", "api_name"),
    [
        (
            {"module": {"api_name": "Contacts"}, "id": "6421873000009999999"},
            "INVALID_DATA",
            "Parent_Id",
        ),
        ({"id": "6421873000009999999"}, "MANDATORY_NOT_FOUND", "se_module"),
        ("6421873000009999999", "MANDATORY_NOT_FOUND", "se_module"),
        ({"module": {"api_name": "Widgets"}, "id": "1"}, "INVALID_DATA", "Parent_Id"),
    ],
)
def test_bad_note_parents(client: httpx.Client, parent: Any, code: str, api_name: str) -> None:
    result = error(client, "Notes", {"Note_Content": "x", "Parent_Id": parent})
    assert (result["code"], result["details"]["api_name"]) == (code, api_name)


def test_note_without_parent(client: httpx.Client) -> None:
    assert error(client, "Notes", {"Note_Content": "x"})["details"]["api_name"] == "Parent_Id"


def test_unknown_parent_says_related_id(client: httpx.Client) -> None:
    parent = {"module": {"api_name": "Contacts"}, "id": "6421873000009999999"}
    assert error(client, "Notes", {"Note_Content": "x", "Parent_Id": parent})["message"] == (
        "the related id given seems to be invalid"
    )


# --- quotes -----------------------------------------------------------------------------------


def test_quote_line_items_reference_existing_products(client: httpx.Client, sb: Sandbox) -> None:
    pro = one(sb, "Products", Product_Name="Fleet Tracker Pro")
    quote = {
        "Subject": "Q",
        "Quoted_Items": [{"Product_Name": {"id": pro["id"]}, "Quantity": 3, "Discount": 10}],
    }

    assert insert(client, "Quotes", quote).status_code == 201

    stored = one(sb, "Quotes", Subject="Q")
    (item,) = stored["Quoted_Items"]
    assert item["Product_Name"]["name"] == "Fleet Tracker Pro"
    assert (item["List_Price"], item["Total"], item["Net_Total"]) == (299.0, 897.0, 887.0)
    assert (stored["Sub_Total"], stored["Grand_Total"]) == (887.0, 887.0)


@pytest.mark.parametrize(
    ("item", "code", "path"),
    [
        ({"Quantity": 1}, "MANDATORY_NOT_FOUND", "$.data[0].Quoted_Items[0].Product_Name"),
        (
            {"Product_Name": {"id": "6421873000009999999"}, "Quantity": 1},
            "INVALID_DATA",
            "$.data[0].Quoted_Items[0].Product_Name",
        ),
        (
            {"Product_Name": "PRODUCT", "Quantity": 1},
            "INVALID_DATA",
            "$.data[0].Quoted_Items[0].Product_Name",
        ),
        (
            {"Product_Name": "PRODUCT_OBJECT"},
            "MANDATORY_NOT_FOUND",
            "$.data[0].Quoted_Items[0].Quantity",
        ),
        (
            {"Product_Name": "PRODUCT_OBJECT", "Quantity": 0},
            "INVALID_DATA",
            "$.data[0].Quoted_Items[0].Quantity",
        ),
    ],
)
def test_bad_line_items(
    client: httpx.Client, sb: Sandbox, item: dict[str, Any], code: str, path: str
) -> None:
    pro_id = one(sb, "Products", Product_Name="Fleet Tracker Pro")["id"]
    item = {
        k: {"PRODUCT": pro_id, "PRODUCT_OBJECT": {"id": pro_id}}.get(v, v)
        if isinstance(v, str)
        else v
        for k, v in item.items()
    }
    result = error(client, "Quotes", {"Subject": "Q", "Quoted_Items": [item]})
    assert (result["code"], result["details"]["json_path"]) == (code, path)


def test_quote_line_items_update_like_a_subform(client: httpx.Client, sb: Sandbox) -> None:
    quote = one(sb, "Quotes", Subject="Acme Fleet Renewal Quote")
    pro_item, install_item = quote["Quoted_Items"]
    lite = one(sb, "Products", Product_Name="Fleet Tracker Lite")

    response = client.put(
        f"{API}/Quotes/{quote['id']}",
        json={
            "data": [
                {
                    "Quoted_Items": [
                        {"id": pro_item["id"], "Quantity": 25},
                        {"id": install_item["id"], "_delete": None},
                        {"Product_Name": {"id": lite["id"]}, "Quantity": 2},
                    ]
                }
            ]
        },
    )

    assert response.status_code == 200
    items = one(sb, "Quotes", Subject="Acme Fleet Renewal Quote")["Quoted_Items"]
    assert [(i["Product_Name"]["name"], i["Quantity"]) for i in items] == [
        ("Fleet Tracker Pro", 25),
        ("Fleet Tracker Lite", 2),
    ]


# --- deals ------------------------------------------------------------------------------------


def test_deal_probability_follows_stage_and_is_bounded(client: httpx.Client, sb: Sandbox) -> None:
    deal = {
        "Deal_Name": "New",
        "Stage": "Qualification",
        "Closing_Date": "2027-02-01",
        "Amount": 1000,
    }
    assert insert(client, "Deals", deal).status_code == 201
    stored = one(sb, "Deals", Deal_Name="New")
    assert (stored["Probability"], stored["Expected_Revenue"], stored["Pipeline"]) == (
        10,
        100.0,
        "Standard (Standard)",
    )

    result = error(client, "Deals", {**deal, "Deal_Name": "Bad", "Probability": 120})
    assert (result["code"], result["message"]) == ("INVALID_DATA", "Given Probability is not valid")


def test_deal_stage_must_be_in_the_pipeline(client: httpx.Client) -> None:
    result = error(
        client, "Deals", {"Deal_Name": "D", "Stage": "Won", "Closing_Date": "2027-02-01"}
    )
    assert result["details"]["expected_data_type"] == "picklist"


def test_case_picklists(client: httpx.Client) -> None:
    base = {"Subject": "S", "Status": "New", "Case_Origin": "Phone"}
    assert insert(client, "Cases", base).status_code == 201
    assert error(client, "Cases", {**base, "Status": "Open"})["details"]["api_name"] == "Status"
    assert (
        error(client, "Cases", {**base, "Case_Origin": "Chat"})["details"]["api_name"]
        == "Case_Origin"
    )


# --- appointments -----------------------------------------------------------------------------


def appointment(sb: Sandbox, **fields: Any) -> dict[str, Any]:
    maria = one(sb, "Contacts", Full_Name="Maria Garcia")
    service = one(sb, "Services__s", Service_Name="Consultation")
    return {
        "Appointment_Name": "Consult",
        "Appointment_For": {"module": {"api_name": "Contacts"}, "id": maria["id"]},
        "Service_Name": {"id": service["id"]},
        "Owner": {"id": sb.current_user_id},
        "Appointment_Start_Time": FUTURE,
        "Location": "Business Address",
        **fields,
    }


def test_appointment_is_created_with_end_time_from_the_service(
    client: httpx.Client, sb: Sandbox
) -> None:
    assert insert(client, "Appointments__s", appointment(sb)).status_code == 201
    stored = one(sb, "Appointments__s", Appointment_Name="Consult")
    assert stored["Status"] == "Scheduled"
    assert stored["Appointment_End_Time"] == "2027-03-01T10:30:00-05:00"
    assert stored["Appointment_For"]["name"] == "Maria Garcia"
    assert stored["Service_Name"]["name"] == "Consultation"


def test_appointment_owner_may_be_a_bare_user_id(client: httpx.Client, sb: Sandbox) -> None:
    assert (
        insert(client, "Appointments__s", appointment(sb, Owner=sb.current_user_id)).status_code
        == 201
    )


@pytest.mark.parametrize(
    "missing",
    [
        "Service_Name",
        "Appointment_Name",
        "Appointment_For",
        "Owner",
        "Appointment_Start_Time",
        "Location",
    ],
)
def test_appointment_mandatory_fields(client: httpx.Client, sb: Sandbox, missing: str) -> None:
    record = appointment(sb)
    del record[missing]
    result = error(client, "Appointments__s", record)
    assert (result["code"], result["details"]["api_name"]) == ("MANDATORY_NOT_FOUND", missing)


def test_client_address_needs_an_address(client: httpx.Client, sb: Sandbox) -> None:
    result = error(client, "Appointments__s", appointment(sb, Location="Client Address"))
    assert (result["code"], result["details"]["api_name"]) == ("MANDATORY_NOT_FOUND", "Address")
    ok = appointment(sb, Location="Client Address", Address="1 Main St")
    assert insert(client, "Appointments__s", ok).status_code == 201


def test_scheduled_appointment_in_the_past_is_dependent_mismatch(
    client: httpx.Client, sb: Sandbox
) -> None:
    result = error(client, "Appointments__s", appointment(sb, Appointment_Start_Time=PAST))
    assert result["code"] == "DEPENDENT_MISMATCH"
    done = appointment(sb, Appointment_Start_Time=PAST, Status="Completed")
    assert insert(client, "Appointments__s", done).status_code == 201


def test_past_is_judged_by_the_sandbox_clock(
    client: httpx.Client, sb: Sandbox, clock: Clock
) -> None:
    assert insert(client, "Appointments__s", appointment(sb)).status_code == 201
    clock.advance(365 * 86400)
    with client_for(sb) as later:
        result = error(later, "Appointments__s", appointment(sb, Appointment_Name="Late"))
    assert result["code"] == "DEPENDENT_MISMATCH"


def test_appointment_owner_must_be_a_service_member(client: httpx.Client, sb: Sandbox) -> None:
    install = one(sb, "Services__s", Service_Name="On-site Installation")
    record = appointment(
        sb, Service_Name={"id": install["id"]}, Location="Client Address", Address="1 Main St"
    )
    result = error(client, "Appointments__s", record)
    assert (result["code"], result["details"]["api_name"]) == ("INVALID_DATA", "Owner")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("Appointment_For", {"module": {"api_name": "Deals"}, "id": "1"}),
        ("Service_Name", {"id": "6421873000009999999"}),
        ("Owner", {"id": "6421873000009999999"}),
        ("Location", "Home"),
        ("Remind_At", [{"unit": 101, "period": "minutes"}]),
        ("Remind_At", [{"unit": 5, "period": "weeks"}]),
    ],
)
def test_bad_appointment_values(client: httpx.Client, sb: Sandbox, field: str, value: Any) -> None:
    result = error(client, "Appointments__s", appointment(sb, **{field: value}))
    assert (result["code"], result["details"]["api_name"]) == ("INVALID_DATA", field)


def test_create_helper_uses_the_same_validation(empty: Sandbox) -> None:
    with pytest.raises(RecordError) as raised:
        empty.create("Contacts", {"First_Name": "No last name"})
    assert raised.value.code == "MANDATORY_NOT_FOUND"
    assert empty.create("Contacts", {"Last_Name": "Made"})["Full_Name"] == "Made"
