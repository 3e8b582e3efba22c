"""Names instead of ids: a linked record (``contact``, ``account``, ``deal``, ``service``,
``owner``) is given by id or by name, and the loop looks a name up in Zoho before sending (the
sandbox's demo org)."""

from __future__ import annotations

import json
from typing import Any

from zoho_tools.agent.loop import run_tool_calls
from zoho_tools.connection import sandbox_executor
from zoho_tools.executor import RetryPolicy
from zoho_tools.orchestrator import (
    Choice,
    Conversation,
    NameLookup,
    NeedsInput,
    NeedsLookup,
    Ready,
    Rejected,
    ToolCall,
    name_key,
    step,
)
from zoho_tools.sandbox import Sandbox


async def _run(sandbox: Sandbox, conversation: Conversation, name: str, **args: Any) -> Any:
    async with sandbox_executor(sandbox) as executor:
        (event,) = await run_tool_calls(conversation, executor, [ToolCall(name, args)])
    return event


def _shown(event: Any) -> dict[str, Any]:
    return dict(json.loads(event.shown))


def _id(sandbox: Sandbox, module: str, **equals: Any) -> str:
    [record] = sandbox.find(module, **equals)
    return str(record["id"])


def test_step_asks_for_the_lookup_and_then_uses_what_was_found() -> None:
    conversation = Conversation()
    call = ToolCall("create_task", {"subject": "Call back", "contact": " jane   DOE "})
    outcome = step(conversation, call)
    assert outcome == NeedsLookup("create_task", (NameLookup("contact", "Contacts", "jane DOE"),))
    conversation.found_names({name_key("Contacts", "jane doe"): (Choice("123", "Jane Doe"),)})
    ready = step(conversation, call)
    assert isinstance(ready, Ready)
    assert ready.request.arguments == {"subject": "Call back", "contact": "123"}


def test_step_uses_an_id_as_it_is_and_looks_up_nothing() -> None:
    conversation = Conversation()
    ready = step(conversation, ToolCall("create_task", {"subject": "X", "contact": "4242"}))
    assert isinstance(ready, Ready)
    assert ready.request.arguments == {"subject": "X", "contact": "4242"}


def test_step_turns_several_matches_into_a_question_and_none_into_a_rejection() -> None:
    conversation = Conversation()
    conversation.found_names(
        {
            name_key("Deals", "Acme"): (
                Choice("1", "Acme A", "Qualification"),
                Choice("2", "Acme B"),
            ),
            name_key("Contacts", "Nobody"): (),
        }
    )
    asked = step(conversation, ToolCall("create_quote", {"subject": "Q", "deal": "acme"}))
    assert isinstance(asked, NeedsInput)
    assert [m.name for m in asked.missing] == ["items", "deal"]
    assert asked.missing[1].question == "Do you mean Acme A (Qualification) or Acme B?"
    assert list(asked.choices) == ["deal"]  # the chosen one's id comes back in ``deal``
    assert [c.id for c in asked.choices["deal"]] == ["1", "2"]
    refused = step(conversation, ToolCall("create_task", {"subject": "X", "contact": "Nobody"}))
    assert isinstance(refused, Rejected)
    assert refused.problems[0].param == "contact"
    assert "nothing in Zoho is called 'Nobody'" in refused.problems[0].message


async def test_one_match_is_used_and_the_name_never_reaches_zoho(sandbox: Sandbox) -> None:
    conversation = Conversation()
    event = await _run(
        sandbox, conversation, "create_task", subject="Ring back", contact="Jane Doe"
    )
    assert _shown(event)["status"] == "ok"
    [search] = sandbox.log.matching("GET", "/Contacts/search")
    assert search.query["word"] == "Jane Doe"
    [post] = sandbox.log.matching("POST", "/Tasks")
    assert post.json == {
        "data": [
            {"Subject": "Ring back", "Who_Id": {"id": _id(sandbox, "Contacts", Last_Name="Doe")}}
        ]
    }


async def test_a_given_id_is_sent_as_it_is_and_nothing_is_searched(sandbox: Sandbox) -> None:
    jane = _id(sandbox, "Contacts", Last_Name="Doe")
    event = await _run(sandbox, Conversation(), "create_task", subject="X", contact=jane)
    assert _shown(event)["status"] == "ok"
    assert not sandbox.log.matching("GET", "/Contacts/search")
    [post] = sandbox.log.matching("POST", "/Tasks")
    assert post.json == {"data": [{"Subject": "X", "Who_Id": {"id": jane}}]}


async def test_two_matches_ask_the_caller_and_keep_the_rest(sandbox: Sandbox) -> None:
    conversation = Conversation()
    tracker = _id(sandbox, "Products", Product_Name="Fleet Tracker Pro")
    items = [{"product_id": tracker, "quantity": 5}]
    asked = _shown(
        await _run(
            sandbox, conversation, "create_quote", subject="Trackers", items=items, deal="Acme"
        )
    )
    assert asked["status"] == "needs_input" and asked["missing"] == ["deal"]
    assert asked["ask"] == (
        "Do you mean Acme Corp - Fleet Renewal (Negotiation/Review) or Acme Corp - Support Plan "
        "(Closed Won)?"
    )
    renewal = _id(sandbox, "Deals", Deal_Name="Acme Corp - Fleet Renewal")
    assert asked["choices"]["deal"][0]["id"] == renewal
    assert not sandbox.log.matching("POST", "/Quotes")
    # The caller picks the renewal; only the choice is sent again, in the same parameter.
    done = _shown(await _run(sandbox, conversation, "create_quote", deal=renewal))
    assert done["status"] == "ok"
    [quote] = sandbox.find("Quotes", Subject="Trackers")
    assert quote["Deal_Name"]["id"] == renewal


