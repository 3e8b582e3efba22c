"""Fixtures shared by every test folder, one per concept: the test's clock, the demo sandbox on
it (and served on loopback), a served accounts server of its own, a machine without the user's
configuration and the CLI's token file, the executor's fake time, and a guard that fails any test
trying to reach beyond loopback.

Variants are chosen by indirect parametrisation rather than by redefining a fixture:
``@pytest.mark.parametrize("clock", [epoch], indirect=True)`` starts the clock elsewhere, and
``@pytest.mark.parametrize("sb", [{"seed": None, "token_ttl": 60}], indirect=True)`` builds the
sandbox with other :class:`~zoho_tools.sandbox.Sandbox` options (``seed=None``: an empty org).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.auth.helpers import Served
from tests.clocks import Clock, FakeTime
from zoho_tools.sandbox import Sandbox, SandboxServer


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> Clock:
    """Epoch seconds that move only when the test says so (January 2027 unless parametrised)."""
    start = getattr(request, "param", None)
    return Clock() if start is None else Clock(start)


@pytest.fixture
def sb(clock: Clock, request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """The demo org, in memory, on the test's clock (other options: see the module doc)."""
    options: dict[str, Any] = {"seed": "demo", **getattr(request, "param", {})}
    sandbox = Sandbox(clock=clock, **options)
    yield sandbox
    sandbox.close()


@pytest.fixture
def server(sb: Sandbox) -> Iterator[SandboxServer]:
    """``sb`` served over HTTP on a free loopback port."""
    with sb.serve(host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture
def home() -> Iterator[Served]:
    """The accounts server where the user's Zoho account lives: an empty sandbox on the real
    clock (OAuth codes and tokens are checked against it), served on loopback."""
    sandbox = Sandbox()
    with sandbox.serve() as running:
        yield Served(sandbox, running)
    sandbox.close()


@pytest.fixture
def tokens(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Where the CLI keeps the tokens: a file in a directory it has to create."""
    path = tmp_path / "state" / "tokens.json"
    monkeypatch.setenv("ZOHO_TOOLS_TOKEN_STORE", str(path))
    return path


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A machine with nothing of the user's: no config file, tokens or state outside
    ``tmp_path`` (returned), and no model settings or debug switch from the environment."""
    monkeypatch.setenv("ZOHO_TOOLS_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("ZOHO_TOOLS_TOKEN_STORE", str(tmp_path / "tokens.json"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ZOHO_TOOLS_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def fake_time() -> FakeTime:
    """The executor's monotonic clock and sleep: retries wait without waiting."""
    return FakeTime()


_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", ""}


def _is_local(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if host is None or host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True, scope="session")
def no_network() -> Iterator[None]:
    """Nothing in the test suite may reach the network: resolving or connecting to anything but
    loopback fails the test at once (instead of hanging on a machine with no network)."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_local(host):
            raise OSError(f"test tried to resolve {host!r}: tests must not reach the network")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self: socket.socket, address: Any) -> None:
        if isinstance(address, tuple) and not _is_local(address[0]):
            raise OSError(f"test tried to connect to {address!r}: tests must not reach the network")
        real_connect(self, address)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", getaddrinfo)
        patch.setattr(socket.socket, "connect", connect)
        yield
