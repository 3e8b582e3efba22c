"""POST /elevenlabs/{action}: ElevenLabs server tools, the arguments as the body, the caller and
the conversation from system dynamic variables sent as headers or body fields, secret header."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.server.conftest import CALLER, ELEVENLABS_SECRET, conversations_kept
from zoho_tools.sandbox import Sandbox
from zoho_tools.server.service import ToolService

AUTH = {"x-elevenlabs-secret": ELEVENLABS_SECRET}


async def tool(
    client: httpx.AsyncClient, action: str, body: dict[str, Any], **headers: str
) -> dict[str, Any]:
    response = await client.post(f"/elevenlabs/{action}", json=body, headers={**AUTH, **headers})
    assert response.status_code == 200, response.text
    reply: dict[str, Any] = response.json()
    return reply


@pytest.mark.parametrize(
    "headers",
    [{}, {"x-elevenlabs-secret": "el-SECRET-5d8f"}, {"authorization": "Bearer nope"}],
    ids=["none", "wrong-header", "wrong-bearer"],
)
async def test_requests_without_the_secret_get_401_and_run_nothing(
    client: httpx.AsyncClient, sb: Sandbox, service: ToolService, headers: dict[str, str]
) -> None:
    before = len(sb.find("Cases"))
    response = await client.post(
        "/elevenlabs/create_case", json={"subject": "Injected"}, headers=headers
    )
    assert response.status_code == 401 and ELEVENLABS_SECRET not in response.text
    assert len(sb.find("Cases")) == before and conversations_kept(service) == 0


async def test_the_secret_as_a_bearer_token_is_accepted(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/elevenlabs/search_contact",
        json={"system__caller_id": CALLER},
        headers={"authorization": f"Bearer {ELEVENLABS_SECRET}"},
    )
    assert response.status_code == 200 and response.json()["status"] == "ok"


async def test_the_caller_from_a_header_or_a_body_field(client: httpx.AsyncClient) -> None:
    by_header = await tool(client, "search_contact", {}, **{"x-caller-id": CALLER})
    by_body = await tool(client, "search_contact", {"system__caller_id": CALLER})
    assert by_header["data"][0]["Full_Name"] == by_body["data"][0]["Full_Name"] == "John Smith"
    # The header (configured by the tool) wins over a body field of the same meaning.
    headed = await tool(
        client, "search_contact", {"system__caller_id": CALLER}, **{"x-caller-id": "+15550000000"}
    )
    assert headed["status"] == "empty"


async def test_a_scripted_conversation_across_requests(
    client: httpx.AsyncClient, sb: Sandbox
) -> None:
    ids = {"x-conversation-id": "conv_01", "x-caller-id": CALLER}
    asked = await tool(client, "create_lead", {"last_name": "Doe"}, **ids)
    assert asked["missing"] == ["company"]
    made = await tool(client, "create_lead", {"company": "Initech"}, **ids)
    assert made["status"] == "ok"
    (lead,) = sb.find("Leads", id=made["data"]["id"])
    assert lead["Last_Name"] == "Doe"
    # The conversation id given as a body field instead names the same conversation.
    noted = await tool(
        client,
        "create_note",
        {
            "system__conversation_id": "conv_01",
            "parent_module": "Leads",
            "parent_id": "{{create_lead.id}}",
            "title": "Interest",
            "content": "Wants a demo",
        },
    )
    assert noted["status"] == "ok", noted
    confirm = await tool(client, "delete_lead", {"id": lead["id"]}, **ids)
    assert confirm["status"] == "needs_confirmation"
    done = await tool(client, "delete_lead", {"id": lead["id"], "confirmed": True}, **ids)
    assert done["status"] == "ok" and not sb.find("Leads", id=lead["id"])


async def test_without_a_conversation_id_nothing_carries_over(client: httpx.AsyncClient) -> None:
    assert (await tool(client, "create_lead", {"last_name": "Doe"}))["status"] == "needs_input"
    again = await tool(client, "create_lead", {"company": "Initech"})
    assert again["status"] == "needs_input" and again["missing"] == ["last_name"]


async def test_an_unknown_action_is_answered_not_crashed(client: httpx.AsyncClient) -> None:
    reply = await tool(client, "drop_database", {})
    assert reply["status"] == "rejected"


async def test_an_empty_body_is_an_action_without_arguments(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/elevenlabs/search_contact", headers={**AUTH, "x-caller-id": CALLER}
    )
    assert response.status_code == 200 and response.json()["status"] == "ok"


async def test_an_unresolved_dynamic_variable_is_no_caller(client: httpx.AsyncClient) -> None:
    # A web call has no caller number: the variable may arrive as its own template.
    reply = await tool(client, "search_contact", {}, **{"x-caller-id": "{{system__caller_id}}"})
    assert reply["status"] == "needs_input"
