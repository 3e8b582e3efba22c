"""``zoho-tools serve``: its one-line errors, and real runs as a subprocess on a free loopback
port with a real HTTP client."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from tests.server.conftest import (
    CALLER,
    RETELL_KEY,
    VAPI_SECRET,
    encoded,
    retell_function,
    vapi_end_of_call,
    vapi_tool_calls,
)
from zoho_tools.cli import main
from zoho_tools.config import Settings


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["serve", *args])
    return result.exit_code, result.output


def one_line_error(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


def test_a_host_beyond_loopback_needs_a_secret() -> None:
    code, output = run("--host", "0.0.0.0")
    line = one_line_error(output)
    assert code == 1
    assert "--host 0.0.0.0" in line and "ZOHO_TOOLS_VAPI_SECRET" in line and "127.0.0.1" in line


def test_the_exposure_check_passes_with_a_secret_or_on_loopback() -> None:
    from zoho_tools.cli.serve import _check_exposure

    _check_exposure("0.0.0.0", Settings(elevenlabs_secret=SecretStr("s")))
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        _check_exposure(host, Settings())


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, output = run("--port", str(port))
    line = one_line_error(output)
    assert code == 1 and f"--port {port}" in line and "another --port" in line


def test_a_bad_employee_file_is_one_line(tmp_path: Path) -> None:
    employee = tmp_path / "ava.yaml"
    employee.write_text("actions: [search_contact]\nlog_calls: true\n")
    code, output = run("--employee", str(employee))
    line = one_line_error(output)
    assert code == 1 and f"--employee {employee}:" in line and "add it to actions" in line
    employee.write_text("actions: [search_contact\n")
    code, output = run("--employee", str(employee))
    line = one_line_error(output)
    assert code == 1 and line.count(str(employee)) == 1 and "not valid YAML" in line


def test_a_bad_custom_actions_file_is_one_line(tmp_path: Path) -> None:
    custom = tmp_path / "custom.toml"
    custom.write_text("this is not toml")
    code, output = run("--custom", str(custom))
    line = one_line_error(output)
    assert code == 1 and line.startswith("Error: --custom") and str(custom) in line


def test_a_missing_employee_file_is_a_usage_error(tmp_path: Path) -> None:
    code, output = run("--employee", str(tmp_path / "nope.yaml"))
    assert code == 2 and "--employee" in output and "Traceback" not in output


def test_an_unknown_time_zone_is_one_line() -> None:
    code, output = run("--time-zone", "Mars/Olympus", "--port", str(free_port()))
    line = one_line_error(output)
    assert code == 2 and "--time-zone" in line and "Mars/Olympus" in line


def test_org_without_a_connection_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZOHO_TOOLS_TOKEN_STORE", str(tmp_path / "tokens.json"))
    code, output = run("--org", "--port", str(free_port()))
    line = one_line_error(output)
    assert code == 1 and "--org" in line and "zoho-tools connect" in line


def test_a_bad_setting_is_one_line_without_its_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZOHO_TOOLS_VOICE_BUDGET", "soon-SECRET")
    code, output = run()
    line = one_line_error(output)
    assert code == 1 and "voice_budget" in line and "SECRET" not in line


def test_help_says_state_is_per_worker() -> None:
    code, output = run("--help")
    assert code == 0 and "--workers" in output and "own conversations" in output


# --- real runs --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Served:
    def __init__(self, process: subprocess.Popen[str], base: str) -> None:
        self.process = process
        self.base = base


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    started: list[subprocess.Popen[str]] = []

    def start(*args: str, env: dict[str, str] | None = None) -> Served:
        port = free_port()
        employee = tmp_path / "ava.yaml"
        employee.write_text("name: Ava\nlog_calls: true\n")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("ZOHO_TOOLS_")},
            "ZOHO_TOOLS_CONFIG": str(tmp_path / "config.toml"),
            "ZOHO_TOOLS_VAPI_SECRET": VAPI_SECRET,
            "ZOHO_TOOLS_RETELL_API_KEY": RETELL_KEY,
            **(env or {}),
        }
        command = [sys.executable, "-c", "from zoho_tools.cli import main; main()", "serve"]
        process = subprocess.Popen(
            [*command, "--port", str(port), "--employee", str(employee), *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(process.communicate()[1])
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    return Served(process, base)
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError("the server never became ready")

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def stop(served: Served) -> tuple[str, str]:
    served.process.send_signal(signal.SIGINT)
    out, err = served.process.communicate(timeout=20)
    assert served.process.returncode == 0, err
    return out, err


def retell_signed(body: bytes) -> dict[str, str]:
    import hashlib
    import hmac

    stamp = str(int(time.time() * 1000))
    digest = hmac.new(RETELL_KEY.encode(), body + stamp.encode(), hashlib.sha256).hexdigest()
    return {"x-retell-signature": f"v={stamp},d={digest}"}


def test_serve_answers_the_platforms_over_http(serve: Callable[..., Served]) -> None:
    served = serve()
    with httpx.Client(base_url=served.base, timeout=10) as http:
        payload = vapi_tool_calls("call-1", ("tc-1", "search_contact", {}))
        vapi = http.post(
            "/vapi", content=encoded(payload), headers={"authorization": f"Bearer {VAPI_SECRET}"}
        )
        (result,) = vapi.json()["results"]
        assert json.loads(result["result"])["data"][0]["Phone"] == CALLER
        assert http.post("/vapi", content=encoded(payload)).status_code == 401
        body = encoded(retell_function("call_1", "create_lead", {"last_name": "Doe"}))
        retell = http.post("/retell", content=body, headers=retell_signed(body))
        assert retell.json()["missing"] == ["company"]
        # No ElevenLabs secret is configured: on loopback its requests are unsigned.
        el = http.post("/elevenlabs/search_contact", headers={"x-caller-id": CALLER})
        assert el.json()["status"] == "ok"
        report = http.post(
            "/vapi",
            content=encoded(vapi_end_of_call("call-1")),
            headers={"x-vapi-secret": VAPI_SECRET},
        )
        assert report.status_code == 200 and report.json() == {}
        search = vapi_tool_calls("call-2", ("tc-1", "search_call", {"query": "Inbound call"}))
        found = http.post("/vapi", content=encoded(search), headers={"x-vapi-secret": VAPI_SECRET})
        (logged,) = json.loads(found.json()["results"][0]["result"])["data"]
        assert logged["Subject"] == f"Inbound call from {CALLER}"
    out, err = stop(served)
    assert "embedded sandbox" in err and "embedded sandbox" not in out
    assert "elevenlabs: requests are unsigned" in err
    for secret in (VAPI_SECRET, RETELL_KEY):
        assert secret not in out + err


async def test_serve_answers_mcp_clients_at_mcp(serve: Callable[..., Served]) -> None:
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    from tests.mcp_meta import meta

    token = "mcp-token-" + "y" * 24
    served = serve(env={"ZOHO_TOOLS_MCP_TOKEN": token})
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30)
    async with http, Client(streamable_http_client(f"{served.base}/mcp", http_client=http)) as mcp:
        tools = await mcp.list_tools()
        from zoho_tools.catalog import CATALOG

        assert [t.name for t in tools.tools] == list(CATALOG)
        found = await mcp.call_tool(
            "search_contact", {"query": "John Smith"}, meta=meta(call_id="mcp-call-1")
        )
        assert not found.is_error and found.structured_content is not None
        assert found.structured_content["data"][0]["Full_Name"] == "John Smith"
    async with httpx.AsyncClient() as plain:
        refused = await plain.post(f"{served.base}/mcp", json={"jsonrpc": "2.0", "id": 1})
        assert refused.status_code == 401
    _, err = stop(served)
    assert token not in err


def test_serve_with_workers(serve: Callable[..., Served]) -> None:
    served = serve("--workers", "2")
    with httpx.Client(base_url=served.base, timeout=10) as http:
        payload = vapi_tool_calls("call-1", ("tc-1", "search_contact", {}))
        vapi = http.post("/vapi", content=encoded(payload), headers={"x-vapi-secret": VAPI_SECRET})
        assert vapi.status_code == 200 and "results" in vapi.json()
    stop(served)


def test_an_empty_secret_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZOHO_TOOLS_VAPI_SECRET", " ")
    code, output = run("--host", "0.0.0.0")
    line = one_line_error(output)
    assert code == 1 and "vapi_secret" in line and "empty" in line


def test_serve_with_org_talks_to_the_connected_org(
    serve: Callable[..., Served], tmp_path: Path
) -> None:
    """``--org`` end to end: the org is a sandbox served on loopback that ``zoho-tools connect``
    would have stored tokens for."""
    from zoho_tools.auth.store import FileTokenStore
    from zoho_tools.auth.tokens import TokenSet
    from zoho_tools.sandbox import Sandbox

    org = Sandbox(seed="demo")
    with org.serve() as server:
        token = TokenSet.from_response(
            {**org.issue_token(), "api_domain": server.url},
            accounts_server=server.url,
            now=time.time(),
        )
        tokens = tmp_path / "tokens.json"
        FileTokenStore(tokens).save(token)
        env = {
            "ZOHO_TOOLS_TOKEN_STORE": str(tokens),
            "ZOHO_TOOLS_CLIENT_ID": Sandbox.DEMO_CLIENT_ID,
            "ZOHO_TOOLS_CLIENT_SECRET": Sandbox.DEMO_CLIENT_SECRET,
        }
        served = serve("--org", env=env)
        cases = len(org.find("Cases"))
        body = encoded(retell_function("call_1", "create_case", {"subject": "From the org run"}))
        with httpx.Client(base_url=served.base, timeout=10) as http:
            made = http.post("/retell", content=body, headers=retell_signed(body)).json()
        assert made["status"] == "ok", made
        assert len(org.find("Cases")) == cases + 1
        out, err = stop(served)
    assert "embedded sandbox" not in out + err
    assert token.access_token not in out + err and str(token.refresh_token) not in out + err
