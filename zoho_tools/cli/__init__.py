"""The ``zoho-tools`` command line (the ``cli`` extra: ``pip install 'zoho-tools[cli]'``).

Start-up time is part of the interface: ``zoho-tools --help`` and ``zoho-tools tools export`` are
run by scripts and agents, often. So each sub-command lives in its own module, imported only when
that command runs (:class:`LazyGroup`), and each module imports the heavy parts of the package
(the sandbox, HTTP clients, servers, Redis, model SDKs, rich, prompt_toolkit) inside the functions
that need them. ``bench/cli_startup.py`` measures it; ``tests/cli/test_startup.py`` checks which
modules a command loads. Errors are reported by the group itself, in one line each
(:mod:`zoho_tools.cli.errors`).
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from zoho_tools import __version__
from zoho_tools.__main__ import missing_extra
from zoho_tools.cli.errors import CliGroup, CommandError

#: Each sub-command: the module and attribute that define it, and the one-line summary shown by
#: ``zoho-tools --help`` without importing it (tests hold it to the command's own docstring).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "chat": (
        "zoho_tools.cli.chat",
        "chat",
        "Talk to the agent, or run its tools yourself, against the sandbox or your Zoho org.",
    ),
    "connect": (
        "zoho_tools.cli.connect",
        "connect",
        "Connect a Zoho CRM account and store its tokens.",
    ),
    "demo": (
        "zoho_tools.cli.demo",
        "demo",
        "Replay a phone call end to end, with no Zoho account, no API key and no network.",
    ),
    "disconnect": (
        "zoho_tools.cli.connect",
        "disconnect",
        "Revoke the stored tokens at Zoho and forget them.",
    ),
    "mcp": (
        "zoho_tools.cli.mcp",
        "mcp",
        "Serve the Zoho CRM actions to MCP clients (Claude, Cursor, voice platforms).",
    ),
    "sandbox": ("zoho_tools.cli.sandbox", "sandbox", "The embedded Zoho CRM v7 sandbox."),
    "serve": (
        "zoho_tools.cli.serve",
        "serve",
        "Serve the tool webhooks for Vapi (/vapi), Retell (/retell) and ElevenLabs "
        "(/elevenlabs/ACTION), with /healthz, against the sandbox or your Zoho org; with "
        "tenants, each at /t/NAME/vapi, /t/NAME/retell, /t/NAME/elevenlabs/ACTION and "
        "/t/NAME/mcp.",
    ),
    "status": (
        "zoho_tools.cli.connect",
        "status",
        "Show the connected Zoho CRM account (exit 0), or that there is none (exit 1).",
    ),
    "tools": (
        "zoho_tools.cli.tools",
        "tools",
        "The Zoho CRM actions, and their tool definitions for LLM APIs.",
    ),
}


class LazyGroup(CliGroup):
    """A group whose sub-commands are imported when one is run, not when the group is built.

    ``--help`` lists them from :data:`COMMANDS` without importing any.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attribute, _summary = COMMANDS[cmd_name]
            command: click.Command = getattr(importlib.import_module(module), attribute)
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        with formatter.section("Commands"):
            formatter.write_dl([(name, self._summary(name, limit)) for name in names])

    def _summary(self, name: str, limit: int) -> str:
        """What ``--help`` says of the command, as click would from its docstring."""
        command = self.commands.get(name) or click.Command(name, help=COMMANDS[name][2])
        return command.get_short_help_str(limit)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CommandError as exc:
            # The group reports unexpected errors by type only; a missing package of the cli
            # extra (rich for chat, say) is no bug, and has a one-line fix.
            cause = exc.__context__
            if isinstance(cause, ModuleNotFoundError) and (fix := missing_extra(cause)):
                raise CommandError(fix) from None
            raise


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zoho-tools")
def main() -> None:
    """Zoho CRM actions for AI voice and chat agents."""
