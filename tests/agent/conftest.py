"""An agent over the embedded demo sandbox, with a model the test chooses."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import respx

from tests.openai_http import openai_http
from zoho_tools.agent.llm import AssistantTurn
from zoho_tools.agent.loop import Agent, Event
from zoho_tools.connection import demo_variables, sandbox_executor
from zoho_tools.normalize import Locale
from zoho_tools.orchestrator import Conversation, ToolCall
from zoho_tools.sandbox import Sandbox

if TYPE_CHECKING:
    from openai import AsyncOpenAI

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
#: Where the tests' OpenAI-compatible model API lives (never reached: see ``model_api``).
MODEL_API = "https://llm.example.test/v1"


class InFlight(httpx.AsyncBaseTransport):
    """Wraps a transport and records the most requests that were in flight at once."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.current = 0
        self.most = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.current += 1
        self.most = max(self.most, self.current)
        try:
            return await self.inner.handle_async_request(request)
        finally:
            self.current -= 1


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The agent tests' calls take place at :data:`NOW`: the shared clock starts there."""
    if "clock" in metafunc.fixturenames:
        metafunc.parametrize("clock", [NOW.timestamp()], indirect=True, ids=["NOW"])


@pytest.fixture
def sandbox(sb: Sandbox) -> Sandbox:
    """The demo org (``sb``, on the clock at :data:`NOW`), answering after 10 ms so that
    concurrent calls overlap."""
    sb.faults.latency = 0.01
    return sb


@pytest.fixture
def model_api() -> respx.MockRouter:
    """The model provider's HTTP API, answering what each test routes (anything else fails)."""
    return respx.MockRouter(assert_all_called=False)


@pytest.fixture
def client(model_api: respx.MockRouter) -> AsyncOpenAI:
    """An OpenAI SDK client of :data:`MODEL_API`, whose HTTP goes to ``model_api`` through its
    transport (nothing patched)."""
    from openai import AsyncOpenAI  # the SDK is paid for by the tests that use it

    http = httpx.AsyncClient(transport=httpx.MockTransport(model_api.async_handler))
    return AsyncOpenAI(api_key="sk-test", base_url=MODEL_API, http_client=openai_http(http))


@pytest.fixture
def conversation(sandbox: Sandbox) -> Conversation:
    return Conversation(
        variables={"caller_phone": "+15551234567", "call_id": "CA-9", **demo_variables(sandbox)},
        locale=Locale(time_zone="America/New_York"),
        now=lambda: NOW,
    )


@pytest.fixture
async def make_agent(sandbox: Sandbox, conversation: Conversation) -> AsyncIterator[Any]:
    executors = []

    def make(
        llm: Any,
        *,
        events: list[Event] | None = None,
        on_event: Callable[[Event], None] | None = None,
        max_rounds: int = 8,
        **options: Any,
    ) -> Agent:
        executor = sandbox_executor(sandbox)
        executors.append(executor)
        return Agent(
            llm,
            executor,
            conversation,
            system_prompt="You are a test agent.",
            max_rounds=max_rounds,
            on_event=events.append if events is not None else on_event,
            **options,
        )

    yield make
    for executor in executors:
        await executor.aclose()


def turn(text: str = "", *calls: tuple[str, dict[str, Any]]) -> AssistantTurn:
    """A scripted model turn: ``text`` and tool calls given as ``(name, arguments)``."""
    return AssistantTurn(
        text=text,
        tool_calls=tuple(
            ToolCall(name, json.dumps(arguments), f"call_{i}")
            for i, (name, arguments) in enumerate(calls)
        ),
    )
