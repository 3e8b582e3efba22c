"""``zoho-tools serve --workers 2 --redis URL`` as processes: a call's requests, each on a
connection of its own and so answered by either worker, find the state the other left."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.server.test_serve_cli import free_port

COMMAND = [sys.executable, "-c", "from zoho_tools.cli import main; main()", "serve"]


def tool_call(http: httpx.Client, call: str, tool_call_id: str, arguments: dict[str, str]) -> str:
    body = {
        "message": {
            "type": "tool-calls",
            "call": {"id": call, "customer": {"number": "+15550100"}},
            "toolCallList": [
                {
                    "id": tool_call_id,
                    "type": "function",
                    "function": {"name": "create_lead", "arguments": json.dumps(arguments)},
                }
            ],
        }
    }
    response = http.post("/vapi", json=body)
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    status: str = json.loads(result["result"])["status"]
    return status


def test_two_workers_share_the_conversations_of_calls(redis_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ZOHO_TOOLS_")},
        "ZOHO_TOOLS_CONFIG": str(tmp_path / "config.toml"),
    }
    process = subprocess.Popen(
        [*COMMAND, "--port", str(port), "--workers", "2", "--redis", redis_url],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "the server never became ready"
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        # No keep-alive: each request is a new connection, which either worker may accept.
        limits = httpx.Limits(max_keepalive_connections=0)
        with httpx.Client(base_url=base, limits=limits, timeout=30) as http:
            for index in range(12):
                call = f"call-{index}"
                asked = tool_call(http, call, "t1", {"last_name": f"Doe{index}"})
                assert asked == "needs_input"
                assert tool_call(http, call, "t2", {"company": "Acme"}) == "ok"
    finally:
        process.send_signal(signal.SIGINT)
        # communicate() rather than wait(): it also closes the output pipes.
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