async def test_several_names_in_one_call_and_the_rest_asked_for(sandbox: Sandbox) -> None:
    conversation = Conversation()
    await _run(
        sandbox,
        conversation,
        "create_deal",
        deal_name="Add-on",  # the deal's own name, never looked up
        contact="Smith",
        account="Acme",
    )
    assert (
        _shown(
            await _run(
                sandbox,
                conversation,
                "create_deal",
                stage="Qualification",
                closing_date="2027-01-15",
            )
        )["status"]
        == "ok"
    )
    [deal] = sandbox.find("Deals", Deal_Name="Add-on")
    assert (
        deal["Account_Name"]["name"] == "Acme Corp" and deal["Contact_Name"]["name"] == "John Smith"
    )


async def test_an_exact_name_beats_a_partial_one(sandbox: Sandbox) -> None:
    sandbox.create("Accounts", {"Account_Name": "Acme Corp Europe"})
    event = await _run(
        sandbox, Conversation(), "create_contact", last_name="Lee", account="acme corp"
    )
    assert _shown(event)["status"] == "ok"
    [lee] = sandbox.find("Contacts", Last_Name="Lee")
    assert lee["Account_Name"]["name"] == "Acme Corp"


async def test_no_match_is_a_clear_rejection_and_nothing_is_written(sandbox: Sandbox) -> None:
    conversation = Conversation()
    shown = _shown(
        await _run(sandbox, conversation, "create_task", subject="X", contact="Zed Zulu")
    )
    assert shown["status"] == "rejected"
    assert "contact: nothing in Zoho is called 'Zed Zulu'" in shown["problems"][0]
    assert not sandbox.log.matching("POST", "/Tasks")
    # Once the contact exists, the same name finds it (a write forgets what names meant).
    await _run(sandbox, conversation, "create_contact", first_name="Zed", last_name="Zulu")
    shown = _shown(await _run(sandbox, conversation, "create_task", contact="Zed Zulu"))
    assert shown["status"] == "ok"


async def test_an_owner_by_first_name_or_email(
    sandbox: Sandbox, conversation: Conversation
) -> None:
    john = _id(sandbox, "Contacts", Last_Name="Smith")
    base = {"start": "2026-12-01T10:00:00", "customer_id": john}
    shown = _shown(
        await _run(sandbox, conversation, "schedule_appointment", owner="jordan", **base)
    )
    assert shown["status"] == "ok"
    shown = _shown(
        await _run(
            sandbox,
            conversation,
            "schedule_appointment",
            owner="SAM.PATEL@zylker.example",
            service="Consultation",
            **{**base, "start": "2026-12-02T10:00:00"},
        )
    )
    assert shown["status"] == "ok"
    owners = {a["Owner"]["name"] for a in sandbox.records("Appointments__s")}
    assert {"Jordan Reyes", "Sam Patel"} <= owners


async def test_a_failed_search_is_zohos_error_and_the_call_is_kept(sandbox: Sandbox) -> None:
    conversation = Conversation()
    sandbox.faults.fail_next(1, kind=503, path="/crm/v7/Contacts/search")
    async with sandbox_executor(sandbox, retry=RetryPolicy(max_attempts=1)) as executor:
        (event,) = await run_tool_calls(
            conversation,
            executor,
            [ToolCall("create_task", {"subject": "Hi", "contact": "Jane Doe"})],
        )
        assert event.reply.is_error and _shown(event)["code"] == "ZOHO_UNAVAILABLE"
        (event,) = await run_tool_calls(conversation, executor, [ToolCall("create_task", {})])
    assert _shown(event)["status"] == "ok"  # the subject and the name were kept
    assert sandbox.find("Tasks", Subject="Hi")[0]["Who_Id"]["name"] == "Jane Doe"


async def test_a_name_too_short_to_search_matches_nothing(sandbox: Sandbox) -> None:
    shown = _shown(await _run(sandbox, Conversation(), "create_task", subject="X", contact="J"))
    assert shown["status"] == "rejected"
    assert not sandbox.log.matching("GET", "/Contacts/search")


async def test_a_name_too_long_to_be_one_is_refused_not_dropped(sandbox: Sandbox) -> None:
    shown = _shown(
        await _run(sandbox, Conversation(), "create_task", subject="X", contact="J" * 300)
    )
    assert shown["status"] == "rejected"
    assert shown["problems"] == ["contact: is 300 characters long; no name is that long"]
    assert not sandbox.log.matching("POST", "/Tasks")


async def test_a_whole_number_is_an_id_and_any_other_number_a_name(sandbox: Sandbox) -> None:
    # A whole number is a record id (digits): sent as it is, and Zoho says no record has it.
    shown = _shown(await _run(sandbox, Conversation(), "create_task", subject="X", contact=42))
    assert (shown["code"], shown["field"]) == ("INVALID_DATA", "contact")
    assert not sandbox.log.matching("GET", "/Contacts/search")
    [post] = sandbox.log.matching("POST", "/Tasks")
    assert post.json["data"][0]["Who_Id"] == {"id": "42"}
    # Any other number cannot be an id, so it is looked up as a name, never dropped.
    shown = _shown(await _run(sandbox, Conversation(), "create_task", subject="X", contact=4.5))
    assert shown["status"] == "rejected" and shown["problems"][0].startswith("contact:")
    [search] = sandbox.log.matching("GET", "/Contacts/search")
    assert search.query["word"] == "4.5"
    assert len(sandbox.log.matching("POST", "/Tasks")) == 1
