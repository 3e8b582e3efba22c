"""Reading Zoho's answers: every error code becomes a result with the field and a hint."""

from __future__ import annotations

from typing import Any

import pytest

from zoho_tools.rendering import render_request
from zoho_tools.replies import reply_for
from zoho_tools.results import from_response
from zoho_tools.templates import ActionTemplate, Param

DEAL = ActionTemplate(
    name="create_deal",
    title="Create deal",
    description="Create a deal.",
    category="deals",
    module="Deals",
    method="POST",
    path="/Deals",
    params=(
        Param(name="deal_name", required=True, ask="Deal name?"),
        Param(name="closing_date", type="date", required=True, ask="When?"),
        Param(name="account_id", type="id"),
    ),
    body={
        "data": [
            {
                "Deal_Name": "{{deal_name}}",
                "Closing_Date": "{{closing_date}}",
                "Account_Name": {"id": "{{account_id}}"},
            }
        ]
    },
)
REQUEST = render_request(DEAL, {"deal_name": "Big", "closing_date": "2026-12-31"})


def record_error(code: str, message: str, **details: Any) -> dict[str, Any]:
    return {"data": [{"code": code, "details": details, "message": message, "status": "error"}]}


def read(status: int, body: Any) -> Any:
    return from_response(DEAL, REQUEST, status, body)


def test_created() -> None:
    body = {
        "data": [
            {
                "code": "SUCCESS",
                "details": {"id": "5725767000000524157"},
                "message": "record added",
                "status": "success",
            }
        ]
    }
    result = read(201, body)
    assert result.ok
    assert result.data == {"id": "5725767000000524157"}
    assert result.chain_value() == {"id": "5725767000000524157"}


def test_mandatory_not_found_names_the_parameter_to_ask_for() -> None:
    result = read(
        400,
        record_error(
            "MANDATORY_NOT_FOUND",
            "required field not found",
            api_name="Closing_Date",
            json_path="$.data[0].Closing_Date",
        ),
    )
    assert (result.status, result.code, result.field) == (
        "error",
        "MANDATORY_NOT_FOUND",
        "closing_date",
    )
    assert result.hint == "Ask the caller for closing_date, then repeat the call with it."


def test_invalid_data_gives_the_expected_format() -> None:
    result = read(
        400,
        record_error(
            "INVALID_DATA", "invalid data", api_name="Closing_Date", expected_data_type="date"
        ),
    )
    assert result.field == "closing_date"
    assert result.hint == "Send closing_date as a date yyyy-MM-dd, then retry."


def test_invalid_lookup_maps_to_its_parameter() -> None:
    result = read(
        400,
        record_error(
            "INVALID_DATA", "invalid data", api_name="Account_Name", expected_data_type="jsonobject"
        ),
    )
    assert result.field == "account_id"
    assert '{"id": "<record id>"}' in (result.hint or "")


def test_bad_id_says_search_first() -> None:
    result = read(400, record_error("INVALID_DATA", "the id given seems to be invalid", id="1"))
    assert "Search for the record first" in (result.hint or "")
    assert (result.code, result.message) == ("RECORD_NOT_FOUND", "the id given seems to be invalid")


def test_duplicate_points_at_the_existing_record() -> None:
    result = read(
        400,
        record_error(
            "DUPLICATE_DATA",
            "duplicate data",
            api_name="Deal_Name",
            id="5725767000000999001",
            module={"api_name": "Deals"},
        ),
    )
    assert result.code == "DUPLICATE_DATA"
    assert result.field == "deal_name"
    assert result.data["id"] == "5725767000000999001"
    assert "offer to update" in (result.hint or "")


@pytest.mark.parametrize(
    ("status", "code", "message", "hint_part"),
    [
        (401, "INVALID_TOKEN", "invalid oauth token", "reconnect"),
        (401, "AUTHENTICATION_FAILURE", "Authentication failed", "reconnect"),
        (401, "OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL", "scope"),
        (403, "NO_PERMISSION", "Permission denied to create", "not allowed"),
        (400, "INVALID_QUERY", "invalid query formed", "Simplify"),
        (400, "INVALID_MODULE", "the module name given seems to be invalid", "does not exist"),
    ],
)
def test_request_level_errors(status: int, code: str, message: str, hint_part: str) -> None:
    result = read(status, {"code": code, "details": {}, "message": message, "status": "error"})
    assert (result.status, result.code, result.message, result.http_status) == (
        "error",
        code,
        message,
        status,
    )
    assert hint_part in (result.hint or "")


