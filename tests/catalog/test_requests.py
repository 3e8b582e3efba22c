"""Every action renders to the request Zoho v7 expects, via the real preparation and rendering."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.params import declared
from zoho_tools.arguments import prepare
from zoho_tools.catalog import CATALOG
from zoho_tools.normalize import Locale
from zoho_tools.rendering import RenderedRequest, render_request
from zoho_tools.templates import ActionTemplate, Param
from zoho_tools.variables import VariableScope, render
from zoho_tools.zoho import MODULES, is_record_id

RECORD_ID = "5725767000000524157"
SAMPLES: dict[str, Any] = {
    "string": "Acme",
    "text": "The caller's printer jams.",
    "number": 3,
    "integer": 7,
    "date": "2026-05-01",
    "datetime": "2026-05-01T15:00:00-04:00",
    "duration": "05:30",
    "phone": "+15551234567",
    "email": "jo@example.com",
    "id": RECORD_ID,
    "search_term": "Jo Smith",
}
CALL = {
    "caller_phone": "+15557654321",
    "call_started_at": "2026-05-01T14:50:00-04:00",
    "call_duration": "03:10",
    "service_id": "5725767000000000001",
    "owner_id": "5725767000000000002",
}
FIELD_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$")
WRITES = [a for a in CATALOG.values() if a.method in ("POST", "PUT") and a.body is not None]
RECORD_WRITES = [a for a in WRITES if isinstance(a.body, dict) and "data" in a.body]
CREATES = [a for a in RECORD_WRITES if a.method == "POST"]


def _sample(param: Param) -> Any:
    if param.enum:
        return param.enum[-1]
    if param.type == "items":
        return [{p.name: _sample(p) for p in param.item_params}]
    return SAMPLES[param.type]


def _at(value: Any, path: str) -> Any:
    """The value at a field_map path such as ``body.data[0].Parent_Id.module.api_name``."""
    for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        value = value[int(index)] if index else value[key]
    return value


def _records(request: RenderedRequest) -> list[dict[str, Any]]:
    """The records ``request`` writes: its JSON body's ``data``."""
    assert isinstance(request.json, dict), request.json
    records: list[dict[str, Any]] = request.json["data"]
    return records


def _check_record(record: dict[str, Any]) -> None:
    """Field API names as keys; every lookup an ``{"id": digits}`` object, never a bare id."""
    for field, value in record.items():
        if field == "$se_module":  # the module of What_Id, by Zoho's own name for it
            assert value in MODULES
            continue
        assert FIELD_NAME.match(field), field
        if isinstance(value, dict):
            assert is_record_id(value["id"]), (field, value)
            assert set(value) <= {"id", "module"}, (field, value)
            if "module" in value:
                assert value["module"]["api_name"] in MODULES
        elif isinstance(value, list) and field.endswith("_Items"):
            for item in value:
                _check_record(item)
        elif field == "Participants":
            assert all(is_record_id(p["participant"]) for p in value)
        elif is_record_id(value):
            pytest.fail(f"{field} is a bare id; Zoho lookups take {{'id': ...}}")


def _name(template: ActionTemplate) -> str:
    return template.name


@pytest.mark.parametrize("template", WRITES, ids=_name)
def test_writes_render_every_parameter_where_zoho_expects_it(template: ActionTemplate) -> None:
    arguments = {p.name: _sample(p) for p in template.params}
    request = render_request(template, arguments)
    assert request.method == template.method
    assert "{{" not in request.path
    if template.path_placeholders:
        assert RECORD_ID in request.path
    rendered = {"body": request.json, "query": request.query}
    for name, path in template.field_map().items():
        if path != "path":
            expected = arguments[name]
            param = declared(template, name)
            if param.type == "items" and param.item_template is not None:
                [item] = expected
                expected = [render(param.item_template, item.__getitem__)]
            assert _at(rendered, path) == expected, name
    if template in RECORD_WRITES:
        assert isinstance(request.json, dict) and set(request.json) == {"data"}
        [record] = _records(request)
        _check_record(record)


@pytest.mark.parametrize(
    "template", [a for a in RECORD_WRITES if a.method == "PUT"], ids=lambda t: t.name
)
def test_updates_send_only_the_fields_given(template: ActionTemplate) -> None:
    changed = next(p for p in template.params if p.name != "id")
    request = render_request(template, {"id": RECORD_ID, changed.name: _sample(changed)})
    assert request.path == f"/{template.module}/{RECORD_ID}"
    field = template.field_map()[changed.name].removeprefix("body.data[0].")
    fixed = {k: v for k, v in template.body["data"][0].items() if "{{" not in repr(v)}
    assert request.json == {"data": [{field: _sample(changed), **fixed}]}


