"""How every command fails: one line on stderr that names the file or flag and says how to fix
it, exit status 1, or 2 for a misused command line (click's usage errors, shown in one line
too, with the command to get help). No traceback reaches a user.

Commands do not catch the package's errors themselves: they let them rise, and the ``main``
group (:class:`CliGroup`) turns them into a :class:`CommandError`. The package's errors for bad
input (configuration, token files, employee and custom action files, fixtures, OAuth) already
carry such a line; anything else is a bug, reported as one line too, with a way to get the
traceback (``ZOHO_TOOLS_DEBUG=1``). That line names only the exception's type: its message
could quote anything, a secret included.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from zoho_tools.errors import ZohoToolsError

DEBUG_ENV = "ZOHO_TOOLS_DEBUG"

# click 8.2+ raises this usage error, whose message is the help text, for a bare group.
_NoArgsIsHelp: type[click.UsageError] = getattr(
    click.exceptions, "NoArgsIsHelpError", type("_Never", (click.UsageError,), {})
)


def one_line(text: str) -> str:
    """``text`` on one line: its lines joined with ``; ``."""
    return "; ".join(line.strip() for line in str(text).splitlines() if line.strip())


class CommandError(click.ClickException, ZohoToolsError):
    """A failed command: ``Error: <one line>`` on stderr, exit status 1."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


def _user_errors() -> tuple[type[BaseException], ...]:
    # The families whose messages are written for the person who set zoho-tools up (see
    # zoho_tools.errors): settings, files, Redis, tokens and OAuth.
    from zoho_tools.errors import AuthError, SetupError

    return (AuthError, SetupError)


def as_command_error(exc: Exception) -> click.ClickException:
    """The one-line error a user sees for ``exc``."""
    if isinstance(exc, _user_errors()):
        return CommandError(str(exc))
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return CommandError(f"{where}{exc.strerror}")
    return CommandError(
        f"unexpected internal error ({type(exc).__name__}); run again with {DEBUG_ENV}=1 "
        "to see the traceback, and please report it"
    )


class CliGroup(click.Group):
    """The ``zoho-tools`` group: runs a sub-command, and turns what it raises into one line."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            return super().main(args, prog_name, complete_var, False, **extra)
        except _NoArgsIsHelp as exc:  # a group run without a command: its help is the answer
            exc.show()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            # click would add the usage line and a hint on lines of their own.
            command = exc.ctx.command_path if exc.ctx is not None else "zoho-tools"
            message = one_line(exc.format_message())
            click.echo(f"Error: {message} (see `{command} --help`)", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get(DEBUG_ENV):
                raise
            raise as_command_error(exc) from None
