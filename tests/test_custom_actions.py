"""Custom actions load into the built-in type and render safely."""

from __future__ import annotations

from pathlib import Path

import pytest

from zoho_tools.arguments import prepare
from zoho_tools.catalog import CATALOG
from zoho_tools.custom_actions import CustomActionError, load_custom_actions
from zoho_tools.rendering import render_request
from zoho_tools.variables import VariableScope

EXAMPLE = Path(__file__).parents[1] / "examples" / "custom_actions.toml"


def by_name(path: Path = EXAMPLE) -> dict:
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
    ],
)
def test_errors_name_the_file_action_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CustomActionError) as caught:
        load_custom_actions(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


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
        "find_contact_by_phone",
        "find_lead_by_email",
        "open_deals_for_account",
        "recent_leads",
    ]
    broken = write(tmp_path, "[[actions]]\nname='x'\n")
    refused = runner.invoke(main, ["tools", "list", "--custom", str(broken)])
    assert refused.exit_code == 2
    assert "description" in refused.output
