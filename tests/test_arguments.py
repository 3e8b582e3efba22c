"""Argument preparation: validation, normalisation and defaults, on hand-made templates."""

from __future__ import annotations

from zoho_tools.arguments import prepare
from zoho_tools.normalize import Locale
from zoho_tools.templates import ActionTemplate, DerivedDefault, Param
from zoho_tools.variables import VariableScope

NEW_YORK = Locale(time_zone="America/New_York")

EVENT = ActionTemplate(
    name="create_event",
    title="Create event",
    description="Create an event.",
    category="events",
    module="Events",
    method="POST",
    path="/Events",
    params=(
        Param(name="title", required=True, ask="What is it about?"),
        Param(name="start", type="datetime", required=True, ask="When?"),
        Param(
            name="end",
            type="datetime",
            required=True,
            default=DerivedDefault(source="start", minutes=30),
        ),
        Param(
            name="remind_at", type="datetime", default=DerivedDefault(source="start", minutes=-15)
        ),
        Param(name="phone", type="phone", default="{{caller_phone}}"),
        Param(name="kind", enum=("Call", "Visit"), default="Call"),
        Param(name="location"),
        Param(name="address", required_when=("location", "Client Address")),
        Param(
            name="items",
            type="items",
            item_params=(
                Param(name="product_id", type="id", required=True),
                Param(name="quantity", type="number", default=1),
            ),
            item_template={"Product_Name": {"id": "{{product_id}}"}, "Quantity": "{{quantity}}"},
        ),
    ),
    body={"data": [{}]},
)


def test_defaults_derived_and_from_call_variables() -> None:
    prepared = prepare(
        EVENT,
        '{"title": "Callback", "start": "2026-11-29T14:00"}',
        scope=VariableScope(call={"caller_phone": "(555) 123-4567"}),
        locale=NEW_YORK,
    )
    assert prepared.ready
    assert prepared.arguments == {
        "title": "Callback",
        "start": "2026-11-29T14:00:00-05:00",
        "end": "2026-11-29T14:30:00-05:00",
        "remind_at": "2026-11-29T13:45:00-05:00",
        "phone": "+15551234567",
        "kind": "Call",
    }


def test_a_default_with_a_missing_variable_is_skipped() -> None:
    prepared = prepare(EVENT, {"title": "x", "start": "2026-11-29T14:00:00Z"}, locale=NEW_YORK)
    assert prepared.ready
    assert "phone" not in prepared.arguments


def test_missing_required_fields_are_listed_not_invented() -> None:
    prepared = prepare(EVENT, {"title": None}, locale=NEW_YORK)
    assert not prepared.ready
    assert [p.name for p in prepared.missing] == ["title", "start"]
    assert prepared.problems == ()


def test_required_when_another_field_has_a_value() -> None:
    prepared = prepare(
        EVENT,
        {"title": "Visit", "start": "2026-11-29T14:00:00Z", "location": "Client Address"},
        locale=NEW_YORK,
    )
    assert [p.name for p in prepared.missing] == ["address"]


def test_every_problem_is_reported_with_its_fix() -> None:
    prepared = prepare(
        EVENT,
        {"title": 5, "start": "tomorrow 2pm", "kind": "Lunch", "colour": "red", "strat": "x"},
        locale=NEW_YORK,
    )
    messages = {p.param: p.message for p in prepared.problems}
    assert set(messages) == {"start", "kind", "colour", "strat"}
    assert "ISO 8601" in messages["start"]
    assert "Call, Visit" in messages["kind"]
    assert "has no parameter 'colour'" in messages["colour"]
    assert "did you mean 'start'" in messages["strat"]
    assert prepared.arguments["title"] == "5"  # a number for a string is fine
    assert "start" not in [p.name for p in prepared.missing]  # reported once, as a problem


def test_malformed_json_and_non_objects() -> None:
    assert "not valid JSON" in str(prepare(EVENT, '{"title": ').problems[0])
    assert "JSON object" in str(prepare(EVENT, "[1, 2]").problems[0])


def test_items_are_checked_one_by_one() -> None:
    good = prepare(
        EVENT,
        {"title": "t", "start": "2026-11-29T14:00:00Z", "items": [{"product_id": "12"}]},
        locale=NEW_YORK,
    )
    assert good.arguments["items"] == [{"product_id": "12", "quantity": 1}]
    bad = prepare(
        EVENT,
        {"title": "t", "start": "2026-11-29T14:00:00Z", "items": [{"product_id": "Widget"}]},
        locale=NEW_YORK,
    )
    assert "item 0 product_id" in str(bad.problems[0])
    empty = prepare(EVENT, {"title": "t", "start": "2026-11-29T14:00:00Z", "items": []})
    assert "non-empty list" in str(empty.problems[0])


def test_values_are_taken_as_they_are_never_rendered_again() -> None:
    # The orchestrator resolves the model's {{references}} once; a value that reaches prepare
    # (perhaps a record's text that itself contains braces) is never rendered a second time.
    scope = VariableScope(call={"call_id": "CA-1"}, results={"search_product": [{"id": "777"}]})
    given = {"title": "Re: {{call_id}}", "start": "2026-11-29T14:00:00Z"}
    prepared = prepare(EVENT, given, scope=scope)
    assert prepared.arguments["title"] == "Re: {{call_id}}"
    # Declared defaults are the action's own templates: those are rendered.
    with_phone = prepare(EVENT, {}, scope=VariableScope(call={"caller_phone": "+15551234567"}))
    assert with_phone.arguments["phone"] == "+15551234567"


def test_employee_defaults_override_declared_ones() -> None:
    prepared = prepare(
        EVENT, {"title": "t", "start": "2026-11-29T14:00:00Z"}, defaults={"kind": "visit"}
    )
    assert prepared.arguments["kind"] == "Visit"


UPDATE = ActionTemplate(
    name="update_thing",
    title="Update",
    description="Update.",
    category="contacts",
    module="Contacts",
    method="PUT",
    path="/Contacts/{{id}}",
    params=(Param(name="id", type="id", required=True), Param(name="email", type="email")),
    body={"data": [{"Email": "{{email}}"}]},
)


def test_an_update_with_nothing_to_change_is_refused() -> None:
    prepared = prepare(UPDATE, {"id": "123"})
    assert [str(p) for p in prepared.problems] == ["nothing to change: give at least one of email"]
    assert prepare(UPDATE, {"id": "123", "email": "a@b.co"}).ready
