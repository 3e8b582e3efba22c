"""Fixtures shared by every test folder: a test-driven clock, a demo sandbox on it, and a guard
that fails any test trying to reach beyond loopback."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

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
