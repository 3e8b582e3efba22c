"""Values at the edges (dates at the ends of the calendar, criteria nested thousands deep) are a
Zoho validation error (400), never an internal error from an overflow or a recursion."""

from __future__ import annotations

import httpx
import pytest

from .conftest import API


@pytest.mark.parametrize(
    "moment",
    ["9999-12-31T23:59:59-12:00", "9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+14:00"],
)
def test_datetimes_beyond_the_range_are_invalid_data(client: httpx.Client, moment: str) -> None:
    answer = client.post(
        f"{API}/Events",
        json={"data": [{"Event_Title": "Edge", "Start_DateTime": moment, "End_DateTime": moment}]},
    )
    assert answer.status_code == 400
    assert answer.json()["data"][0]["code"] == "INVALID_DATA"
    searched = client.get(
        f"{API}/Events/search", params={"criteria": f"(Start_DateTime:greater_than:{moment})"}
    )
    assert (searched.status_code, searched.json()["code"]) == (400, "INVALID_QUERY")


def test_the_last_whole_day_of_the_range_is_kept(client: httpx.Client) -> None:
    moment = "9999-12-29T10:00:00+00:00"
    answer = client.post(
        f"{API}/Events",
        json={"data": [{"Event_Title": "Far", "Start_DateTime": moment, "End_DateTime": moment}]},
    )
    assert answer.status_code == 201
    record_id = answer.json()["data"][0]["details"]["id"]
    shown = client.get(f"{API}/Events/{record_id}").json()["data"][0]
    assert shown["Start_DateTime"].startswith("9999-12-29")


def test_a_deal_closing_on_the_last_day_is_accepted(client: httpx.Client) -> None:
    answer = client.post(
        f"{API}/Deals",
        json={
            "data": [{"Deal_Name": "Far", "Stage": "Qualification", "Closing_Date": "9999-12-31"}]
        },
    )
    assert answer.status_code == 201


def test_deeply_nested_criteria_are_an_invalid_query(client: httpx.Client) -> None:
    criteria = "(" * 3000 + "Last_Name:equals:Smith" + ")" * 3000
    answer = client.get(f"{API}/Contacts/search", params={"criteria": criteria})
    assert (answer.status_code, answer.json()["code"]) == (400, "INVALID_QUERY")
    nested = "(" * 5 + "Last_Name:equals:Smith" + ")" * 5  # redundant, but fine
    assert client.get(f"{API}/Contacts/search", params={"criteria": nested}).status_code == 200
