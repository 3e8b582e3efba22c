"""``zoho-tools sandbox serve`` as users run it: the Self Client flow end to end offline, and a
banner with a URL that works when listening on every interface."""

from __future__ import annotations

import re
import shlex
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from zoho_tools.cli import main

from .test_persistence_and_cli import read_banner


def serve(*options: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-c", "from zoho_tools.cli import main; main()"]
    return subprocess.Popen(
        [*command, "sandbox", "serve", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def stop() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)


def test_a_minted_self_client_code_connects(
    stop: list[subprocess.Popen[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    process = serve("--self-client-code")
    stop.append(process)
    banner = read_banner(process)
    command = re.search(r"^\s+(zoho-tools connect --self-client .*)$", banner, re.M)
    assert command, banner

    monkeypatch.setenv("ZOHO_TOOLS_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("ZOHO_TOOLS_TOKEN_STORE", str(tmp_path / "tokens.json"))
    args = shlex.split(command[1])[1:]  # as printed, without the program name
    connected = CliRunner().invoke(main, args)
    assert connected.exit_code == 0, connected.output
    assert "Connected to Zoho CRM" in connected.output
    status = CliRunner().invoke(main, ["status"])
    assert status.exit_code == 0, status.output

    again = CliRunner().invoke(main, args)  # a grant code is good for one use
    assert again.exit_code == 1
    assert again.output.count("\n") == 1 and again.output.startswith("Error: ")


def test_on_every_interface_the_banner_gives_a_reachable_url(
    stop: list[subprocess.Popen[str]],
) -> None:
    process = serve("--host", "0.0.0.0")
    stop.append(process)
    banner = read_banner(process)
    url = re.search(r"serving at (http://\S+)", banner)
    token = re.search(r"Access token:\s+(\S+)", banner)
    assert url and token, banner
    assert "0.0.0.0" not in url[1]
    assert "from another machine" in banner
    answer = httpx.get(
        f"{url[1]}/crm/v7/users",
        headers={"Authorization": f"Zoho-oauthtoken {token[1]}"},
        timeout=10,
    )
    assert answer.status_code == 200
