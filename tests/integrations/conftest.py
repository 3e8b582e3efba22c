"""A tool session over the demo sandbox, for the framework adapters' tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from zoho_tools.agent.loop import Event
from zoho_tools.connection import demo_variables, sandbox_executor
from zoho_tools.integrations import ToolSession
from zoho_tools.orchestrator import Conversation
from zoho_tools.sandbox import Sandbox

CALLER = "+15551234567"  # John Smith in the demo org


@pytest.fixture
def events() -> list[Event]:
    return []


@pytest.fixture
async def session(sb: Sandbox, events: list[Event]) -> AsyncIterator[ToolSession]:
    """A tool session over the demo org (``sb``), recording its events in ``events``."""
    executor = sandbox_executor(sb)
    conversation = Conversation(variables={"call_id": "CA-1", **demo_variables(sb)})
    yield ToolSession(conversation, executor, on_event=events.append)
    await executor.aclose()
