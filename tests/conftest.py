"""Fixtures shared by every test folder: a test-driven clock and a demo sandbox on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.clocks import Clock
from zoho_tools.sandbox import Sandbox


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sb(clock: Clock) -> Iterator[Sandbox]:
    """The demo org, in memory, on the test's clock."""
    sandbox = Sandbox(seed="demo", clock=clock)
    yield sandbox
    sandbox.close()
