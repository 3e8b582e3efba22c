"""The ``zoho-tools`` command line.

Each sub-command lives in its own module and imports the heavy parts of the package only when it
runs, so ``zoho-tools --help`` stays instant. Errors are reported by the group itself, in one
line each (:mod:`zoho_tools.cli.errors`).
"""

from __future__ import annotations

import click

from zoho_tools import __version__
from zoho_tools.cli.errors import CliGroup


@click.group(cls=CliGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zoho-tools")
def main() -> None:
    """Zoho CRM actions for AI voice and chat agents."""


def _register() -> None:
    from zoho_tools.cli.chat import chat
    from zoho_tools.cli.connect import connect, disconnect, status
    from zoho_tools.cli.demo import demo
    from zoho_tools.cli.mcp import mcp
    from zoho_tools.cli.sandbox import sandbox
    from zoho_tools.cli.serve import serve
    from zoho_tools.cli.tools import tools

    for command in (demo, chat, tools, sandbox, serve, mcp, connect, status, disconnect):
        main.add_command(command)


_register()
