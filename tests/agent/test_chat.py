"""The chat REPL: its commands line by line, and the real command over a pipe."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.console import Console

from zoho_tools.agent.llm import AssistantTurn, ScriptedLLM
from zoho_tools.cli.chat import ChatSession
from zoho_tools.sandbox import Sandbox


@pytest.fixture
def output() -> io.StringIO:
    return io.StringIO()


@pytest.fixture
def session(make_agent: Any, output: io.StringIO) -> ChatSession:
    from zoho_tools.cli.transcript import Transcript

    console = Console(file=output, width=200, no_color=True)
    agent = make_agent(ScriptedLLM([]), on_event=Transcript(console))
    return ChatSession(agent, console, live=False)


async def test_direct_mode_runs_tools_through_the_orchestrator(
    session: ChatSession, output: io.StringIO, sandbox: Sandbox
) -> None:
    assert await session.handle('/call search_contact {"query": "John Smith"}')
    assert "GET /Contacts/search?word=John+Smith" in output.getvalue()
    assert "1 record(s): John Smith" in output.getvalue()
    assert await session.handle('/call create_lead {"last_name": "Doe"}')
    assert "needs input company" in output.getvalue()
    assert await session.handle('/call create_lead {"company": "Globex"}')
    assert sandbox.find("Leads", Last_Name="Doe", Company="Globex")


async def test_bad_input_gets_a_clear_answer(session: ChatSession, output: io.StringIO) -> None:
    await session.handle("/call create_case {not json")
    await session.handle("/call")
    await session.handle("/frobnicate")
    await session.handle("hello?")
    await session.handle("/tools nonsense")
    text = output.getvalue()
    assert "rejected the arguments are not valid JSON" in text
    assert "Usage: /call ACTION" in text
    assert "Unknown command /frobnicate" in text
    assert "No model is connected" in text
    assert "nonsense" in text


async def test_tools_vars_state_reset_quit(session: ChatSession, output: io.StringIO) -> None:
    await session.handle("/tools calls")
    assert "log_call" in output.getvalue() and "search_contact" not in output.getvalue()
    await session.handle("/vars call_id=CA-77 employee_id=emp-1")
    assert "call_id = CA-77" in output.getvalue()
    await session.handle('/call create_lead {"last_name": "Roe"}')
    await session.handle("/state")
    assert '"create_lead"' in output.getvalue()
    await session.handle("/reset")
    assert session.agent.conversation.pending == {}
    assert session.agent.conversation.variables["call_id"] == "CA-77"
    await session.handle("/help")
    assert "/call ACTION {json}" in output.getvalue()
    assert await session.handle("/quit") is False


async def test_live_mode_speaks_to_the_model(make_agent: Any, output: io.StringIO) -> None:
    from zoho_tools.cli.transcript import Transcript

    console = Console(file=output, width=200, no_color=True)
    model = ScriptedLLM([AssistantTurn(text="Hello! How can I help?")])
    agent = make_agent(model, on_event=Transcript(console))
    session = ChatSession(agent, console, live=True)
    await session.handle("Hi there")
    assert "Hello! How can I help?" in output.getvalue()


def test_the_chat_command_over_a_pipe(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    from click.testing import CliRunner

    from zoho_tools.cli import main

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setenv("ZOHO_TOOLS_TOKEN_STORE", str(tmp_path / "tokens.json"))
    result = CliRunner().invoke(
        main, ["chat"], input='/call search_contact {"query": "John Smith"}\r\n/quit\n'
    )
    assert result.exit_code == 0, result.output
    assert "direct mode" in result.output
    assert "embedded sandbox" in result.output
    assert "John Smith" in result.output


def test_chat_refuses_bad_setups_cleanly(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    from click.testing import CliRunner

    from zoho_tools.cli import main

    monkeypatch.setenv("ZOHO_TOOLS_TOKEN_STORE", str(tmp_path / "none.json"))
    runner = CliRunner()
    not_connected = runner.invoke(main, ["chat", "--org"])
    assert not_connected.exit_code == 1
    assert "zoho-tools connect" in not_connected.output
    employee = tmp_path / "employee.yaml"
    employee.write_text("actions: [search_contact, fly_to_moon]\n")
    bad_employee = runner.invoke(main, ["chat", "--employee", str(employee)])
    assert bad_employee.exit_code == 1
    assert "unknown actions: fly_to_moon" in bad_employee.output


def test_chat_with_a_profile_starts_small_and_loads_on_request(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from click.testing import CliRunner

    from zoho_tools.cli import main

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    lines = '/call load_actions {"category": "deals"}\r\n/quit\n'
    result = CliRunner().invoke(main, ["chat", "--profile", "voice"], input=lines)
    assert result.exit_code == 0, result.output
    assert "search_deal" in result.output and "create_deal" in result.output
    wrong = CliRunner().invoke(main, ["chat", "--profile", "vioce"])
    assert wrong.exit_code == 2
    (line,) = [line for line in wrong.output.splitlines() if line.startswith("Error")]
    assert "--profile" in line and "did you mean: voice" in line
