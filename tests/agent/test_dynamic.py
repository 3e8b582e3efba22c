"""Dynamic loading: the agent starts on the voice profile and the meta-tool, and loads the
rest by category, turn by turn, up to every action the conversation enables."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from zoho_tools.adapters import FORMATS, export
from zoho_tools.agent.llm import AssistantTurn, Message, ScriptedLLM, TextSink
from zoho_tools.catalog import CATALOG, PROFILES, Catalog
from zoho_tools.dynamic import LOAD_ACTIONS, ToolSurface, meta_template
from zoho_tools.orchestrator import ToolCall
from zoho_tools.paging import NEXT_PAGE
from zoho_tools.templates import ActionTemplate

VOICE = list(CATALOG.select(profile="voice"))


@dataclass
class RecordingLLM:
    """A scripted model that also keeps the tool list of every request."""

    script: ScriptedLLM
    tools: list[Sequence[dict[str, Any]]] = field(default_factory=list)

    async def complete(
        self,
        messages: Sequence[Message],
        tools: Sequence[dict[str, Any]],
        *,
        on_text: TextSink | None = None,
    ) -> AssistantTurn:
        self.tools.append(tools)
        return await self.script.complete(messages, tools, on_text=on_text)


def call(name: str, arguments: dict[str, Any], call_id: str) -> AssistantTurn:
    return AssistantTurn(tool_calls=(ToolCall(name, json.dumps(arguments), call_id),))


def names(tools: Sequence[dict[str, Any]]) -> list[str]:
    return [t["function"]["name"] for t in tools]


@pytest.mark.parametrize("format", list(FORMATS))
def test_the_surface_starts_with_the_meta_tool_and_the_profile(format: str) -> None:
    surface = ToolSurface(CATALOG, profile="voice")
    meta = export(Catalog([meta_template(CATALOG.categories)]), format)
    assert surface.definitions(format) == meta + export(CATALOG.select(profile="voice"), format)
    # The profile's searches bring next_page, for the page_token of their answers.
    assert list(surface.shown) == VOICE and set(VOICE) == {*PROFILES["voice"], NEXT_PAGE}


async def test_the_agent_loads_a_category_and_uses_it_from_the_next_step(
    make_agent: Any,
) -> None:
    model = RecordingLLM(
        ScriptedLLM.from_turns(
            [
                call(LOAD_ACTIONS, {"category": None}, "m1"),
                call(LOAD_ACTIONS, {"category": "deals"}, "m2"),
                call("search_deal", {"query": "Acme"}, "d1"),
                AssistantTurn(text="Your Acme deal is in negotiation."),
            ]
        )
    )
    agent = make_agent(model, surface=ToolSurface(CATALOG))
    reply = await agent.respond("How is my Acme deal doing?")

    assert reply.text == "Your Acme deal is in negotiation."
    listing, loaded, searched = (e.reply for e in reply.events)
    assert "search_deal" in listing.structured["categories"]["deals"]
    assert "search_contact" not in json.dumps(listing.structured)  # already shown
    assert loaded.structured["actions"] == [
        "search_deal",
        "create_deal",
        "update_deal",
        "delete_deal",
    ]
    assert searched.status == "ok" and searched.structured["data"]
    first, second, third, fourth = model.tools
    assert names(first) == [LOAD_ACTIONS, *VOICE]
    assert second is first  # nothing loaded: the very same list, for the prompt cache
    assert names(third) == [
        LOAD_ACTIONS,
        *[n for n in CATALOG if n in {*VOICE, *loaded.structured["actions"]}],
    ]
    assert fourth is third
    # The meta-tool's replies went into the history like any tool result.
    shown = [m["content"] for m in agent.messages if m["role"] == "tool"]
    assert shown == [listing.text, loaded.text, searched.text]


async def test_a_chat_agent_reaches_every_action_of_the_conversation(make_agent: Any) -> None:
    loads = [call(LOAD_ACTIONS, {"category": c}, f"m{i}") for i, c in enumerate(CATALOG.categories)]
    model = RecordingLLM(ScriptedLLM.from_turns([*loads, AssistantTurn(text="Ready.")]))
    surface = ToolSurface(CATALOG)
    agent = make_agent(model, surface=surface, max_rounds=len(loads) + 1)
    await agent.respond("Show me everything.")
    assert names(model.tools[-1]) == [LOAD_ACTIONS, *CATALOG]
    assert len(surface.shown) == len(CATALOG)


async def test_a_wrong_category_is_rejected_and_loads_nothing(make_agent: Any) -> None:
    surface = ToolSurface(CATALOG)
    agent = make_agent(RecordingLLM(ScriptedLLM([])), surface=surface)
    event = await agent.call(LOAD_ACTIONS, {"category": "dels"})
    assert event.reply.is_error and event.reply.status == "rejected"
    assert "did you mean: deals" in event.reply.structured["problems"][0]
    malformed = await agent.call(LOAD_ACTIONS, "{not json")
    assert malformed.reply.status == "rejected"
    assert surface.version == 0 and list(surface.shown) == VOICE
    # A title in any case is a category too.
    titled = await agent.call(LOAD_ACTIONS, {"category": "users & tags"})
    assert titled.reply.structured["category"] == "Users & Tags" and surface.version == 1


async def test_an_enabled_action_not_loaded_yet_still_runs(make_agent: Any) -> None:
    # Loading decides what the model is shown; the employee decides what it may do.
    agent = make_agent(RecordingLLM(ScriptedLLM([])), surface=ToolSurface(CATALOG))
    event = await agent.call("search_deal", {"query": "Acme"})
    assert event.reply.status == "ok"


def test_the_surface_refuses_what_would_hide_the_meta_tool(make_agent: Any) -> None:
    clash = ActionTemplate(
        name=LOAD_ACTIONS,
        title="x",
        description="x",
        category="x",
        module=None,
        method="GET",
        path="",
    )
    with pytest.raises(ValueError, match="hide the meta-tool"):
        ToolSurface(CATALOG.with_actions([clash]))
    with pytest.raises(ValueError, match="tools or a surface"):
        make_agent(ScriptedLLM([]), surface=ToolSurface(CATALOG), tools=[])
