"""GET /{module}/search: criteria, email, phone and word; errors, pagination and 204."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from zoho_tools.sandbox import Sandbox
from zoho_tools.sandbox.search import phones_match

from .conftest import API, error_of, insert, one


def search(client: httpx.Client, module: str, **params: Any) -> httpx.Response:
    return client.get(f"{API}/{module}/search", params=params)


def names(response: httpx.Response, key: str = "Full_Name") -> list[str]:
    assert response.status_code == 200, response.text
    return [record[key] for record in response.json()["data"]]


# --- word, email, phone -----------------------------------------------------------------------


def test_word_search_finds_john_smith(client: httpx.Client) -> None:
    response = search(client, "Contacts", word="John")
    assert names(response) == ["John Smith"]
    assert response.json()["info"] == {
        "per_page": 200,
        "count": 1,
        "page": 1,
        "more_records": False,
    }


def test_word_search_matches_every_word_across_fields(client: httpx.Client) -> None:
    assert names(search(client, "Contacts", word="john acmecorp")) == ["John Smith"]
    assert names(search(client, "Contacts", word="acmecorp")) == ["John Smith", "Jane Doe"]


@pytest.mark.parametrize("word", ["J", "*", "a!", ""])
def test_word_needs_two_characters(client: httpx.Client, word: str) -> None:
    status, code, details = error_of(search(client, "Contacts", word=word))
    assert (status, code, details) == (400, "INVALID_DATA", {"param_name": "word"})


def test_email_search_is_exact_and_case_insensitive(client: httpx.Client) -> None:
    assert names(search(client, "Contacts", email="John.Smith@AcmeCorp.com")) == ["John Smith"]
    assert search(client, "Contacts", email="smith@acmecorp.com").status_code == 204


def test_email_search_needs_an_email(client: httpx.Client) -> None:
    assert error_of(search(client, "Contacts", email="john"))[:2] == (400, "INVALID_DATA")


@pytest.mark.parametrize(
    "phone", ["+15551234567", "5551234567", "(555) 123-4567", "555.123.4567", "+1 555 123 4567"]
)
def test_caller_number_finds_john_however_it_is_written(client: httpx.Client, phone: str) -> None:
    assert names(search(client, "Contacts", phone=phone)) == ["John Smith"]


def test_e164_caller_finds_a_contact_stored_with_formatting(client: httpx.Client) -> None:
    # Jane Doe is stored as "(555) 987-6543"; the caller ID arrives as E.164.
    assert names(search(client, "Contacts", phone="+15559876543")) == ["Jane Doe"]


def test_phone_search_covers_every_phone_field(client: httpx.Client) -> None:
    assert names(search(client, "Contacts", phone="+15552468100")) == ["Maria Garcia"]  # Mobile


def test_phone_search_does_not_match_other_numbers(client: httpx.Client) -> None:
    assert search(client, "Contacts", phone="+15551234568").status_code == 204
    assert search(client, "Contacts", phone="+4915551234567").status_code == 204


def test_phone_without_digits_is_invalid(client: httpx.Client) -> None:
    assert error_of(search(client, "Contacts", phone="john"))[:2] == (400, "INVALID_DATA")


@pytest.mark.parametrize(
    ("query", "stored", "match"),
    [
        ("+15551234567", "(555) 123-4567", True),
        ("5551234567", "+1 555 123 4567", True),
        ("+447700900123", "07700 900123", True),
        ("+15551234567", "555-123-4567 x22", True),
        ("1234567", "1234567", True),
        ("4567", "(555) 123-4567", False),
        ("+15551234567", "+4415551234567", False),
        ("", "555", False),
        ("15551234567", "(555) 123-4567", True),
        ("+15551234567", "+1 (555) 123-4567", True),
        ("0015551234567", "+1 555 123 4567", True),
    ],
)
def test_phone_matching_rule(query: str, stored: str, match: bool) -> None:
    assert phones_match(query, stored) is match


# --- criteria ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ("(Last_Name:equals:Smith)", ["John Smith"]),
        ("Last_Name:equals:Smith", ["John Smith"]),  # a bare condition, as in Zoho's sample
        ("(Last_Name:equals:mit)", ["John Smith"]),  # equals behaves like contains on text
        ("(First_Name:starts_with:ja)", ["Jane Doe"]),
        ("(Last_Name:in:Smith,Doe)", ["John Smith", "Jane Doe"]),
        ("(Last_Name:in:Smit)", []),  # in is exact
        ("(Last_Name:not_equal:Smith)", ["Jane Doe", "Maria Garcia", "Raj Kumar"]),
        ("((Last_Name:equals:Smith)or(Last_Name:equals:Doe))", ["John Smith", "Jane Doe"]),
        ("((First_Name:equals:John)and(Last_Name:equals:Doe))", []),
        (
            "((First_Name:equals:J)and(Last_Name:equals:Smith)or(Last_Name:equals:Kumar))",
            ["John Smith", "Raj Kumar"],
        ),
        (
            "((Account_Name:equals:Acme Corp)and((Title:starts_with:Fin)or(Title:starts_with:Op)))",
            ["John Smith", "Jane Doe"],
        ),
        ("(Account_Name.name:equals:Initech)", ["Raj Kumar"]),
        ("(Phone:equals:+15559876543)", ["Jane Doe"]),
        ("( Last_Name:equals:Smith ) AND ( First_Name:equals:John )", ["John Smith"]),
    ],
)
def test_criteria(client: httpx.Client, criteria: str, expected: list[str]) -> None:
    response = search(client, "Contacts", criteria=criteria)
    if expected:
        assert names(response) == expected
    else:
        assert response.status_code == 204


def test_criteria_on_lookup_and_owner_ids(client: httpx.Client, sb: Sandbox) -> None:
    acme = one(sb, "Accounts", Account_Name="Acme Corp")
    sales = sb.users[1]["id"]
    assert names(search(client, "Contacts", criteria=f"(Account_Name:equals:{acme['id']})")) == [
        "John Smith",
        "Jane Doe",
    ]
    assert names(search(client, "Contacts", criteria=f"(Owner:equals:{sales})")) == ["John Smith"]


def test_criteria_escapes_parentheses_and_commas(client: httpx.Client) -> None:
    insert(client, "Accounts", {"Account_Name": "Burns, B (Holdings)"})
    response = search(client, "Accounts", criteria=r"(Account_Name:equals:Burns\, B \(Holdings\))")
    assert names(response, "Account_Name") == ["Burns, B (Holdings)"]
    response = search(
        client, "Accounts", criteria=r"(Account_Name:in:Initech,Burns\, B \(Holdings\))"
    )
    assert names(response, "Account_Name") == ["Initech", "Burns, B (Holdings)"]


def test_criteria_trailing_backslash(client: httpx.Client) -> None:
    insert(client, "Accounts", {"Account_Name": "K\\"})
    assert names(
        search(client, "Accounts", criteria="(Account_Name:equals:K\\\\)"), "Account_Name"
    ) == ["K\\"]


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ("(Amount:greater_than:30000)", ["Acme Corp - Fleet Renewal"]),
        ("(Amount:greater_equal:30000)", ["Acme Corp - Fleet Renewal", "Initech Expansion"]),
        ("(Amount:less_than:10000)", ["Acme Corp - Support Plan"]),
        ("(Amount:between:9000,12000)", ["Globex - Pilot Program", "Acme Corp - Support Plan"]),
        ("(Amount:in:12000,22000)", ["Globex - Pilot Program", "Stark - Warehouse Sensors"]),
        ("(Stage:equals:Closed Won)", ["Acme Corp - Support Plan"]),
        (
            "(Stage:in:Closed Won,Closed Lost)",
            ["Acme Corp - Support Plan", "Stark - Warehouse Sensors"],
        ),
        ("(Stage:equals:Closed)", []),  # picklists compare whole values
        ("(Probability:less_equal:0)", ["Stark - Warehouse Sensors"]),
    ],
)
def test_criteria_on_numbers_and_picklists(
    client: httpx.Client, criteria: str, expected: list[str]
) -> None:
    response = search(client, "Deals", criteria=criteria)
    if expected:
        assert names(response, "Deal_Name") == expected
    else:
        assert response.status_code == 204


def test_criteria_on_dates_and_datetimes(client: httpx.Client, sb: Sandbox) -> None:
    closing = one(sb, "Deals", Deal_Name="Initech Expansion")["Closing_Date"]
    assert names(
        search(client, "Deals", criteria=f"(Closing_Date:equals:{closing})"), "Deal_Name"
    ) == ["Initech Expansion"]
    created = one(sb, "Contacts", Full_Name="John Smith")["Created_Time"]
    response = search(client, "Contacts", criteria=f"(Created_Time:greater_equal:{created})")
    assert len(names(response)) == 4
    response = search(client, "Contacts", criteria=f"(Created_Time:less_than:{created})")
    assert response.status_code == 204


def test_criteria_on_booleans(client: httpx.Client) -> None:
    assert names(
        search(client, "Solutions", criteria="(Published:equals:true)"), "Solution_Title"
    ) == ["Resetting a Fleet Tracker"]
    assert search(client, "Solutions", criteria="(Published:equals:false)").status_code == 204


@pytest.mark.parametrize(
    ("criteria", "details"),
    [
        ("(Email:greater_than:a)", {"operator": "greater_than", "api_name": "Email"}),
        ("(Description:in:a,b)", {"operator": "in", "api_name": "Description"}),
        ("(Account_Name:starts_with:Ac)", {"operator": "starts_with", "api_name": "Account_Name"}),
        ("(Email_Opt_Out:in:true)", {"operator": "in", "api_name": "Email_Opt_Out"}),
        ("(Last_Name:contains:S)", {"operator": "contains", "api_name": "Last_Name"}),
    ],
)
def test_operator_not_valid_for_the_field_type(
    client: httpx.Client, criteria: str, details: dict[str, str]
) -> None:
    response = search(client, "Contacts", criteria=criteria)
    status, code, got = error_of(response)
    assert (status, code, response.json()["message"]) == (
        400,
        "INVALID_QUERY",
        "invalid operator found",
    )
    assert {k: got[k] for k in details} == details
    assert got["reason"] == "The operator is not valid for the field type"


@pytest.mark.parametrize(
    "criteria",
    [
        "(Nickname:equals:Jo)",
        "(Date_of_Birth:equals:yesterday)",
        "(Email_Opt_Out:equals:maybe)",
        "(Last_Name:equals:Smith",
        "(Last_Name=Smith)",
        "((Last_Name:equals:Smith)xor(First_Name:equals:J))",
        "",
    ],
)
def test_invalid_criteria(client: httpx.Client, criteria: str) -> None:
    status, code, details = error_of(search(client, "Contacts", criteria=criteria))
    assert (status, code) == (400, "INVALID_QUERY")
    assert "reason" in details


def test_invalid_query_names_the_field(client: httpx.Client) -> None:
    details = error_of(search(client, "Contacts", criteria="(Nickname:equals:Jo)"))[2]
    assert details["api_name"] == "Nickname"


def test_at_most_ten_criteria(client: httpx.Client) -> None:
    ten = "(" + "or".join(["(Last_Name:equals:Smith)"] * 10) + ")"
    assert names(search(client, "Contacts", criteria=ten)) == ["John Smith"]
    eleven = "(" + "or".join(["(Last_Name:equals:Smith)"] * 11) + ")"
    assert error_of(search(client, "Contacts", criteria=eleven))[:2] == (400, "INVALID_QUERY")


def test_precedence_is_criteria_then_email_then_phone_then_word(client: httpx.Client) -> None:
    everything = {
        "criteria": "(Last_Name:equals:Kumar)",
        "email": "jane.doe@acmecorp.com",
        "phone": "+15552468100",
        "word": "John",
    }
    assert names(search(client, "Contacts", **everything)) == ["Raj Kumar"]
    del everything["criteria"]
    assert names(search(client, "Contacts", **everything)) == ["Jane Doe"]
    del everything["email"]
    assert names(search(client, "Contacts", **everything)) == ["Maria Garcia"]


def test_search_without_a_parameter(client: httpx.Client) -> None:
    response = search(client, "Contacts")
    assert error_of(response)[:2] == (400, "EXPECTED_PARAM_MISSING")
    assert response.json()["message"] == "mandatory param missing"


def test_search_with_no_match_is_204(client: httpx.Client) -> None:
    response = search(client, "Contacts", word="Nobody")
    assert (response.status_code, response.content) == (204, b"")


def test_search_pages(client: httpx.Client) -> None:
    first = search(client, "Contacts", criteria="(Email:equals:@)", per_page=3)
    second = search(client, "Contacts", criteria="(Email:equals:@)", per_page=3, page=2)
    assert first.json()["info"] == {"per_page": 3, "count": 3, "page": 1, "more_records": True}
    assert second.json()["info"] == {"per_page": 3, "count": 1, "page": 2, "more_records": False}
    assert (
        search(client, "Contacts", criteria="(Email:equals:@)", per_page=3, page=3).status_code
        == 204
    )


def test_search_beyond_2000_records(client: httpx.Client) -> None:
    response = search(client, "Contacts", word="John", page=11, per_page=200)
    assert error_of(response)[:2] == (400, "LIMIT_REACHED")


def test_search_with_fields(client: httpx.Client) -> None:
    data = search(client, "Contacts", word="John", fields="Email").json()["data"]
    assert [set(r) for r in data] == [{"Email", "id"}]


def test_search_sees_new_records_at_once(client: httpx.Client) -> None:
    insert(client, "Leads", {"Last_Name": "Quinn", "Company": "Q Co", "Phone": "(555) 222-3333"})
    assert names(search(client, "Leads", phone="+15552223333")) == ["Quinn"]


def test_count(client: httpx.Client) -> None:
    assert client.get(f"{API}/Contacts/actions/count").json() == {"count": 4}
    assert client.get(f"{API}/Contacts/actions/count", params={"word": "acmecorp"}).json() == {
        "count": 2
    }
