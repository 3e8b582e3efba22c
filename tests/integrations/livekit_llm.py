"""A scripted LiveKit ``llm.LLM``: each chat request streams the next turn of a script, so a
real ``AgentSession`` runs our tools with no model and no network."""

from __future__ import annotations

from typing import Any, Never

from livekit.agents import llm
from livekit.agents.llm import ChatChunk, ChoiceDelta, FunctionToolCall
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions

#: One model turn: what it says, and its tool calls as (name, JSON arguments, call id).
Turn = tuple[str, list[tuple[str, str, str]]]


class _Stream(llm.LLMStream):
    def __init__(self, owner: ScriptedLiveKitLLM, turn: Turn, **kwargs: Any) -> None:
        super().__init__(owner, **kwargs)
        self._turn = turn

    async def _run(self) -> None:
        text, calls = self._turn
        delta = ChoiceDelta(
            role="assistant",
            content=text or None,
            tool_calls=[FunctionToolCall(name=n, arguments=a, call_id=i) for n, a, i in calls],
        )
        self._event_ch.send_nowait(ChatChunk(id="scripted", delta=delta))


class ScriptedLiveKitLLM(llm.LLM[Never]):  # no events beyond those every LLM emits
    def __init__(self, turns: list[Turn]) -> None:
        super().__init__()
        self.turns = list(turns)
        #: Per request: the tool definitions LiveKit would send to OpenAI, and the history.
        self.sent_tools: list[list[dict[str, Any]]] = []
        self.contexts: list[llm.ChatContext] = []

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        **_: Any,
    ) -> llm.LLMStream:
        self.sent_tools.append(llm.ToolContext(tools or []).parse_function_tools("openai"))
        self.contexts.append(chat_ctx.copy())
        return _Stream(
            self, self.turns.pop(0), chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options
        )
