"""``zoho-tools chat``: an interactive session with the agent, against the sandbox or a real org.

With an OpenAI key (``OPENAI_API_KEY``) or an OpenAI-compatible ``--base-url``, a live model plays
the agent and you play the caller. Without one, direct mode: run tools yourself with
``/call ACTION {json}`` through the same orchestrator and executor a model would use.
"""

from __future__ import annotations

import asyncio
import json
import os
import shlex
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from zoho_tools.cli._services import BACKEND_OPTIONS, TIME_ZONE_OPTION

if TYPE_CHECKING:
    from rich.console import Console

    from zoho_tools.agent.loop import Agent

HELP = """\
Commands:
  /tools [CATEGORY]       the actions this agent can use (with their mandatory fields)
  /call ACTION {json}     run an action as the model would:
                          /call search_contact {"query": "John Smith"}
  /vars [NAME=VALUE ...]  show or set call variables (caller_phone, call_id, employee_id, ...)
  /state                  collected values, pending confirmations and the latest results
  /reset                  start the conversation again (variables are kept)
  /help                   this text
  /quit                   leave (Ctrl-D works too)
Anything else is said to the agent as the caller (needs a live model)."""


class ChatSession:
    """The REPL's logic, separate from the terminal so it can be tested line by line."""

    def __init__(self, agent: Agent, console: Console, *, live: bool) -> None:
        self.agent = agent
        self.console = console
        self.live = live

    async def handle(self, line: str) -> bool:
        """Handle one input line; returns False when the session should end."""
        line = line.strip()
        if not line:
            return True
        if not line.startswith("/"):
            await self._say(line)
            return True
        command, _, rest = line.partition(" ")
        handler = {
            "/help": self._help,
            "/tools": self._tools,
            "/call": self._call,
            "/vars": self._vars,
            "/state": self._state,
            "/reset": self._reset,
        }.get(command)
        if command in ("/quit", "/exit"):
            return False
        if handler is None:
            self.console.print(f"[red]Unknown command {command}.[/] Type /help.")
            return True
        await handler(rest.strip())
        return True

    async def _say(self, text: str) -> None:
        if not self.live:
            self.console.print(
                "[yellow]No model is connected, so nobody answers.[/] Run actions with "
                "/call ACTION {json} (see /tools), or start chat with OPENAI_API_KEY set or "
                "--base-url pointing at an OpenAI-compatible server."
            )
            return
        from zoho_tools.agent.openai_llm import describe_model_error

        messages = self.agent.messages
        before = len(messages)
        try:
            reply = await self.agent.respond(text)
        except Exception as exc:
            problem = describe_model_error(exc)
            if problem is None:
                raise
            # Nothing answered this line: forget it, so that saying it again is a clean retry.
            if len(messages) == before + 1 and messages[-1].get("role") == "user":
                del messages[before:]
            self.console.print(f"[red]Not answered:[/] {problem}", soft_wrap=True)
            return
        if reply.stopped:
            self.console.print("[yellow](the agent made too many tool calls and was stopped)[/]")

    async def _help(self, _: str) -> None:
        self.console.print(HELP, highlight=False, markup=False)

    async def _tools(self, category: str) -> None:
        tools = self.agent.conversation.tools
        if category:
            try:
                tools = tools.select(categories=[category])
            except KeyError as exc:
                self.console.print(f"[red]{exc.args[0]}[/]")
                return
        for template in tools.values():
            required = ", ".join(p.name for p in template.required_params)
            kind = "R" if template.read_only else ("D" if template.destructive else "W")
            self.console.print(
                f"  [bold]{template.name:<22}[/] {kind}  {template.description}"
                + (f" [dim](needs {required})[/]" if required else "")
            )

    async def _call(self, rest: str) -> None:
        name, _, arguments = rest.partition(" ")
        if not name:
            self.console.print('[red]Usage:[/] /call ACTION {"param": "value"}')
            return
        await self.agent.call(name, arguments.strip() or "{}")

    async def _vars(self, rest: str) -> None:
        conversation = self.agent.conversation
        if rest:
            try:
                pairs = shlex.split(rest)
            except ValueError as exc:
                self.console.print(f"[red]{exc}[/]")
                return
            for pair in pairs:
                name, sep, value = pair.partition("=")
                if not sep or not name:
                    self.console.print(f"[red]Not NAME=VALUE:[/] {pair}")
                    return
                conversation.variables[name] = value
        for name, value in sorted(conversation.call_variables().items()):
            self.console.print(f"  {name} = {value}")

    async def _state(self, _: str) -> None:
        from zoho_tools.replies import reply_for

        conversation = self.agent.conversation
        state = {
            "pending": conversation.pending,
            "results": {
                name: reply_for(None, result).structured
                for name, result in conversation.results.items()
            },
        }
        self.console.print_json(json.dumps(state, default=str))

    async def _reset(self, _: str) -> None:
        self.agent.conversation.reset()
        self.console.print("Conversation reset; call variables kept.")


@click.command()
@click.option(
    "--model",
    default=lambda: os.environ.get("OPENAI_MODEL", "gpt-4o-mini"),
    show_default="$OPENAI_MODEL or gpt-4o-mini",
    help="Model name.",
)
@click.option(
    "--base-url",
    envvar="OPENAI_BASE_URL",
    callback=lambda _ctx, _param, value: _check_base_url(value),
    help="An OpenAI-compatible server (also $OPENAI_BASE_URL).",
)
@BACKEND_OPTIONS
@click.option("--voice", is_flag=True, help="Use the voice-agent system prompt.")
@click.option(
    "--profile",
    metavar="NAME",
    callback=lambda _ctx, _param, value: _check_profile(value),
    help="Start the model on this profile's actions (voice) plus load_actions, with which it "
    "loads the others by category.",
)
@click.option(
    "--caller-phone",
    default="+15551234567",
    show_default=True,
    help="The caller's number ({{caller_phone}}).",
)
@TIME_ZONE_OPTION
@click.option(
    "--model-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for the model to answer (each attempt).",
)
def chat(**options: Any) -> None:
    """Talk to the agent, or run its tools yourself, against the sandbox or your Zoho org."""
    asyncio.run(_main(ChatOptions(**options)))


