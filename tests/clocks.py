"""Clocks for tests: time moves only when a test (or the code's own waiting) moves it."""

from __future__ import annotations

from datetime import UTC, datetime


class Clock:
    """Epoch seconds, for the sandbox and token expiry; moves only when a test says so."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def as_datetime(self) -> datetime:
        """The same instant as an aware UTC datetime (a conversation's ``now``)."""
        return datetime.fromtimestamp(self.now, UTC)


class FakeTime:
    """The executor's monotonic clock and sleep: time passes only while the executor waits."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
