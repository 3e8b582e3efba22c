"""``zoho-tools mcp``: a real server process over stdio with the SDK's client in both protocol
eras, nothing but protocol on its stdout, over HTTP, and one-line errors for every mistake."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from mcp import Client, StdioServerParameters

from tests.server.conftest import User
from zoho_tools.catalog import CATALOG
from zoho_tools.cli import main

# The command line as a user runs it, with this interpreter.
COMMAND = [sys.executable, "-c", "from zoho_tools.cli import main; main()", "mcp"]


def environment(**extra: str) -> dict[str, str]:
    """This process's environment minus any ZOHO_TOOLS_* of the machine (the test's isolated
    config file stays), plus ``extra``."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith("ZOHO_TOOLS_")}
    return {**keep, "ZOHO_TOOLS_CONFIG": os.environ["ZOHO_TOOLS_CONFIG"], **extra}


@pytest.mark.parametrize(("mode", "era"), [("auto", "2026-07-28"), ("legacy", "2025-11-25")])
async def test_stdio_server_with_the_sdk_client(mode: str, era: str) -> None:
    user = User({"company": "Stdio Co"})
    params = StdioServerParameters(command=COMMAND[0], args=COMMAND[1:], env=environment())
    async with Client(
        params, mode=mode, elicitation_callback=user, read_timeout_seconds=30
    ) as client:
        assert client.protocol_version == era
        listed = await client.list_tools()
        await client.call_tool("search_contact", {"query": "John Smith"})
        chained = await client.call_tool("get_contact", {"id": "{{search_contact.id}}"})
        made = await client.call_tool("create_lead", {"last_name": "Piped"})
    assert [t.name for t in listed.tools] == list(CATALOG)
    assert chained.structured_content and chained.structured_content["status"] == "ok"
    assert made.structured_content and made.structured_content["status"] == "ok"
    assert len(user.forms) == 1


async def test_stdio_server_with_a_profile_loads_categories() -> None:
    from zoho_tools.dynamic import LOAD_ACTIONS

    params = StdioServerParameters(
        command=COMMAND[0], args=[*COMMAND[1:], "--profile", "voice"], env=environment()
    )
    async with Client(params, mode="legacy", read_timeout_seconds=30) as client:
        tools = client.server_capabilities.tools
        assert tools is not None and tools.list_changed
        listed = await client.list_tools()
        await client.call_tool(LOAD_ACTIONS, {"category": "quotes"})
        relisted = await client.list_tools()
    assert [t.name for t in listed.tools] == [LOAD_ACTIONS, *CATALOG.select(profile="voice")]
    assert "create_quote" in [t.name for t in relisted.tools]


def test_stdout_carries_nothing_but_protocol() -> None:
    messages = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "raw", "version": "0"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        {
            "jsonrpc": "2.0",
            "id": 3,
            "method": "tools/call",
            "params": {"name": "create_lead", "arguments": {"last_name": "Raw"}},
        },
    ]
    process = subprocess.Popen(
        COMMAND,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
    )
    # A server that hangs is killed, so the test fails instead of waiting forever.
    watchdog = threading.Timer(30, process.kill)
    watchdog.start()
    try:
        assert process.stdin is not None and process.stdout is not None
        for message in messages:
            process.stdin.write(json.dumps(message) + "\n")
            process.stdin.flush()
        replies = [json.loads(process.stdout.readline()) for _ in range(3)]
        rest, errors = process.communicate(timeout=30)  # closes stdin: the server ends
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
    assert [r["id"] for r in replies] == [1, 2, 3]
    assert all(r["jsonrpc"] == "2.0" for r in replies)
    assert replies[2]["result"]["structuredContent"]["missing"] == ["company"]
    assert rest.strip() == ""  # nothing else, ever
    assert "embedded sandbox" in errors  # the notice went to stderr
    assert process.returncode == 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_http_server_process_answers_with_its_token() -> None:
    port = free_port()
    token = "cli-token-" + "y" * 30
    process = subprocess.Popen(
        [*COMMAND, "--http", "--port", str(port), "--json-response"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(ZOHO_TOOLS_MCP_TOKEN=token),
    )
    url = f"http://127.0.0.1:{port}/mcp"
    request = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "search_contact", "arguments": {"query": "John Smith"}},
    }
    headers = {
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2025-11-25",
    }
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                refused = httpx.post(url, json=request, headers=headers)
                break
            except httpx.ConnectError:
                assert process.poll() is None and time.monotonic() < deadline, "no server"
                time.sleep(0.1)
        answered = httpx.post(
            url, json=request, headers={**headers, "Authorization": f"Bearer {token}"}
        )
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=30)
    assert refused.status_code == 401
    assert answered.status_code == 200
    assert answered.json()["result"]["structuredContent"]["status"] == "ok"
    assert token not in errors


# --- mistakes: one line each, exit 1 (2 for usage) -----------------------------------------------


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["mcp", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def one_line_error(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith("Error")]
    assert len(lines) == 1 and "Traceback" not in output, output
    return lines[0]


def test_serving_beyond_loopback_without_a_token_is_refused() -> None:
    code, output = run("--http", "--host", "0.0.0.0")
    assert code == 1
    assert "ZOHO_TOOLS_MCP_TOKEN" in one_line_error(output) and "--host" in output


def test_a_profile_is_for_stdio_and_must_exist() -> None:
    code, output = run("--http", "--profile", "voice")
    assert code == 2 and "--profile" in one_line_error(output) and "stdio" in output
    code, output = run("--profile", "vioce")
    assert code == 2
    assert "--profile" in one_line_error(output) and "did you mean: voice" in output


def test_a_port_in_use_is_one_line_naming_the_flag() -> None:
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        code, output = run("--http", "--port", str(port))
    assert code == 1 and "--port" in one_line_error(output)


def test_a_short_token_is_refused_and_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZOHO_TOOLS_MCP_TOKEN", "tiny-secret")
    code, output = run("--http")
    assert code == 1 and "ZOHO_TOOLS_MCP_TOKEN" in one_line_error(output)
    assert "tiny-secret" not in output


def test_a_short_state_key_is_refused_and_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZOHO_TOOLS_MCP_STATE_KEYS", f"{'k' * 40},short-key")
    code, output = run()
    assert code == 1 and "ZOHO_TOOLS_MCP_STATE_KEYS: key 2" in one_line_error(output)
    assert "short-key" not in output and "k" * 40 not in output


def test_an_org_that_is_not_connected(tmp_path: Path) -> None:
    code, output = run("--org")
    assert code == 1 and "connect" in one_line_error(output)


def test_a_broken_employee_file_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "agent.yaml"
    broken.write_text("actions: [no_such_action]\n")
    code, output = run("--employee", str(broken))
    assert code == 1 and "no_such_action" in one_line_error(output)


def test_a_missing_file_is_a_usage_error() -> None:
    code, output = run("--custom", "/nonexistent/actions.toml")
    assert code == 2 and "--custom" in output


def test_without_the_mcp_extra_the_command_says_how_to_install_it() -> None:
    code = "import sys; sys.modules['mcp'] = None; from zoho_tools.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, "mcp"],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment(),
    )
    assert done.returncode == 1
    assert "pip install 'zoho-tools[mcp]'" in one_line_error(done.stderr)
