"""What the product's spec asks of several actions, checked on the demo sandbox."""

from __future__ import annotations

import json
from typing import Any

from zoho_tools.agent.loop import run_tool_calls
from zoho_tools.connection import sandbox_executor
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
        customer_id=john["id"], service_id="{{search_service.id}}", owner="Sam Patel",
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
