"""The orchestrator's step: every outcome, merging across turns, confirmation, the write guard,
normalisation, disabled actions and malformed model output. Pure: no sandbox, no network."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.clocks import Clock
from zoho_tools.normalize import Locale
from zoho_tools.orchestrator import (
    Conversation,
    Employee,
    NeedsConfirmation,
    NeedsInput,
    Ready,
    Rejected,
    Repeated,
    ToolCall,
    step,
)
from zoho_tools.replies import reply_for
from zoho_tools.results import OUTCOME_UNKNOWN, ActionResult

JOHN = "5725767000000524157"
#: When the call of the call-logging test began: 10:00 in New York.
CALL_STARTED = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)


@pytest.fixture
def conversation(clock: Clock) -> Conversation:
    return Conversation(
        variables={"caller_phone": "+1 (555) 123-4567", "call_id": "CA-1"},
        locale=Locale(time_zone="America/New_York"),
        now=clock.as_datetime,
    )


def call(name: str, arguments: object = None) -> ToolCall:
    return ToolCall(name, arguments if isinstance(arguments, str) else json.dumps(arguments or {}))


def ok(action: str, data: object, records: object = None) -> ActionResult:
    return ActionResult(action=action, status="ok", data=data, records=records)


def test_ready_with_defaults_and_normalised_values(conversation: Conversation) -> None:
    outcome = step(conversation, call("create_case", {"subject": "Order issue - John Smith"}))
    assert isinstance(outcome, Ready)
    assert outcome.request.arguments == {
        "subject": "Order issue - John Smith",
        "status": "New",
        "origin": "Phone",
    }


def test_search_without_a_term_looks_up_the_caller(conversation: Conversation) -> None:
    outcome = step(conversation, call("search_contact", {"query": None}))
    assert isinstance(outcome, Ready)
    assert outcome.request.arguments == {"query": "+15551234567"}


def test_needs_input_then_merged_across_turns(conversation: Conversation) -> None:
    first = step(
        conversation, call("create_lead", {"last_name": "Doe", "email": "JANE@EXAMPLE.COM"})
    )
    assert isinstance(first, NeedsInput)
    assert [m.name for m in first.missing] == ["company"]
    shown = reply_for(first).structured
    assert shown["ask"] == "Which company is the caller with?"
    assert "never guess" in shown["instruction"]
    second = step(conversation, call("create_lead", {"company": "Globex"}))
    assert isinstance(second, Ready)
    assert second.request.arguments == {
        "last_name": "Doe",
        "company": "Globex",
        "email": "JANE@example.com",
        "phone": "+15551234567",
    }
    assert "create_lead" not in conversation.pending


def test_rejected_lists_every_problem_and_keeps_good_values(conversation: Conversation) -> None:
    outcome = step(
        conversation,
        call("create_deal", {"deal_name": "Renewal", "closing_date": "12/31/2026", "stage": "Won"}),
    )
    assert isinstance(outcome, Rejected)
    text = " ".join(str(p) for p in outcome.problems)
    assert "closing_date" in text and "yyyy-MM-dd" in text
    assert "stage" in text and "Closed Won" in text
    fixed = step(
        conversation, call("create_deal", {"closing_date": "2026-12-31", "stage": "closed won"})
    )
    assert isinstance(fixed, Ready)
    assert fixed.request.arguments["deal_name"] == "Renewal"
    assert fixed.request.arguments["stage"] == "Closed Won"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ('{"subject": ', "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ('"just text"', "JSON object"),
        ('{"subject": "x", "colour": "red"}', "has no parameter 'colour'"),
        ('{"subject": {"text": "x"}}', "must be text"),
        # related_id takes only an id (a contact may be given by name, and is looked up).
        ('{"subject": "x", "related_id": "John Smith"}', "not a Zoho record id"),
    ],
)
def test_malformed_model_output_is_rejected_without_a_crash(
    conversation: Conversation, arguments: str, message: str
) -> None:
    outcome = step(conversation, call("create_task", arguments))
    assert isinstance(outcome, Rejected)
    assert message in reply_for(outcome).text
    assert "Fix these" in reply_for(outcome).text


def test_nulls_mean_unknown(conversation: Conversation) -> None:
    outcome = step(conversation, call("create_contact", {"first_name": None, "last_name": None}))
    assert isinstance(outcome, NeedsInput)
    assert [m.name for m in outcome.missing] == ["last_name"]


def test_a_note_needs_content_but_no_title(conversation: Conversation) -> None:
    # Zoho requires a note's content only (Note_Title is optional), so only that is asked.
    note = {"parent_module": "Contacts", "parent_id": JOHN}
    asked = step(conversation, call("create_note", note))
    assert isinstance(asked, NeedsInput) and [m.name for m in asked.missing] == ["content"]
    ready = step(conversation, call("create_note", {"content": "Prefers email"}))
    assert isinstance(ready, Ready)
    assert ready.request.arguments == {**note, "content": "Prefers email"}


def test_unknown_and_disabled_actions(clock: Clock) -> None:
    conversation = Conversation(
        employee=Employee(actions=frozenset({"search_contact", "create_case"})),
        now=clock.as_datetime,
    )
    # A search brings next_page, for the page_token of its answers.
    assert set(conversation.tools) == {"search_contact", "create_case", "next_page"}
    disabled = step(conversation, call("delete_contact", {"id": JOHN}))
    assert isinstance(disabled, Rejected)
    assert "not enabled" in reply_for(disabled).text
    assert "Do not call it again" in reply_for(disabled).text
    unknown = step(conversation, call("create_cases", {}))
    assert "Did you mean: create_case" in reply_for(unknown).text


def test_delete_needs_confirmation_of_the_same_call(conversation: Conversation) -> None:
    conversation.results["search_contact"] = ok(
        "search_contact", [{"id": JOHN}], [{"id": JOHN, "Full_Name": "John Smith"}]
    )
    first = step(conversation, call("delete_contact", {"id": JOHN}))
    assert isinstance(first, NeedsConfirmation)
    assert "John Smith" in first.summary
    assert '"confirmed": true' in reply_for(first).structured["instruction"]
    # Confirming a different record does not count as confirming this one.
    other = step(conversation, call("delete_contact", {"id": "123", "confirmed": True}))
    assert isinstance(other, NeedsConfirmation)
    again = step(conversation, call("delete_contact", {"id": "123", "confirmed": True}))
    assert isinstance(again, Ready)
    assert again.request.arguments == {"id": "123"}


def test_confirmed_on_the_first_call_still_asks(conversation: Conversation) -> None:
    outcome = step(conversation, call("delete_contact", {"id": JOHN, "confirmed": True}))
    assert isinstance(outcome, NeedsConfirmation)


def test_the_same_write_is_not_run_twice(conversation: Conversation) -> None:
    ready = step(
        conversation, call("create_task", {"subject": "Call back", "due_date": "2026-11-29"})
    )
    assert isinstance(ready, Ready)
    conversation.record(ready, ok("create_task", {"id": "1"}))
    repeated = step(
        conversation, call("create_task", {"subject": "Call back", "due_date": "2026-11-29"})
    )
    assert isinstance(repeated, Repeated)
    assert reply_for(repeated).structured["status"] == "already_done"
    different = step(
        conversation, call("create_task", {"subject": "Call back", "due_date": "2026-11-30"})
    )
    assert isinstance(different, Ready)
    # Reads are never guarded.
    search = step(conversation, call("search_task", {"query": "Call back"}))
    assert isinstance(search, Ready)
    conversation.record(search, ok("search_task", []))
    assert isinstance(step(conversation, call("search_task", {"query": "Call back"})), Ready)


def test_an_unknown_outcome_blocks_the_retry_until_a_search(conversation: Conversation) -> None:
    ready = step(conversation, call("create_case", {"subject": "Order issue"}))
    unknown = ActionResult(action="create_case", status="error", code=OUTCOME_UNKNOWN)
    assert isinstance(ready, Ready)
    conversation.record(ready, unknown)
    blocked = step(conversation, call("create_case", {"subject": "Order issue"}))
    assert isinstance(blocked, Repeated)
    assert "Search for the record first" in reply_for(blocked).structured["message"]
    search = step(conversation, call("search_case", {"query": "Order issue"}))
    assert isinstance(search, Ready)
    conversation.record(search, ok("search_case", []))
    assert isinstance(step(conversation, call("create_case", {"subject": "Order issue"})), Ready)


def test_chaining_an_earlier_result(conversation: Conversation) -> None:
    search = step(conversation, call("search_contact", {"query": "John Smith"}))
    assert isinstance(search, Ready)
    conversation.record(
        search, ok("search_contact", [{"id": JOHN}], [{"id": JOHN, "Full_Name": "John Smith"}])
    )
    task = step(
        conversation,
        call("create_task", {"subject": "Send invoice", "contact": "{{search_contact.id}}"}),
    )
    assert isinstance(task, Ready)
    assert task.request.arguments["contact"] == JOHN
    missing = step(
        conversation, call("create_task", {"subject": "x", "contact": "{{get_deal.id}}"})
    )
    assert isinstance(missing, Rejected)
    assert "get_deal" in reply_for(missing).text


@pytest.mark.parametrize("clock", [CALL_STARTED.timestamp()], indirect=True)
def test_call_duration_and_start_come_from_the_clock(
    conversation: Conversation, clock: Clock
) -> None:
    clock.advance(timedelta(minutes=3, seconds=25).total_seconds())
    outcome = step(
        conversation,
        call("log_call", {"subject": "Inbound - order inquiry", "call_type": "inbound"}),
    )
    assert isinstance(outcome, Ready)
    assert outcome.request.arguments["call_type"] == "Inbound"
    assert outcome.request.arguments["start_time"] == "2026-11-28T10:00:00-05:00"
    assert outcome.request.arguments["duration"] == "03:25"


def test_event_defaults_follow_the_start(conversation: Conversation) -> None:
    outcome = step(
        conversation,
        call("create_event", {"title": "Callback - John Smith", "start": "2026-11-29T14:00"}),
    )
    assert isinstance(outcome, Ready)
    assert outcome.request.arguments["start"] == "2026-11-29T14:00:00-05:00"
    assert outcome.request.arguments["end"] == "2026-11-29T14:30:00-05:00"
    assert outcome.request.arguments["remind_minutes"] == 15


def test_employee_defaults_and_variables(clock: Clock) -> None:
    employee = Employee(
        defaults={"create_case": {"priority": "High"}},
        variables={"service_id": "111", "owner_id": "222"},
    )
    conversation = Conversation(employee=employee, now=clock.as_datetime)
    case = step(conversation, call("create_case", {"subject": "x"}))
    assert isinstance(case, Ready) and case.request.arguments["priority"] == "High"
    booking = step(
        conversation,
        call("schedule_appointment", {"customer_id": JOHN, "start": "2026-12-01T10:00:00Z"}),
    )
    assert isinstance(booking, Ready)
    # The call variables service_id and owner_id are the defaults of service and owner.
    assert (booking.request.arguments["service"], booking.request.arguments["owner"]) == (
        "111",
        "222",
    )


def test_appointment_at_the_clients_address_asks_for_it(conversation: Conversation) -> None:
    conversation.variables.update(service_id="111", owner_id="222")
    outcome = step(
        conversation,
        call(
            "schedule_appointment",
            {"customer_id": JOHN, "start": "2026-12-01T10:00:00Z", "location": "Client Address"},
        ),
    )
    assert isinstance(outcome, NeedsInput)
    assert [m.name for m in outcome.missing] == ["address"]


def test_reset_forgets_state_but_keeps_variables(conversation: Conversation) -> None:
    step(conversation, call("create_lead", {"last_name": "Doe"}))
    assert conversation.pending
    conversation.reset()
    assert not conversation.pending and not conversation.results
    assert conversation.variables["call_id"] == "CA-1"


def test_the_same_write_twice_before_any_result_is_sent_once(conversation: Conversation) -> None:
    first = step(conversation, call("create_task", {"subject": "Call back"}))
    second = step(conversation, call("create_task", {"subject": "Call back"}))
    assert isinstance(first, Ready)
    assert isinstance(second, Repeated) and second.previous is None
    assert reply_for(second).structured["status"] == "already_done"
    conversation.record(first, ok("create_task", {"id": "1"}))
    assert isinstance(step(conversation, call("create_task", {"subject": "Call back"})), Repeated)


def test_collected_references_keep_the_record_they_named(conversation: Conversation) -> None:
    conversation.variables.update(service_id="111", owner_id="222")
    maria, jane = "5725767000000000007", "5725767000000000006"
    search = step(conversation, call("search_contact", {"query": "Maria"}))
    assert isinstance(search, Ready)
    conversation.record(search, ok("search_contact", [{"id": maria}], [{"id": maria}]))
    waiting = step(
        conversation,
        call(
            "schedule_appointment",
            {
                "customer_id": "{{search_contact.id}}",
                "start": "2026-12-03T14:00:00",
                "location": "Client Address",
            },
        ),
    )
    assert isinstance(waiting, NeedsInput)
    other = step(conversation, call("search_contact", {"query": "Jane"}))
    assert isinstance(other, Ready)
    conversation.record(other, ok("search_contact", [{"id": jane}], [{"id": jane}]))
    booked = step(conversation, call("schedule_appointment", {"address": "1 Main St"}))
    assert isinstance(booked, Ready)
    assert booked.request.arguments["customer_id"] == maria


def test_an_empty_search_releases_an_unknown_write(conversation: Conversation) -> None:
    ready = step(conversation, call("create_case", {"subject": "Order issue"}))
    assert isinstance(ready, Ready)
    conversation.record(
        ready, ActionResult(action="create_case", status="error", code=OUTCOME_UNKNOWN)
    )
    assert isinstance(step(conversation, call("create_case", {"subject": "Order issue"})), Repeated)
    search = step(conversation, call("search_case", {"query": "Order issue"}))
    assert isinstance(search, Ready)
    # Nothing found: the write did not happen, so it may go now (it would never be let through
    # if only a search that found something counted).
    conversation.record(search, ActionResult(action="search_case", status="empty", count=0))
    assert isinstance(step(conversation, call("create_case", {"subject": "Order issue"})), Ready)


def test_values_from_records_and_variables_are_rendered_once(conversation: Conversation) -> None:
    conversation.variables["employee_id"] = "EMP-7"
    conversation.variables["note"] = "see {{employee_id}}"
    search = step(conversation, call("search_contact", {"query": "Mallory"}))
    assert isinstance(search, Ready)
    hostile = {"id": JOHN, "Full_Name": "Mallory {{call_id}} {{caller_phone}}"}
    conversation.record(search, ok("search_contact", [hostile], [hostile]))
    task = step(
        conversation,
        call("create_task", {"subject": "For {{search_contact.full_name}}: {{note}}"}),
    )
    assert isinstance(task, Ready)
    # The record's text and the variable's text arrive literally: CRM data cannot pull call
    # variables into a write.
    assert task.request.arguments["subject"] == (
        "For Mallory {{call_id}} {{caller_phone}}: see {{employee_id}}"
    )
    # ...and a value collected in one turn is not rendered again in the next.
    first = step(conversation, call("create_lead", {"last_name": "{{search_contact.full_name}}"}))
    assert isinstance(first, NeedsInput)
    second = step(conversation, call("create_lead", {"company": "Acme"}))
    assert isinstance(second, Ready)
    assert second.request.arguments["last_name"] == "Mallory {{call_id}} {{caller_phone}}"


@pytest.mark.parametrize("blank", ["", "   ", "\t\n", "\x00\x1f", "\u200b \ufeff"])
def test_a_blank_mandatory_value_is_asked_for_again(conversation: Conversation, blank: str) -> None:
    outcome = step(conversation, call("create_lead", {"last_name": blank, "company": "Acme"}))
    assert isinstance(outcome, NeedsInput)
    assert [m.name for m in outcome.missing] == ["last_name"]
    assert "last_name" not in conversation.pending["create_lead"]


def test_an_update_never_blanks_a_field(conversation: Conversation) -> None:
    outcome = step(conversation, call("update_contact", {"id": JOHN, "last_name": "  "}))
    assert isinstance(outcome, Rejected)
    assert [p.param for p in outcome.problems] == ["last_name"]
    assert "is blank" in reply_for(outcome).text


def test_control_characters_are_cleaned_from_values(conversation: Conversation) -> None:
    outcome = step(conversation, call("create_task", {"subject": "\x07Call\u200b back\x00 "}))
    assert isinstance(outcome, Ready)
    assert outcome.request.arguments["subject"] == "Call back"


def test_unknown_names_are_not_kept_between_turns(conversation: Conversation) -> None:
    outcome = step(conversation, call("create_lead", {"last_name": "Doe", "x" * 100_000: 1}))
    assert isinstance(outcome, Rejected)
    assert len(reply_for(outcome).text) < 1_000
    assert conversation.pending["create_lead"] == {"last_name": "Doe"}


@pytest.mark.parametrize("term", ["!!", "a!", "--", " ... "])
def test_a_search_zoho_would_refuse_is_refused_before_it_is_sent(
    conversation: Conversation, term: str
) -> None:
    for action in ("search_case", "search_contact"):
        outcome = step(conversation, call(action, {"query": term}))
        assert isinstance(outcome, Rejected), (action, outcome)
        assert "2 letters or digits" in reply_for(outcome).text
    assert isinstance(step(conversation, call("search_case", {"query": "A1"})), Ready)
