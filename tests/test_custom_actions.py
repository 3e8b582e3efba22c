"""Custom actions load into the built-in type and render safely."""

from __future__ import annotations

from pathlib import Path

import pytest

from zoho_tools.arguments import prepare
from zoho_tools.catalog import CATALOG
from zoho_tools.custom_actions import CustomActionError, load_custom_actions
from zoho_tools.rendering import render_request
from zoho_tools.templates import ActionTemplate, DerivedDefault, Param
from zoho_tools.variables import VariableScope

EXAMPLE = Path(__file__).parents[1] / "examples" / "custom_actions.toml"


def by_name(path: Path = EXAMPLE) -> dict[str, ActionTemplate]:
    return {t.name: t for t in load_custom_actions(path)}


def test_example_file_loads_with_method_derived_hints() -> None:
    actions = by_name()
    assert set(actions) == {
        "find_contact_by_phone",
        "find_lead_by_email",
        "open_deals_for_account",
        "recent_leads",
    }
    phone = actions["find_contact_by_phone"]
    assert (phone.read_only, phone.idempotent, phone.destructive, phone.custom) == (
        True,
        True,
        False,
        True,
    )
    assert phone.module == "Contacts"
    assert phone.category == "custom"


def test_default_from_call_variable_and_rendering() -> None:
    action = by_name()["find_contact_by_phone"]
    scope = VariableScope(call={"caller_phone": "(555) 123-4567"})
    prepared = prepare(action, {}, scope=scope)
    assert prepared.arguments == {"phone": "+15551234567"}
    request = render_request(action, prepared.arguments, scope)
    assert request.describe() == "GET /Contacts/search?phone=%2B15551234567&per_page=5"


def test_criteria_values_are_escaped_against_injection() -> None:
    action = by_name()["open_deals_for_account"]
    evil = "Acme)or(Amount:greater_than:0"
    request = render_request(action, {"account_name": evil})
    assert request.query["criteria"] == (
        r"((Account_Name:equals:Acme\)or\(Amount:greater_than:0)and(Stage:not_equal:Closed Won))"
    )
    comma = render_request(action, {"account_name": "Smith, B\\"})
    assert r"Smith\, B\\" in comma.query["criteria"]


HEAD = "[[actions]]\nname='x'\ndescription='d'\nmethod='POST'\npath='/Events'\n"


def write(tmp_path: Path, text: str, suffix: str = ".toml") -> Path:
    path = tmp_path / f"actions{suffix}"
    path.write_text(text)
    return path


def test_json_files_and_delete_defaults(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '{"actions": [{"name": "drop_lead", "description": "Delete a lead.", "method": "DELETE",'
        ' "path": "/Leads/{{id}}", "params": [{"name": "id", "type": "id", "required": true}]}]}',
        ".json",
    )
    (action,) = load_custom_actions(path)
    assert (action.destructive, action.confirm, action.idempotent) == (True, True, True)
    assert render_request(action, {"id": "123"}).path == "/Leads/123"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[[actions]]\nname='x y'\ndescription='d'\nmethod='GET'\npath='/Leads'",
            "action 'x y': name",
        ),
        ("[[actions]]\nname='x'\ndescription='d'\nmethod='PATCH'\npath='/Leads'", "method"),
        (
            "[[actions]]\nname='x'\ndescription='d'\nmethod='GET'\npath='/Leads/{{id}}'",
            "path placeholder {{id}}",
        ),
        ("[[actions]]\nname='x'\ndescription='d'\nmethod='GET'\npath='/../oauth'", "'..'"),
        ("[[actions]]\nname='x'\ndescription='d'\nmethod='GET'\npath='/Leads'\ncolour=1", "colour"),
        ("actions = [", "not valid TOML"),
        (f"{HEAD}category='deals'", "action 'x': category: is set by the loader"),
        (f"{HEAD}[[actions.params]]\nname='Start'", "params.0.name: 'Start' must be snake_case"),
        (
            f"{HEAD}[[actions.params]]\nname='end'\ntype='datetime'\n"
            "default={source='begin', minutes=30}",
            "params.0.default.source: 'begin' must be a date or datetime param",
        ),
        (
            f"{HEAD}[[actions.params]]\nname='start'\ntype='datetime'\n[[actions.params]]\n"
            "name='end'\ntype='datetime'\ndefault={source='start', minute=30}",
            "params.1.default.minutes: Field required",
        ),
        (
            f"{HEAD}[[actions.params]]\nname='venue'\nrequired_when=['where', 'Elsewhere']",
            "params.0.required_when: 'where' is not one of its params",
        ),
        (
            f"{HEAD}[[actions.params]]\nname='account'\nlookup='Accounts'",
            'params.0.lookup: only a param of type = "id"',
        ),
        (
            f"{HEAD}[[actions.params]]\nname='account'\ntype='id'\nlookup='Accounts/../x'",
            "params.0.lookup: must be a module's API name",
        ),
        (
            f"{HEAD}[[actions.params]]\nname='people'\ntype='items'\n"
            "[[actions.params.item_params]]\nname='id'\ntype='id'",
            "params.0: a list of items needs item_params and an item_template",
        ),
        (
            f"{HEAD}[[actions.params]]\nname='people'\ntype='items'\nitem_template={{p='{{{{id}}}}'}}\n"
            "[[actions.params.item_params]]\nname='id'\ncolour='red'",
            "params.0.item_params.0.colour",
        ),
        (f"{HEAD}[[actions.params]]\nname='n'\nminimum='low'", "params.0.minimum"),
    ],
)
def test_errors_name_the_file_action_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CustomActionError) as caught:
        load_custom_actions(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CustomActionError, match="cannot read"):
        load_custom_actions(tmp_path / "nope.toml")


