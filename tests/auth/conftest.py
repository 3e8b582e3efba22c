"""Shared pieces of the auth tests: a clock the test moves by hand, and recognisable secrets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.clocks import Clock

START = 1_700_000_000.0


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture(autouse=True)
def isolated_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No ZOHO_TOOLS_* variable of the machine running the tests, and a config file of our own
    (absent until a test writes it)."""
    for name in [n for n in os.environ if n.startswith("ZOHO_TOOLS_")]:
        monkeypatch.delenv(name)
    path = tmp_path / "config.toml"
    monkeypatch.setenv("ZOHO_TOOLS_CONFIG", str(path))
    return path