def test_cancelling_an_appointment_sets_its_status() -> None:
    request = render_request(CATALOG["cancel_appointment"], {"id": RECORD_ID})
    assert request.describe() == f"PUT /Appointments__s/{RECORD_ID}"
    assert request.json == {"data": [{"Status": "Cancelled", "Cancellation_Reason": "By Customer"}]}


@pytest.mark.parametrize(
    ("term", "sent"),
    [
        ("+15551234567", {"phone": "+15551234567"}),
        ("jo@example.com", {"email": "jo@example.com"}),
        ("Jo Smith", {"word": "Jo Smith"}),
    ],
)
def test_person_searches_find_a_caller_by_phone_or_email(term: str, sent: dict[str, str]) -> None:
    for action in ("search_contact", "search_lead", "search_account"):
        request = render_request(CATALOG[action], {"query": term})
        assert request.query == {**sent, "per_page": "10"}


def test_reads_and_deletes_address_one_record() -> None:
    get = render_request(CATALOG["get_deal"], {"id": RECORD_ID})
    assert (get.method, get.path, get.json) == ("GET", f"/Deals/{RECORD_ID}", None)
    delete = render_request(CATALOG["delete_contact"], {"id": RECORD_ID})
    assert (delete.method, delete.path) == ("DELETE", f"/Contacts/{RECORD_ID}")
    tags = render_request(CATALOG["list_tags"], {"module": "Deals"})
    assert tags.describe() == "GET /settings/tags?module=Deals"
    tag = render_request(CATALOG["add_tag"], {"module": "Leads", "id": RECORD_ID, "tag": "VIP"})
    assert tag.path == f"/Leads/{RECORD_ID}/actions/add_tags"
    assert tag.json == {"tags": [{"name": "VIP"}]}


def _caller_says(template: ActionTemplate) -> dict[str, Any]:
    """What a caller (and the model, for record ids) would give: mandatory values that have no
    default. Everything else must come from declared defaults and call variables."""
    return {p.name: _sample(p) for p in template.params if p.required and not p.has_default}


@pytest.mark.parametrize("template", CREATES, ids=_name)
def test_creates_are_complete_from_what_the_caller_says_plus_defaults(
    template: ActionTemplate,
) -> None:
    scope = VariableScope(call=CALL)
    prepared = prepare(
        template, _caller_says(template), scope=scope, locale=Locale("America/New_York")
    )
    assert prepared.ready, (prepared.missing, prepared.problems)
    request = render_request(template, prepared.arguments, scope)
    [record] = _records(request)
    _check_record(record)
    required_fields = {
        template.field_map()[p.name].removeprefix("body.data[0].").split(".")[0]
        for p in template.params
        if p.required
    }
    assert required_fields <= set(record)


def test_defaults_fill_what_zoho_needs_and_the_caller_does_not_say() -> None:
    scope = VariableScope(call=CALL)
    locale = Locale("America/New_York")

    def record(action: str, given: dict[str, Any]) -> dict[str, Any]:
        template = CATALOG[action]
        prepared = prepare(template, given, scope=scope, locale=locale)
        assert prepared.ready, (prepared.missing, prepared.problems)
        [sent] = _records(render_request(template, prepared.arguments, scope))
        return sent

    case = record("create_case", {"subject": "Printer jams"})
    assert (case["Status"], case["Case_Origin"]) == ("New", "Phone")
    event = record("create_event", {"title": "Callback", "start": "2026-05-01T15:00:00"})
    assert event["End_DateTime"] == "2026-05-01T15:30:00-04:00"
    assert event["Remind_At"] == [{"unit": 15, "period": "minutes"}]
    call = record("log_call", {"subject": "Billing question", "call_type": "Inbound"})
    assert (call["Call_Start_Time"], call["Call_Duration"]) == (
        "2026-05-01T14:50:00-04:00",
        "03:10",
    )
    contact = record("create_contact", {"last_name": "Smith"})
    assert contact == {"Last_Name": "Smith", "Phone": "+15557654321"}
    visit = record("schedule_appointment", {"start": "2026-05-02T10:00", "customer_id": RECORD_ID})
    assert visit["Service_Name"] == {"id": CALL["service_id"]}
    assert visit["Owner"] == {"id": CALL["owner_id"]}
    assert visit["Appointment_For"] == {"module": {"api_name": "Contacts"}, "id": RECORD_ID}
    assert (visit["Location"], visit["Appointment_Name"]) == ("Business Address", "Phone booking")
    assert "Address" not in visit


def test_a_client_address_visit_asks_for_the_address() -> None:
    template = CATALOG["schedule_appointment"]
    given = {"start": "2026-05-02T10:00", "customer_id": RECORD_ID, "location": "Client Address"}
    prepared = prepare(template, given, scope=VariableScope(call=CALL))
    assert [p.name for p in prepared.missing] == ["address"]
