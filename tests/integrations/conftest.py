"""A tool session over the demo sandbox, for the framework adapters' tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from zoho_tools.agent.loop import Event
from zoho_tools.connection import demo_variables, sandbox_executor
from zoho_tools.integrations import ToolSession
from zoho_tools.orchestrator import Conversation
from zoho_tools.sandbox import Sandbox

CALLER = "+15551234567"  # John Smith in the demo org


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    sandbox = Sandbox(seed="demo")
    yield sandbox
    sandbox.close()


@pytest.fixture
def events() -> list[Event]:
    return []


@pytest.fixture
async def session(sandbox: Sandbox, events: list[Event]) -> AsyncIterator[ToolSession]:
    executor = sandbox_executor(sandbox)
    conversation = Conversation(variables={"call_id": "CA-1", **demo_variables(sandbox)})
    yield ToolSession(conversation, executor, on_event=events.append)
    await executor.aclose()
