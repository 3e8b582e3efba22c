"""``zoho-tools tools``: list, show, export; unknown names are usage errors (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from zoho_tools.adapters import FORMATS, export
from zoho_tools.catalog import CATALOG
from zoho_tools.cli import main
from zoho_tools.cli.tools import FORMAT_NAMES


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["tools", *args])
    return result.exit_code, result.stdout, result.stderr


def test_list_shows_every_action_by_category() -> None:
    code, out, _ = run("list")
    assert code == 0
    assert all(name in out for name in CATALOG)
    assert "Direct lookups (lookups)" in out and "Users & Tags (users-tags)" in out
    row = next(line for line in out.splitlines() if "create_case" in line)
    assert row.split()[:2] == ["create_case", "W"]
    assert row.endswith("subject, status=New, origin=Phone")
    assert next(line for line in out.splitlines() if "delete_deal" in line).split()[1] == "D"
    assert next(line for line in out.splitlines() if "get_deal" in line).split()[1] == "R"


def test_list_filters_by_category_and_prints_json() -> None:
    code, out, _ = run("list", "--category", "Users & Tags", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["name"] for r in rows] == [
        "next_page",  # list_users is paged
        "list_users",
        "get_user",
        "list_tags",
        "add_tag",
        "remove_tag",
    ]
    assert rows[-1] == {
        "name": "remove_tag",
        "title": "Remove tag",
        "category": "users-tags",
        "access": "destructive",
        "mandatory": ["module", "id", "tag"],
    }


def test_show_prints_the_whole_declaration() -> None:
    code, out, _ = run("show", "create_case")
    assert code == 0
    for expected in (
        "create_case: Create case",
        "request    POST /Cases",
        "ZohoCRM.modules.cases.CREATE",
        "origin: string, required, default Phone -> body.data[0].Case_Origin",
        "one of: Phone, Email, Web",
        'ask: "In a few words, what is the problem?"',
    ):
        assert expected in out, expected
    code, out, _ = run("show", "create_quote")
    assert "- product_id: id, required" in out
    assert 'each item: {"Product_Name": {"id": "{{product_id}}"}' in out


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_export_prints_each_format(format_name: str) -> None:
    code, out, _ = run("export", "--format", format_name)
    assert code == 0
    assert json.loads(out) == export(CATALOG, format_name)


def test_export_selects_by_name_category_and_read_only() -> None:
    code, out, _ = run(
        "export", "-f", "mcp", "--actions", "create_contact, get_deal", "--category", "TASKS"
    )
    assert code == 0
    assert [t["name"] for t in json.loads(out)] == [
        "create_contact",
        "search_task",
        "create_task",
        "update_task",
        "delete_task",
        "get_deal",
        "next_page",
    ]
    code, out, _ = run("export", "-f", "anthropic", "-c", "deals", "--read-only", "--compact")
    assert code == 0 and len(out.splitlines()) == 1
    assert [t["name"] for t in json.loads(out)] == ["search_deal", "next_page"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "creat_contact"), "did you mean: create_contact"),
        (
            ("export", "-f", "openai", "--actions", "search_contacts"),
            "did you mean: search_contact",
        ),
        (("export", "-f", "openai", "--category", "lookup"), "did you mean: lookups"),
        (("list", "--category", "dael"), "did you mean: deals"),
        (("export", "--format", "antropic"), "did you mean: anthropic"),
        (("export",), "Missing option '--format'"),
    ],
)
def test_unknown_names_are_usage_errors_naming_close_matches(
    args: tuple[str, ...], message: str
) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert message in err
    assert out == ""


def test_the_cli_knows_every_export_format() -> None:
    assert tuple(FORMATS) == FORMAT_NAMES


def test_importing_the_command_loads_no_catalog() -> None:
    code = "import sys, zoho_tools.cli.tools; print('zoho_tools.catalog' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"
