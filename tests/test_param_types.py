"""The parameter-type table covers every declared type, and schemas and normalising read it."""

from __future__ import annotations

from typing import get_args

import pytest

from zoho_tools.arguments import prepare
from zoho_tools.normalize import Locale
from zoho_tools.param_types import PARAM_TYPES
from zoho_tools.schemas import param_schema
from zoho_tools.templates import ActionTemplate, Param, ParamType


def test_the_table_covers_exactly_the_declared_types() -> None:
    assert set(PARAM_TYPES) == set(get_args(ParamType))


@pytest.mark.parametrize("kind", get_args(ParamType))
def test_every_type_is_shown_to_the_model_as_its_entry_says(kind: ParamType) -> None:
    param = Param(name="value", type=kind, item_params=(Param(name="n", type="integer"),))
    schema = param_schema(param)
    assert {k: schema[k] for k in PARAM_TYPES[kind].schema} == PARAM_TYPES[kind].schema
    hint = PARAM_TYPES[kind].hint
    assert schema.get("description", "") == hint


@pytest.mark.parametrize(
    ("kind", "sent", "normalised"),
    [
        ("string", " Acme ", "Acme"),
        ("text", "Line one\nline two", "Line one\nline two"),
        ("integer", "12", 12),
        ("number", "$1,500.50", 1500.5),
        ("boolean", "yes", True),
        ("date", "2026-03-04", "2026-03-04"),
        ("datetime", "2026-03-04T10:00", "2026-03-04T10:00:00-05:00"),
        ("duration", "5", "05:00"),
        ("phone", "(555) 123-4567", "+15551234567"),
        ("email", "Ann@Example.COM", "Ann@example.com"),
        ("search_term", " John Smith ", "John Smith"),
        ("id", 5725767000000524157, "5725767000000524157"),
        ("items", {"n": "2"}, [{"n": 2}]),
    ],
)
def test_prepare_normalises_each_type_through_the_table(
    kind: ParamType, sent: object, normalised: object
) -> None:
    action = ActionTemplate(
        name="probe",
        title="Probe",
        description="",
        category="custom",
        module=None,
        method="POST",
        path="/Probe",
        params=(Param(name="value", type=kind, item_params=(Param(name="n", type="integer"),)),),
        body={"value": "{{value}}"},
    )
    prepared = prepare(action, {"value": sent}, locale=Locale(time_zone="America/New_York"))
    assert prepared.problems == ()
    assert prepared.arguments == {"value": normalised}