def test_dependent_mismatch_quotes_zoho() -> None:
    result = read(
        400,
        record_error(
            "DEPENDENT_MISMATCH", "Call Duration can not be zero.", api_name="Call_Duration"
        ),
    )
    assert "Call Duration can not be zero" in (result.hint or "")


def test_legacy_429_shape() -> None:
    result = read(
        429,
        {"code": 429, "error": "TOO_MANY_REQUESTS", "error_info": "Many requests", "details": []},
    )
    assert (result.status, result.code) == ("error", "TOO_MANY_REQUESTS")
    assert "Many requests" in result.message
    assert "minute" in (result.hint or "")


def test_to_model_is_compact() -> None:
    result = read(
        400, record_error("MANDATORY_NOT_FOUND", "required field not found", api_name="Deal_Name")
    )
    assert reply_for(None, result).structured == {
        "status": "error",
        "code": "MANDATORY_NOT_FOUND",
        "field": "deal_name",
        "message": "required field not found",
        "hint": "Ask the caller for deal_name, then repeat the call with it.",
    }
    assert "request" not in reply_for(None, result).text


def test_a_record_by_id_is_shown_whole_but_bounded() -> None:
    from zoho_tools.catalog import CATALOG
    from zoho_tools.results import MAX_LIST_ITEMS, MAX_RECORD_FIELDS

    template = CATALOG["get_deal"]
    request = render_request(template, {"id": "1"})
    record: dict[str, object] = {f"Custom_{n}": n for n in range(MAX_RECORD_FIELDS + 10)}
    record.update(
        id="1",
        Empty="",
        Nothing=None,
        Created_By={"name": "A", "id": "2", "email": "a@x"},
        Account_Name={"name": "Acme", "id": "3", "email": "x"},
        Tag=[{"name": f"t{n}", "id": str(n), "color_code": "#fff"} for n in range(9)],
        **{"$approval": {"approve": True}},
    )
    result = from_response(template, request, 200, {"data": [record]})
    shown = result.data
    assert len(shown) == MAX_RECORD_FIELDS + 1 and shown["more_fields"] > 10
    assert "Empty" not in shown and "Nothing" not in shown and "Created_By" not in shown
    assert "$approval" not in shown
    assert result.records == record  # chaining sees everything
    small = from_response(template, request, 200, {"data": [{k: record[k] for k in (
        "id", "Account_Name", "Tag")}]}).data  # fmt: skip
    assert small["Account_Name"] == {"name": "Acme", "id": "3"}
    assert small["Tag"] == [{"name": f"t{n}", "id": str(n)} for n in range(MAX_LIST_ITEMS)]


def test_a_record_is_named_by_its_own_modules_name_field_when_the_module_is_known() -> None:
    from zoho_tools.results import display_name

    deal = {
        "id": "1",
        "Account_Name": {"name": "Acme Corp", "id": "2"},
        "Deal_Name": "Acme Corp - Fleet Renewal",
    }
    assert display_name(deal, "Deals") == "Acme Corp - Fleet Renewal"
    assert display_name(deal) == "Acme Corp"  # module unknown: the first likely name field
    case = {"id": "3", "Subject": "Broken hinge", "Related_To": {"name": "Acme Corp"}}
    assert display_name(case, "Cases") == "Broken hinge"
    assert display_name({"id": "4", "full_name": "Ana Ruiz"}, "users") == "Ana Ruiz"
    # A record without its name field still gets a name; a custom module uses the likely fields.
    assert display_name({"id": "5", "Account_Name": "Acme Corp"}, "Deals") == "Acme Corp"
    assert display_name({"First_Name": "Ana", "Last_Name": "Ruiz"}, "Invoices") == "Ana Ruiz"
    assert display_name(["not a record"], "Deals") == ""


def test_every_module_shows_the_field_that_names_its_records() -> None:
    from zoho_tools.catalog._modules import BUILTIN_MODULES, NAME_FIELDS

    for module in BUILTIN_MODULES:
        assert module.name_field in module.fields, module.api_name
        assert NAME_FIELDS[module.api_name] == module.name_field
