"""What the product's spec asks of several actions, checked on the demo sandbox."""

from __future__ import annotations

import json
from typing import Any

from zoho_tools.agent.loop import run_tool_calls
from zoho_tools.connection import sandbox_executor
from zoho_tools.executor import RetryPolicy
from zoho_tools.orchestrator import Conversation, ToolCall
from zoho_tools.sandbox import Sandbox


async def _run(sandbox: Sandbox, conversation: Conversation, name: str, **args: Any) -> Any:
    async with sandbox_executor(sandbox) as executor:
        (event,) = await run_tool_calls(conversation, executor, [ToolCall(name, args)])
    return json.loads(event.shown)


async def test_a_service_is_found_by_name_for_booking(sandbox: Sandbox) -> None:
    conversation = Conversation()
    shown = await _run(sandbox, conversation, "search_service", query="installation")
    [service] = shown["data"]
    assert service["Service_Name"] == "On-site Installation" and service["Duration"] == 120
    [john] = sandbox.find("Contacts", Last_Name="Smith")
    booked = await _run(
        sandbox, conversation, "schedule_appointment", start="2026-12-01T10:00:00-05:00",
        customer_id=john["id"], service="{{search_service.id}}", owner="Sam Patel",
        location="Client Address", address="1 Depot Road",
    )  # fmt: skip
    assert booked["status"] == "ok"
    [appointment] = sandbox.find("Appointments__s", Address="1 Depot Road")
    assert appointment["Service_Name"]["name"] == "On-site Installation"


async def test_cancelling_an_appointment_keeps_it_with_status_and_reason(
    sandbox: Sandbox,
) -> None:
    conversation = Conversation()
    [booked] = sandbox.records("Appointments__s")
    asked = await _run(sandbox, conversation, "cancel_appointment", id=booked["id"], reason="Ill")
    assert asked["status"] == "needs_confirmation"
    done = await _run(
        sandbox, conversation, "cancel_appointment", id=booked["id"], reason="Ill", confirmed=True
    )
    assert done["status"] == "ok"
    [cancelled] = sandbox.records("Appointments__s")
    assert cancelled["Status"] == "Cancelled"
    assert cancelled["Cancellation_Reason"] == "By Customer"
    assert cancelled["Cancellation_Note"] == "Ill"
    assert not sandbox.log.matching("DELETE")


async def test_a_quote_takes_a_list_price_per_item(sandbox: Sandbox) -> None:
    [pro] = sandbox.find("Products", Product_Name="Fleet Tracker Pro")
    [lite] = sandbox.find("Products", Product_Name="Fleet Tracker Lite")
    items = [
        {"product_id": pro["id"], "quantity": 10, "list_price": 249.5},
        {"product_id": lite["id"], "quantity": 2},
    ]
    shown = await _run(sandbox, Conversation(), "create_quote", subject="Fleet deal", items=items)
    assert shown["status"] == "ok"
    [quote] = sandbox.find("Quotes", Subject="Fleet deal")
    prices = [(i["List_Price"], i["Total"]) for i in quote["Quoted_Items"]]
    assert prices == [(249.5, 2495.0), (149.0, 298.0)]  # the second at the product's price


async def test_a_negative_list_price_is_refused_before_sending(sandbox: Sandbox) -> None:
    [pro] = sandbox.find("Products", Product_Name="Fleet Tracker Pro")
    items = [{"product_id": pro["id"], "list_price": -1}]
    shown = await _run(sandbox, Conversation(), "create_quote", subject="Oops", items=items)
    assert shown["status"] == "rejected" and "list_price" in shown["problems"][0]
    assert not sandbox.log.matching("POST", "/Quotes")


async def test_products_show_their_stock_and_solutions_their_details(sandbox: Sandbox) -> None:
    products = await _run(sandbox, Conversation(), "search_product", query="Tracker Pro")
    assert products["data"][0]["Qty_in_Stock"] == 140.0
    solutions = await _run(sandbox, Conversation(), "search_solution", query="tracker")
    [solution] = solutions["data"]
    assert solution["Answer"].startswith("Hold the power button")
    assert solution["Question"] and solution["Status"] == "Published"
    assert solution["Product_Name"]["name"] == "Fleet Tracker Pro"
    assert solution["Solution_Number"]


async def test_a_contact_by_id_is_whole_with_its_notes_cases_and_deals(sandbox: Sandbox) -> None:
    [john] = sandbox.find("Contacts", Last_Name="Smith")
    shown = await _run(sandbox, Conversation(), "get_contact", id=john["id"])
    data = shown["data"]
    # Fields a search leaves out, lookups as name and id, no internals or bookkeeping.
    assert (data["Title"], data["Mailing_City"]) == ("Operations Manager", "Springfield")
    assert data["Account_Name"] == {"name": "Acme Corp", "id": john["Account_Name"]["id"]}
    assert data["Tag"] == [{"name": "VIP", "id": john["Tag"][0]["id"]}]
    assert not any(key.startswith("$") or key == "Created_By" for key in data)
    assert [n["Note_Content"] for n in data["notes"]] == ["Prefers calls after 2pm Eastern."]
    assert [c["Subject"] for c in data["cases"]] == ["Tracker not reporting location"]
    assert [d["Deal_Name"] for d in data["deals"]] == [
        "Acme Corp - Fleet Renewal",
        "Acme Corp - Support Plan",
    ]
    assert "unavailable" not in data
    requests = {(e.method, e.path) for e in sandbox.log}
    assert ("GET", f"/crm/v7/Contacts/{john['id']}/Notes") in requests


async def test_a_related_list_zoho_refuses_is_named_not_fatal(sandbox: Sandbox) -> None:
    sandbox.faults.fail_next(1, kind=503, path="/crm/v7/Cases/search")
    [john] = sandbox.find("Contacts", Last_Name="Smith")
    async with sandbox_executor(sandbox, retry=RetryPolicy(max_attempts=1)) as executor:
        (event,) = await run_tool_calls(
            Conversation(), executor, [ToolCall("get_contact", {"id": john["id"]})]
        )
    data = json.loads(event.shown)["data"]
    assert data["unavailable"] == ["cases"] and data["deals"] and data["Full_Name"] == "John Smith"


async def test_a_record_by_id_is_bounded(sandbox: Sandbox) -> None:
    record = {"Last_Name": "Long", "Description": "x" * 5000}
    record.update({f"Mailing_{k}": "Somewhere" for k in ("Street", "City", "State", "Zip")})
    record.update({f"Other_{k}": "Elsewhere" for k in ("Street", "City", "State", "Zip")})
    created = sandbox.create("Contacts", record)
    shown = await _run(sandbox, Conversation(), "get_contact", id=created["id"])
    assert len(shown["data"]["Description"]) <= 501  # replies cut long text
    fields = [k for k in shown["data"] if k not in ("notes", "cases", "deals")]
    assert len(fields) <= 41


async def test_a_missing_record_by_id_is_record_not_found(sandbox: Sandbox) -> None:
    shown = await _run(sandbox, Conversation(), "get_deal", id="6421873000009999999")
    assert (shown["status"], shown["code"]) == ("error", "RECORD_NOT_FOUND")
    assert shown["hint"] == "No record has that id. Search for the record first and use its id."