def test_tools_command_lists_and_exports_custom_actions(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from zoho_tools.cli import main

    runner = CliRunner()
    listed = runner.invoke(main, ["tools", "list", "--custom", str(EXAMPLE)])
    assert listed.exit_code == 0
    assert (
        "find_contact_by_phone" in listed.output and f"{len(CATALOG) + 4} actions" in listed.output
    )
    exported = runner.invoke(
        main, ["tools", "export", "-f", "mcp", "-c", "custom", "--custom", str(EXAMPLE)]
    )
    names = [tool["name"] for tool in json.loads(exported.output)]
    assert names == [
        "next_page",  # find_contact_by_phone is paged (a literal per_page)
        "find_contact_by_phone",
        "find_lead_by_email",
        "open_deals_for_account",
        "recent_leads",
    ]
    broken = write(tmp_path, "[[actions]]\nname='x'\n")
    refused = runner.invoke(main, ["tools", "list", "--custom", str(broken)])
    assert refused.exit_code == 2
    assert "description" in refused.output


def test_a_file_says_what_a_declaration_in_python_says(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[[actions]]
name = "book_visit"
description = "Book a visit."
method = "POST"
path = "/Events"
body = { data = [{ Start_DateTime = "{{start}}", End_DateTime = "{{end}}", \
Who_Id = { id = "{{contact}}" }, Venue = "{{venue}}", Participants = "{{people}}" }] }

[[actions.params]]
name = "start"
type = "datetime"
required = true
ask = "When?"

[[actions.params]]
name = "end"
type = "datetime"
default = { source = "start", minutes = 30 }

[[actions.params]]
name = "contact"
type = "id"
lookup = "Contacts"

[[actions.params]]
name = "where"
enum = ["Office", "Elsewhere"]

[[actions.params]]
name = "venue"
min_length = 2
required_when = ["where", "Elsewhere"]

[[actions.params]]
name = "people"
type = "items"
item_template = { participant = "{{id}}", type = "{{type}}" }
item_params = [
    { name = "id", type = "id", required = true },
    { name = "type", enum = ["contact", "lead"], default = "contact" },
    { name = "seats", type = "integer", minimum = 1, maximum = 4 },
]
""",
    )
    (loaded,) = load_custom_actions(path)
    declared = ActionTemplate(
        name="book_visit",
        title="Book visit",
        description="Book a visit.",
        category="custom",
        module="Events",
        method="POST",
        path="/Events",
        params=(
            Param(name="start", type="datetime", required=True, ask="When?"),
            Param(name="end", type="datetime", default=DerivedDefault(source="start", minutes=30)),
            Param(name="contact", type="id", lookup="Contacts"),
            Param(name="where", enum=("Office", "Elsewhere")),
            Param(name="venue", min_length=2, required_when=("where", "Elsewhere")),
            Param(
                name="people",
                type="items",
                item_template={"participant": "{{id}}", "type": "{{type}}"},
                item_params=(
                    Param(name="id", type="id", required=True),
                    Param(name="type", enum=("contact", "lead"), default="contact"),
                    Param(name="seats", type="integer", minimum=1, maximum=4),
                ),
            ),
        ),
        body={
            "data": [
                {
                    "Start_DateTime": "{{start}}",
                    "End_DateTime": "{{end}}",
                    "Who_Id": {"id": "{{contact}}"},
                    "Venue": "{{venue}}",
                    "Participants": "{{people}}",
                }
            ]
        },
        scopes=("ZohoCRM.modules.ALL",),
        custom=True,
    )
    assert loaded == declared
    prepared = prepare(
        loaded,
        {"start": "2026-11-25T10:00:00Z", "contact": "1", "people": [{"id": "2", "seats": "3"}]},
    )
    assert prepared.ready, prepared
    request = render_request(loaded, prepared.arguments)
    assert request.json == {
        "data": [
            {
                "Start_DateTime": "2026-11-25T10:00:00+00:00",
                "End_DateTime": "2026-11-25T10:30:00+00:00",
                "Who_Id": {"id": "1"},
                "Participants": [{"participant": "2", "type": "contact"}],
            }
        ]
    }
