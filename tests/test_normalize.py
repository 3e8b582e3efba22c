"""Value normalisers: what Zoho gets for what a model or caller says, and the errors otherwise."""

from __future__ import annotations

import pytest

from zoho_tools import normalize
from zoho_tools.normalize import Locale, ValueProblem

NEW_YORK = Locale(time_zone="America/New_York", country="US")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-12-31", "2026-12-31"),
        ("2026-12-31T10:00:00-05:00", "2026-12-31"),
        ("2026-12-31 23:30", "2026-12-31"),
    ],
)
def test_dates_in_zoho_form(raw: str, expected: str) -> None:
    assert normalize.date_value(raw, NEW_YORK) == expected


@pytest.mark.parametrize("raw", ["12/31/2026", "31.12.2026", "next friday", "2026-02-30"])
def test_bad_dates_say_the_format(raw: str) -> None:
    with pytest.raises(ValueProblem, match=r"yyyy-MM-dd|calendar date"):
        normalize.date_value(raw, NEW_YORK)


def test_datetime_without_offset_takes_the_time_zone() -> None:
    assert normalize.datetime_value("2026-11-29T14:00", NEW_YORK) == "2026-11-29T14:00:00-05:00"
    assert normalize.datetime_value("2026-07-01 09:15", NEW_YORK) == "2026-07-01T09:15:00-04:00"


def test_datetime_with_offset_or_z_keeps_the_instant() -> None:
    assert normalize.datetime_value("2026-11-29T19:00:00Z", NEW_YORK) == "2026-11-29T14:00:00-05:00"
    assert (
        normalize.datetime_value("2026-11-29T14:00:00.123+01:00", NEW_YORK)
        == "2026-11-29T08:00:00-05:00"
    )


def test_datetime_needs_a_time() -> None:
    with pytest.raises(ValueProblem, match="has no time"):
        normalize.datetime_value("2026-11-29", NEW_YORK)
    with pytest.raises(ValueProblem, match="ISO 8601"):
        normalize.datetime_value("tomorrow at 2pm", NEW_YORK)


def test_shift_moves_a_datetime() -> None:
    assert (
        normalize.shift("2026-11-29T14:00:00-05:00", -15, NEW_YORK) == "2026-11-29T13:45:00-05:00"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5:30", "05:30"),
        ("05:30", "05:30"),
        ("1:02:03", "62:03"),
        (5, "05:00"),
        ("12 min", "12:00"),
    ],
)
def test_durations_become_mm_ss(raw: object, expected: str) -> None:
    assert normalize.duration(raw) == expected


@pytest.mark.parametrize("raw", ["five minutes", "5:75", -1, True])
def test_bad_durations(raw: object) -> None:
    with pytest.raises(ValueProblem):
        normalize.duration(raw)


@pytest.mark.parametrize(
    "raw", ["+1 (555) 123-4567", "(555) 123-4567", "555.123.4567", "+15551234567", 5551234567]
)
def test_phones_become_e164(raw: object) -> None:
    assert normalize.phone(raw, NEW_YORK) == "+15551234567"


def test_phone_in_another_country() -> None:
    assert normalize.phone("020 7946 0958", Locale(country="GB")) == "+442079460958"


@pytest.mark.parametrize("raw", ["call me", "12", "+1"])
def test_bad_phones(raw: str) -> None:
    with pytest.raises(ValueProblem, match="not a phone number"):
        normalize.phone(raw, NEW_YORK)


def test_choice_matches_loosely_and_lists_options() -> None:
    assert normalize.choice("inbound", ("Inbound", "Outbound", "Missed")) == "Inbound"
    assert normalize.choice("on hold", ("New", "On Hold")) == "On Hold"
    with pytest.raises(ValueProblem, match="Inbound, Outbound, Missed"):
        normalize.choice("incoming", ("Inbound", "Outbound", "Missed"))


def test_record_ids_are_digit_strings() -> None:
    assert normalize.record_id("5725767000000524157") == "5725767000000524157"
    assert normalize.record_id(5725767000000524157) == "5725767000000524157"
    for bad in ("John Smith", "../Leads", "123abc", "", None, -4):
        with pytest.raises(ValueProblem, match="search action first"):
            normalize.record_id(bad)


def test_numbers_and_integers_accept_numeric_strings_only() -> None:
    assert normalize.number("$1,500.50") == 1500.5
    assert normalize.number("2000") == 2000
    assert normalize.integer("7") == 7
    for bad in ("a lot", True, [1]):
        with pytest.raises(ValueProblem):
            normalize.number(bad)


def test_search_terms_route_and_are_checked() -> None:
    assert normalize.search_kind("john@acme.com") == "email"
    assert normalize.search_kind("+1 555 123 4567") == "phone"
    assert normalize.search_kind("John Smith") == "word"
    assert normalize.search_term("(555) 123-4567", NEW_YORK, routes=True) == "+15551234567"
    with pytest.raises(ValueProblem, match="cannot search"):
        normalize.search_term("(555) 123-4567", NEW_YORK, routes=False)
    with pytest.raises(ValueProblem, match="at least 2 letters or digits"):
        normalize.search_term("J", NEW_YORK, routes=True)


def test_strings_have_limits_and_types() -> None:
    assert normalize.string("  Acme  ") == "Acme"
    assert normalize.string(42) == "42"
    with pytest.raises(ValueProblem, match="Zoho allows 255"):
        normalize.string("x" * 300)
    with pytest.raises(ValueProblem, match="must be text"):
        normalize.string({"name": "Acme"})


def test_unknown_time_zone_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        Locale(time_zone="Mars/Olympus")
