"""``zoho-tools chat`` as a user runs it: through a pipe in a real process, and against model
APIs that fail (the REPL reports the failure in a line and the turn can be said again)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from zoho_tools.cli import main

REPLY = {
    "id": "chatcmpl-1",
    "object": "chat.completion.chunk",
    "created": 0,
    "model": "m",
    "choices": [
        {
            "index": 0,
            "delta": {"role": "assistant", "content": "Hello from the model."},
            "finish_reason": "stop",
        }
    ],
}


class FakeModel:
    """An OpenAI-compatible server on loopback that answers each request with the next of
    ``answers``: an HTTP status to fail with, or 200 for a streamed reply."""

    def __init__(self, answers: list[int]) -> None:
        self.answers = answers
        self.requests: list[dict[str, object]] = []
        self.release = threading.Event()
        model = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                model.requests.append(json.loads(self.rfile.read(length)))
                status = model.answers.pop(0) if model.answers else 200
                if status == 0:  # no answer in time
                    model.release.wait(10)
                    return
                if status == 200:
                    body = f"data: {json.dumps(REPLY)}\n\ndata: [DONE]\n\n".encode()
                    kind = "text/event-stream"
                else:
                    body = json.dumps({"error": {"message": "Incorrect API key sk-te***"}}).encode()
                    kind = "application/json"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("retry-after-ms", "1")  # keep the SDK's retries quick
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def api_key(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The model's API key, on a machine with no configuration of its own."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-SECRET")
    return "sk-test-SECRET"


@pytest.fixture
def model() -> Iterator[FakeModel]:
    server = FakeModel([])
    yield server
    server.close()


@pytest.mark.parametrize(
    ("status", "attempts", "said"),
    [
        (401, 1, "the model API refused the API key (HTTP 401)"),
        (429, 3, "the model API is rate limiting (HTTP 429)"),  # the SDK retries twice
        (500, 3, "the model API failed (HTTP 500)"),
    ],
)
def test_a_failing_model_is_one_line_and_the_turn_can_be_retried(
    api_key: str, model: FakeModel, status: int, attempts: int, said: str
) -> None:
    model.answers = [status] * attempts
    result = CliRunner().invoke(
        main, ["chat", "--base-url", model.url], input="Hello\nHello\n/quit\n"
    )
    assert result.exit_code == 0, result.output
    assert f"Not answered: {said}" in result.output
    assert "Hello from the model." in result.output  # the second try was answered
    assert "Traceback" not in result.output and "SECRET" not in result.output
    assert "sk-te" not in result.output  # the server's answer to a bad key is not quoted
    last = model.requests[-1]["messages"]
    assert isinstance(last, list)
    assert [m["content"] for m in last if m["role"] == "user"] == ["Hello"]


def test_a_model_that_does_not_answer_in_time(api_key: str, model: FakeModel) -> None:
    model.answers = [0, 0, 0]  # the SDK retries a timeout twice
    result = CliRunner().invoke(
        main,
        ["chat", "--base-url", model.url, "--model-timeout", "0.2"],
        input="Hello\nHello\n/quit\n",
    )
    assert result.exit_code == 0, result.output
    assert "Not answered: the model API did not answer in time" in result.output
    assert "Hello from the model." in result.output


def test_a_refused_connection_to_the_model(api_key: str) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/v1"
    result = CliRunner().invoke(main, ["chat", "--base-url", url], input="Hello\n/tools\n/quit\n")
    assert result.exit_code == 0, result.output
    server = url.removesuffix("/v1")
    assert f"Not answered: cannot reach the model API at {server};" in result.output
    assert "search_contact" in result.output  # the REPL is still usable
    assert "Traceback" not in result.output


def test_piped_input_is_read_plainly(tmp_path: Path) -> None:
    """No prompt_toolkit warning about the terminal, no echoed lines, no carriage returns."""
    env = {
        **os.environ,
        "ZOHO_TOOLS_CONFIG": str(tmp_path / "absent.toml"),
        "ZOHO_TOOLS_TOKEN_STORE": str(tmp_path / "tokens.json"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    env.pop("OPENAI_API_KEY", None)
    env.pop("OPENAI_BASE_URL", None)
    lines = '/call search_contact {"query": "John Smith"}\r\n/vars marker=PIPED-LINE\r\n/quit\r\n'
    done = subprocess.run(
        [sys.executable, "-c", "from zoho_tools.cli import main; main()", "chat"],
        input=lines,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "1 record(s): John Smith" in done.stdout
    assert "marker = PIPED-LINE" in done.stdout
    assert "/vars marker" not in done.stdout  # the line itself is not echoed back
    assert "\r" not in done.stdout and "^M" not in done.stdout
    assert "not a terminal" not in done.stdout + done.stderr
    assert "you>" not in done.stdout
    assert "embedded sandbox (a demo org" in done.stderr  # the notice, on stderr
