"""The scripted conversations: every bundled fixture replays green, the runner can fail, and
``zoho-tools demo`` shows them.

Each bundled fixture in ``examples/conversations/`` runs through the real agent loop,
orchestrator, executor and embedded sandbox (:func:`~zoho_tools.agent.fixtures.run_fixture`) and
must meet all its expectations: what the model was shown, the requests Zoho received, and the CRM
records afterwards. The runner is only worth that if it reports broken expectations, so fixtures
built here with wrong expectations must fail with exactly the failures they deserve.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from zoho_tools.agent.fixtures import (
    CallStart,
    Fixture,
    FixtureRun,
    examples_folder,
    load_fixtures,
    matches,
    run_fixture,
)
from zoho_tools.cli import main

FOLDER = examples_folder()
FIXTURE_PATHS = sorted(p for p in FOLDER.iterdir() if p.suffix in {".yaml", ".yml", ".json"})

#: What the bundled conversations must cover (issue 5, item 3), one fixture each at least.
REQUIRED = {
    "example_call",
    "lead_company_missing",
    "deal_date_corrected",
    "delete_confirmed",
    "search_into_task",
    "no_match",
    "duplicate_account",
    "zoho_error_mid_call",
    "quote_with_products",
    "appointment",
    "note_on_contact",
    "tags",
    "identify_at_call_start",
    "name_with_two_matches",
    "custom_stage",
}

JOHN = "6421873000001000005"  # John Smith's id in a fresh demo org (ids are deterministic)


def _report(run: FixtureRun) -> str:
    return f"{run.fixture.name} failed:\n" + "\n".join(f"  - {f}" for f in run.failures)


# --- the bundled fixtures ---------------------------------------------------------------------


def test_the_required_conversations_are_bundled() -> None:
    assert len(FIXTURE_PATHS) >= 12
    assert {path.stem for path in FIXTURE_PATHS} >= REQUIRED


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=lambda path: path.stem)
async def test_fixture_replays_green(path: Path) -> None:
    fixture = Fixture.load(path)
    # `zoho-tools demo NAME` finds a fixture by its file name and `--list` shows its name.
    assert fixture.name == path.stem
    assert fixture.description.strip() and "\n" not in fixture.description
    run = await run_fixture(fixture)
    if not run.passed:
        print(_report(run))  # shown by pytest with the failure
    assert run.passed, _report(run)
    assert run.tool_events, "a scripted conversation should exercise at least one tool"


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=lambda path: path.stem)
def test_fixture_expects_effects(path: Path) -> None:
    """Every fixture asserts what reached Zoho and what the CRM holds afterwards."""
    expect = Fixture.load(path).expect
    assert expect.requests or expect.counts, "expect the requests Zoho received"
    assert expect.records or expect.absent or expect.counts, "expect the final CRM state"


def test_load_fixtures_reads_every_bundled_file() -> None:
    names = [fixture.name for fixture in load_fixtures(FOLDER)]
    assert names == [path.stem for path in FIXTURE_PATHS]


# --- the runner reports what went wrong -------------------------------------------------------


def _fixture(
    turns: list[dict[str, Any]],
    expect: dict[str, Any] | None = None,
    *,
    name: str = "broken",
    now: str = "2026-11-24T10:00:00-05:00",
) -> Fixture:
    return Fixture.model_validate(
        {
            "name": name,
            "description": "built by the test",
            "now": now,
            "time_zone": "America/New_York",
            "variables": {"caller_phone": "+15551234567", "call_id": "CA-T1"},
            "turns": turns,
            "expect": expect or {},
        }
    )


def _search_turn(expect: dict[str, Any] | None = None) -> dict[str, Any]:
    call: dict[str, Any] = {"name": "search_contact", "arguments": {}}
    if expect is not None:
        call["expect"] = expect
    return {
        "caller": "Hi, it's John Smith.",
        "agent": [{"say": "One moment.", "tool_calls": [call]}, {"say": "Hi John!"}],
    }


async def test_a_passing_fixture_has_no_failures() -> None:
    fixture = _fixture(
        [_search_turn({"status": "ok", "count": 1, "data": [{"id": JOHN}]})],
        {
            "requests": [{"method": "GET", "path": "/crm/v7/Contacts/search", "status": 200}],
            "records": {"Contacts": [{"Full_Name": "John Smith"}]},
            "counts": {"GET /crm/v7/Contacts/search": 1},
        },
    )
    run = await run_fixture(fixture)
    assert run.failures == []
    assert run.passed


async def test_a_call_start_lookup_that_shows_something_else_is_reported() -> None:
    fixture = _fixture([_search_turn()])
    wrong = {"status": "ok", "data": {"name": "Jane Doe"}}
    fixture = fixture.model_copy(update={"call_start": CallStart(expect=wrong)})
    run = await run_fixture(fixture)
    [failure] = run.failures
    assert failure.startswith("call start: identify_caller showed the model {")
    assert '"name":"John Smith"' in failure and failure.endswith(f"expected {json.dumps(wrong)}")


async def test_a_missing_record_is_reported() -> None:
    wanted = {"Full_Name": "Nobody Here"}
    run = await run_fixture(_fixture([_search_turn()], {"records": {"Contacts": [wanted]}}))
    assert run.failures == [f"no Contacts record matching {json.dumps(wanted)}"]


async def test_a_request_never_sent_is_reported() -> None:
    never = {"method": "POST", "path": "/crm/v7/Cases", "json": {"data": [{"Subject": "X"}]}}
    run = await run_fixture(_fixture([_search_turn()], {"requests": [never]}))
    assert run.failures == [f"no request matching {json.dumps(never)} (in order)"]


async def test_requests_out_of_order_are_reported() -> None:
    second = {"method": "POST", "path": "/crm/v7/Tasks"}
    first = {"method": "GET", "path": "/crm/v7/Contacts/search"}
    turn = _search_turn()
    create = {"name": "create_task", "arguments": {"subject": "X"}}
    turn["agent"].insert(1, {"tool_calls": [create]})
    run = await run_fixture(_fixture([turn], {"requests": [second, first]}))
    assert run.failures == [f"no request matching {json.dumps(first)} (in order)"]


async def test_a_wrong_tool_result_expectation_is_reported() -> None:
    wrong = {"status": "empty"}
    run = await run_fixture(_fixture([_search_turn(wrong)]))
    assert len(run.failures) == 1
    shown = run.tool_events[0].shown
    assert json.loads(shown)["status"] == "ok"
    assert run.failures[0] == (
        f"turn 1: search_contact showed the model {shown}, expected {json.dumps(wrong)}"
    )


async def test_a_script_ending_with_tool_calls_is_reported() -> None:
    turn = {
        "caller": "Hi, it's John Smith.",
        "agent": [{"tool_calls": [{"name": "search_contact", "arguments": {}}]}],
    }
    run = await run_fixture(_fixture([turn]))
    assert run.failures == [
        "turn 1: the script ended while the agent wanted another model turn "
        "(a caller turn's last step must have no tool_calls)"
    ]
    # The tool call itself still ran: the failure is about the script, not the call.
    assert [event.call.name for event in run.tool_events] == ["search_contact"]


async def test_steps_left_over_when_the_agent_stops_are_reported() -> None:
    turn = {"caller": "Hello?", "agent": [{"say": "Hi there."}, {"say": "Never said."}]}
    run = await run_fixture(_fixture([turn]))
    assert run.failures == ["turn 1: the agent stopped before 1 scripted step(s)"]


async def test_wrong_counts_and_present_unwanted_records_are_reported() -> None:
    run = await run_fixture(
        _fixture(
            [_search_turn()],
            {
                "counts": {"GET /crm/v7/Contacts/search": 2, "POST /crm/v7/Contacts": 0},
                "absent": {"Contacts": [{"Full_Name": "John Smith"}]},
            },
        )
    )
    assert run.failures == [
        "GET /crm/v7/Contacts/search was sent 1 time(s), expected 2",
        'a Contacts record matches {"Full_Name": "John Smith"}',
    ]


async def test_every_broken_expectation_is_reported_together() -> None:
    """A record that does not exist, a request never sent, a wrong tool result and a script that
    ends while the agent still has tool calls: those four failures, and nothing else."""
    wrong_result = {"status": "ok", "count": 3}
    missing_record = {"Subject": "Never created"}
    never_sent = {"method": "DELETE", "path": f"/crm/v7/Contacts/{JOHN}"}
    turns = [
        _search_turn(wrong_result),
        {
            "caller": "Please open a case about my order.",
            "agent": [
                {
                    "tool_calls": [
                        {
                            "name": "create_case",
                            "arguments": {"subject": "Order issue - John Smith"},
                            "expect": {"status": "ok"},
                        }
                    ]
                }
            ],
        },
    ]
    expect = {
        "requests": [
            {"method": "GET", "path": "/crm/v7/Contacts/search"},
            {"method": "POST", "path": "/crm/v7/Cases", "status": 201},
            never_sent,
        ],
        "records": {
            "Cases": [{"Subject": "Order issue - John Smith"}, missing_record],
        },
    }
    run = await run_fixture(_fixture(turns, expect))
    shown = run.tool_events[0].shown
    assert run.failures == [
        f"turn 1: search_contact showed the model {shown}, expected {json.dumps(wrong_result)}",
        "turn 2: the script ended while the agent wanted another model turn "
        "(a caller turn's last step must have no tool_calls)",
        f"no request matching {json.dumps(never_sent)} (in order)",
        f"no Cases record matching {json.dumps(missing_record)}",
    ]


@pytest.fixture
def machine_in_tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process's local time zone set far from the fixtures' (restored afterwards)."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("machine_in_tokyo")
async def test_a_now_without_offset_is_the_calls_local_time() -> None:
    turn = {
        "caller": "Just log this call, thanks.",
        "agent": [
            {
                "tool_calls": [
                    {"name": "log_call", "arguments": {"subject": "Test", "call_type": "Inbound"}}
                ]
            },
            {"say": "Logged."},
        ],
    }
    sent = {"requests": [{"method": "POST", "path": "/crm/v7/Calls"}]}
    run = await run_fixture(_fixture([turn], sent, now="2026-11-24T10:00:00"))
    assert run.passed, _report(run)
    (request,) = run.sandbox.log.matching("POST", "/Calls")
    assert request.json["data"][0]["Call_Start_Time"] == "2026-11-24T10:00:00-05:00"


@pytest.mark.parametrize(
    ("expected", "actual", "result"),
    [
        ({"a": 1}, {"a": 1, "b": 2}, True),
        ({"a": {"b": 1}}, {"a": {"b": 1, "c": 2}}, True),
        ({"a": 1}, {"a": 2}, False),
        ({"a": 1}, {"b": 1}, False),
        ([{"a": 1}], [{"a": 1, "b": 2}, {"a": 3}], True),  # lists: an in-order prefix
        ([{"a": 3}], [{"a": 1}, {"a": 3}], False),
        ([1, 2], [1], False),
        ({"a": [1]}, {"a": "1"}, False),
        (1, 1.0, True),
    ],
)
def test_matches(expected: Any, actual: Any, result: bool) -> None:
    assert matches(expected, actual) is result


# --- product bugs the fixtures found (strict: they flip to failures once fixed) ---------------


async def test_identical_parallel_writes_are_sent_once() -> None:
    call = {"name": "create_task", "arguments": {"subject": "Call John back"}}
    turn = {"caller": "Call me back, please.", "agent": [{"tool_calls": [call, call]}, {}]}
    run = await run_fixture(
        _fixture([turn], {"counts": {"POST /crm/v7/Tasks": 1}}, name="parallel_repeat")
    )
    assert run.passed, _report(run)


async def test_collected_references_keep_the_record_they_named() -> None:
    maria = "6421873000001000007"
    turns = [
        {
            "caller": "Maria Garcia here. Can someone come to our office Thursday at 2?",
            "agent": [
                {"tool_calls": [{"name": "search_contact", "arguments": {"query": "Maria"}}]},
                {
                    "tool_calls": [
                        {
                            "name": "schedule_appointment",
                            "arguments": {
                                "start": "2026-12-03T14:00:00",
                                "customer_id": "{{search_contact.id}}",
                                "location": "Client Address",
                            },
                            "expect": {"status": "needs_input", "missing": ["address"]},
                        }
                    ]
                },
                {"say": "What address should we come to?"},
            ],
        },
        {
            "caller": "1200 Industrial Parkway. Is my colleague Jane Doe on file too?",
            "agent": [
                {"tool_calls": [{"name": "search_contact", "arguments": {"query": "Jane Doe"}}]},
                {
                    "tool_calls": [
                        {
                            "name": "schedule_appointment",
                            "arguments": {"address": "1200 Industrial Parkway"},
                        }
                    ]
                },
                {"say": "Booked, and yes, Jane is on file."},
            ],
        },
    ]
    booked = {"Address": "1200 Industrial Parkway", "Appointment_For": {"id": maria}}
    expect = {"records": {"Appointments__s": [booked]}}
    run = await run_fixture(_fixture(turns, expect, name="pending_reference"))
    assert run.passed, _report(run)


# --- zoho-tools demo --------------------------------------------------------------------------


def _invoke(*args: str) -> Any:
    # A wide terminal, so rich does not wrap the lines the assertions look for.
    return CliRunner().invoke(main, ["demo", *args], env={"COLUMNS": "200"})


def test_demo_replays_the_example_call() -> None:
    result = _invoke("--no-color")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Hi, this is John Smith from Acme Corp. I need help with my order." in out
    for tool in ("search_contact", "create_case", "create_event", "log_call"):
        assert f"→ {tool}" in out
    assert "POST /Cases" in out  # Zoho's request
    assert "CRM records written during the call" in out
    for cell in ("Order issue - John Smith", "Callback - John Smith order issue", "Inbound"):
        assert cell in out
    assert "did not go as scripted" not in out


def test_demo_replays_a_bundled_conversation_by_name() -> None:
    result = _invoke("tags", "--no-color")
    assert result.exit_code == 0, result.output
    assert "→ remove_tag" in result.output
    assert "needs confirmation" in result.output


def test_demo_list_shows_every_fixture() -> None:
    result = _invoke("--list", "--no-color")
    assert result.exit_code == 0, result.output
    for path in FIXTURE_PATHS:
        fixture = Fixture.load(path)
        assert f"{fixture.name}  {fixture.description}" in result.output


def test_demo_unknown_name_lists_the_bundled_ones() -> None:
    result = _invoke("unknown_name")
    assert result.exit_code == 2
    assert "no conversation 'unknown_name'" in result.output
    for path in FIXTURE_PATHS:
        assert path.stem in result.output


def test_demo_of_a_failing_fixture_file_exits_1(tmp_path: Path) -> None:
    fixture = _fixture(
        [_search_turn()], {"records": {"Contacts": [{"Full_Name": "Nobody Here"}]}}
    ).model_dump(mode="json", by_alias=True, exclude_defaults=True)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(fixture), encoding="utf-8")
    result = _invoke(str(path), "--no-color")
    assert result.exit_code == 1
    assert "did not go as scripted" in result.output
    assert 'no Contacts record matching {"Full_Name": "Nobody Here"}' in result.output


async def test_a_fault_that_never_fires_is_reported() -> None:
    turn = _search_turn()
    turn["agent"][0]["faults"] = [{"kind": 503, "method": "POST", "path": "/crm/v7/Nowhere"}]
    run = await run_fixture(_fixture([turn]))
    assert run.failures == ["1 injected fault(s) never fired (check their method/path)"]


def test_demo_shows_retries_and_refuses_a_malformed_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from zoho_tools.cli import main

    runner = CliRunner()
    retried = runner.invoke(main, ["demo", "--no-color", "zoho_error_mid_call"])
    assert retried.exit_code == 0, retried.output
    assert "after 3 attempts" in retried.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\ndescription: a: colon\n")
    refused = runner.invoke(main, ["demo", str(broken)])
    assert refused.exit_code == 1
    assert "cannot read the conversation" in refused.output