def _check_base_url(value: str | None) -> str | None:
    from zoho_tools.config import check_http_url

    try:
        return None if value is None else check_http_url(value, "http://127.0.0.1:8000/v1")
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _check_profile(value: str | None) -> str | None:
    from zoho_tools.catalog import PROFILES, unknown_name

    if value is None or value in PROFILES:
        return value
    raise click.BadParameter(str(unknown_name("profile", value, PROFILES)))


@dataclass(frozen=True)
class ChatOptions:
    """The command line's choices, as given."""

    model: str
    base_url: str | None
    org: bool
    employee_file: str | None
    custom_file: str | None
    voice: bool
    profile: str | None
    caller_phone: str
    time_zone: str | None
    model_timeout: float


async def _main(options: ChatOptions) -> None:
    import sys

    from rich.console import Console

    console = Console(highlight=False)
    agent, live, backend = _build(console, options)
    try:
        console.print(
            f"[bold]zoho-tools chat[/] · {backend.description} · "
            + (f"model {options.model}" if live else "[yellow]direct mode[/] (no model)")
            + " · /help for commands"
        )
        session = ChatSession(agent, console, live=live)
        lines = _terminal_lines() if sys.stdin.isatty() else _piped_lines()
        async for line in lines:
            if not await session.handle(line):
                break
    finally:
        await backend.aclose()


async def _terminal_lines() -> AsyncIterator[str]:
    """Lines typed at the terminal, with line editing and history."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    prompt: PromptSession[str] = PromptSession(history=FileHistory(str(_history_file())))
    while True:
        try:
            yield await prompt.prompt_async("you> ")
        except KeyboardInterrupt:
            continue
        except EOFError:
            return


async def _piped_lines() -> AsyncIterator[str]:
    """Lines from a pipe or a file, read plainly: no prompt, no echo, no terminal codes."""
    import sys

    while line := await asyncio.to_thread(sys.stdin.readline):
        yield line.rstrip("\r\n")


def _notice() -> Callable[[str], None]:
    """Notices go to stderr: stdout carries only the conversation."""
    from rich.console import Console

    errors = Console(stderr=True, highlight=False)
    return lambda text: errors.print(f"[yellow]{text}[/]")


def _history_file() -> Path:
    from platformdirs import user_state_dir

    folder = Path(user_state_dir("zoho-tools"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "chat_history"


def _build(console: Console, options: ChatOptions) -> tuple[Agent, bool, Any]:
    from zoho_tools.agent.llm import ScriptedLLM
    from zoho_tools.agent.loop import Agent
    from zoho_tools.agent.prompts import system_prompt
    from zoho_tools.catalog import CATALOG
    from zoho_tools.cli.transcript import Transcript
    from zoho_tools.config import load_settings
    from zoho_tools.connection import open_backend
    from zoho_tools.custom_actions import CustomActionError, load_custom_actions
    from zoho_tools.employee import EmployeeError, EmployeeSpec, load_employee
    from zoho_tools.normalize import Locale
    from zoho_tools.orchestrator import Conversation

    settings = load_settings()
    catalog = CATALOG
    if options.custom_file:
        try:
            catalog = CATALOG.with_actions(load_custom_actions(options.custom_file))
        except CustomActionError:
            raise
        except ValueError as exc:  # a custom action named like a built-in one
            raise CustomActionError(f"{options.custom_file}: {exc}") from None
    spec = load_employee(options.employee_file) if options.employee_file else EmployeeSpec()
    try:
        employee = spec.build(catalog)
    except EmployeeError as exc:
        raise EmployeeError(f"{options.employee_file}: {exc}") from None
    backend = open_backend(settings, use_org=options.org, notice=_notice())
    variables = {"caller_phone": options.caller_phone, "call_id": "chat", **backend.variables}
    conversation = Conversation(
        catalog=catalog,
        employee=employee,
        variables=variables,
        locale=Locale(
            time_zone=options.time_zone or spec.time_zone or settings.time_zone,
            country=spec.country or settings.country,
        ),
    )
    live = bool(options.base_url or os.environ.get("OPENAI_API_KEY"))
    llm: Any = ScriptedLLM([])
    if live:
        from openai import AsyncOpenAI

        from zoho_tools.agent.openai_llm import OpenAIChatLLM

        client = AsyncOpenAI(
            base_url=options.base_url,
            api_key=os.environ.get("OPENAI_API_KEY") or "none",
            # The SDK's default waits 10 minutes: a caller's turn must fail sooner than that.
            timeout=options.model_timeout,
        )
        llm = OpenAIChatLLM(client, options.model)
    else:
        console.print(
            "[yellow]No OPENAI_API_KEY or --base-url: starting in direct mode.[/] "
            "Run actions with /call ACTION {json}; /tools lists them."
        )
    surface = None
    if options.profile is not None:
        from zoho_tools.dynamic import ToolSurface

        surface = ToolSurface(conversation.tools, profile=options.profile)
    agent = Agent(
        llm,
        backend.executor,
        conversation,
        system_prompt=system_prompt("voice" if options.voice else "chat", conversation),
        surface=surface,
        on_event=Transcript(console, echo_caller=False),
    )
    return agent, live, backend
