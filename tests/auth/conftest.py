"""Shared pieces of the auth tests: a clock the test moves by hand, and recognisable secrets."""

from __future__ import annotations

import pytest

START = 1_700_000_000.0


class Clock:
    """Epoch seconds that only move when the test says so."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()
