"""What a destructive action's read-back calls the record: its own name, not a linked one's."""

from __future__ import annotations

from typing import Any

from zoho_tools.agent.llm import ScriptedLLM
from zoho_tools.orchestrator import NeedsConfirmation
from zoho_tools.sandbox import Sandbox

from .conftest import turn


async def test_the_read_back_of_a_deal_deletion_names_the_deal(
    sandbox: Sandbox, make_agent: Any
) -> None:
    (deal,) = sandbox.find("Deals", Deal_Name="Acme Corp - Fleet Renewal")
    model = ScriptedLLM(
        [
            turn("", ("search_deal", {"query": "Fleet Renewal"})),
            turn("", ("delete_deal", {"id": deal["id"]})),
            turn("Shall I delete it?"),
        ]
    )
    agent = make_agent(model)
    reply = await agent.respond("Delete the fleet renewal deal.")
    found, delete = reply.events
    assert found.result is not None and found.result.ok
    # The deal carries its account's name too ("Acme Corp"): the read-back must not use it.
    assert found.result.records[0]["Account_Name"]["name"] == "Acme Corp"
    assert isinstance(delete.outcome, NeedsConfirmation)
    assert delete.outcome.summary == f"Delete deal: id={deal['id']} (Acme Corp - Fleet Renewal)"
    assert sandbox.find("Deals", Deal_Name="Acme Corp - Fleet Renewal")  # nothing deleted yet
