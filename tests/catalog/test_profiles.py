"""Profiles: named selections of actions, in Python, on the command line and in employee files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from zoho_tools.adapters import export
from zoho_tools.catalog import CATALOG, PROFILES, UnknownName
from zoho_tools.cli import main
from zoho_tools.employee import EmployeeError, EmployeeSpec

VOICE = CATALOG.select(profile="voice")


def test_every_profile_names_actions_of_the_catalog() -> None:
    for profile, names in PROFILES.items():
        assert len(set(names)) == len(names), profile
        assert set(names) <= set(CATALOG), profile


def test_the_voice_profile_has_what_a_phone_agent_needs_most() -> None:
    assert 8 <= len(VOICE) <= 12
    # Identify the caller, find a contact or their cases; open a case or a follow-up task; log
    # the call; take a note.
    for name in ("identify_caller", "search_contact", "search_case", "create_case", "create_task"):
        assert name in VOICE
    assert {"log_call", "create_note"} <= set(VOICE)
    # Nothing that destroys: a phone agent never needs to read back a deletion.
    assert not any(a.destructive for a in VOICE.values())
    assert list(VOICE) == [n for n in CATALOG if n in VOICE]  # catalog order


def test_a_profile_adds_to_names_and_categories_and_keeps_to_a_narrowed_catalog() -> None:
    both = CATALOG.select(names=["get_deal"], categories=["solutions"], profile="voice")
    assert set(both) == {"get_deal", *CATALOG.select(categories=["solutions"]), *VOICE}
    narrowed = CATALOG.select(categories=["cases", "notes"])
    assert list(narrowed.select(profile="voice")) == [
        "search_case",
        "create_case",
        "create_note",
        "next_page",
    ]
    assert list(CATALOG.select(profile="voice", read_only=True)) == [
        "identify_caller",
        "search_contact",
        "search_lead",
        "search_case",
        "next_page",
    ]


def test_an_unknown_profile_names_the_close_match() -> None:
    with pytest.raises(UnknownName, match="unknown profile 'vioce'; did you mean: voice"):
        CATALOG.select(profile="vioce")


def test_tools_list_and_export_take_a_profile() -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["tools", "list", "--profile", "voice", "--json"])
    assert listed.exit_code == 0
    assert [row["name"] for row in json.loads(listed.stdout)] == list(VOICE)
    exported = runner.invoke(main, ["tools", "export", "-f", "anthropic", "-p", "voice"])
    assert exported.exit_code == 0
    assert json.loads(exported.stdout) == export(VOICE, "anthropic")


@pytest.mark.parametrize("command", [["list"], ["export", "-f", "openai"]])
def test_an_unknown_profile_is_a_one_line_usage_error_naming_the_flag(command: list[str]) -> None:
    result = CliRunner().invoke(main, ["tools", *command, "--profile", "phone"])
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "--profile" in line and "unknown profile 'phone'" in line and "voice" in line


def test_an_employee_file_takes_a_profile(tmp_path: Path) -> None:
    employee = EmployeeSpec(profile="voice").build(CATALOG)
    assert employee.actions == frozenset(VOICE)
    more = EmployeeSpec(profile="voice", actions=["get_deal"], categories=["solutions"])
    assert more.build(CATALOG).actions == frozenset(
        {*VOICE, "get_deal", *CATALOG.select(categories=["solutions"])}
    )
    with pytest.raises(EmployeeError, match="unknown profile 'voise'; did you mean: voice"):
        EmployeeSpec(profile="voise").build(CATALOG)
