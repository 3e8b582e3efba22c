"""The ``zoho-tools`` console script, also ``python -m zoho_tools``.

The command line needs the ``cli`` extra (click, rich, prompt_toolkit); the library does not. So
the script's entry point lives outside :mod:`zoho_tools.cli`: without the extra it says, in one
line, how to install it, instead of failing with a traceback.
"""

from __future__ import annotations

import sys

#: The packages of the ``cli`` extra, which only the command line imports.
CLI_EXTRA = ("click", "rich", "prompt_toolkit")

#: How to get them.
INSTALL_HINT = "pip install 'zoho-tools[cli]'"


def missing_extra(exc: ModuleNotFoundError) -> str | None:
    """The one-line fix when ``exc`` says a package of the ``cli`` extra is not installed."""
    missing = (exc.name or "").partition(".")[0]
    if missing not in CLI_EXTRA:
        return None
    return f"the zoho-tools command needs {missing}, of the cli extra: {INSTALL_HINT}"


def main() -> None:
    """Run the command line, or say in one line how to install it (exit status 1)."""
    try:
        from zoho_tools.cli import main as command_line
    except ModuleNotFoundError as exc:
        fix = missing_extra(exc)
        if fix is None:
            raise
        print(f"Error: {fix}", file=sys.stderr)
        sys.exit(1)
    command_line()


if __name__ == "__main__":
    main()
