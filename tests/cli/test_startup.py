"""What the command line loads to start, and how it fails without its ``cli`` extra.

Each check runs a fresh interpreter, so what one test imports cannot hide what another loads.
How fast it starts is measured by ``bench/cli_startup.py``, not here: timings are no test.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from zoho_tools.__main__ import CLI_EXTRA, INSTALL_HINT
from zoho_tools.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[2]

#: Modules no command may load just to start, or to print its help.
HEAVY = (
    "httpx",
    "anyio",
    "mcp",
    "starlette",
    "uvicorn",
    "redis",
    "openai",
    "anthropic",
    "rich",
    "prompt_toolkit",
    "pydantic",
    "pydantic_settings",
    "yaml",
    "zoho_tools.sandbox",
    "zoho_tools.auth.zoho_auth",
    "zoho_tools.executor",
    "zoho_tools.orchestrator",
    "zoho_tools.server",
    "zoho_tools.agent",
)

#: Runs the command line on its arguments in this interpreter, then prints on the last line of
#: stdout the names of the modules loaded by then.
LOADED = """
import json, sys
from zoho_tools.cli import main
try:
    main(sys.argv[1:], prog_name="zoho-tools")
except SystemExit as exit:
    assert not exit.code, exit.code
print()
print(json.dumps(sorted(sys.modules)))
"""


def run_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=60
    )


def loaded(*args: str) -> tuple[str, set[str]]:
    """The output of ``zoho-tools ARGS`` and the modules it loaded."""
    done = run_python(LOADED, *args)
    assert done.returncode == 0, done.stderr
    output, _, modules = done.stdout.rstrip("\n").rpartition("\n")
    return output, set(json.loads(modules))


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(f"{h}.") for h in HEAVY))


def test_help_loads_no_command_module_and_nothing_heavy() -> None:
    output, modules = loaded("--help")
    assert "tools" in output
    assert heavy_in(modules) == []
    commands = {m for m in modules if m.startswith("zoho_tools.cli.")}
    assert commands == {"zoho_tools.cli.errors"}
    assert "zoho_tools.catalog" not in modules


def test_tools_export_loads_the_catalog_and_nothing_heavy() -> None:
    output, modules = loaded("tools", "export", "--format", "openai", "--compact")
    exported = json.loads(output)
    assert {tool["function"]["name"] for tool in exported} >= {"create_contact", "search_deal"}
    assert heavy_in(modules) == []
    assert "zoho_tools.catalog" in modules
    # The other commands' modules stay unread.
    assert {m for m in modules if m.startswith("zoho_tools.cli.")} == {
        "zoho_tools.cli.errors",
        "zoho_tools.cli.tools",
    }


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_each_commands_help_loads_nothing_heavy(command: str) -> None:
    output, modules = loaded(command, "--help")
    assert f"zoho-tools {command}" in output
    assert heavy_in(modules) == []
    assert "zoho_tools.catalog" not in modules


def test_help_lists_each_command_as_its_own_docstring_does() -> None:
    """``--help`` summarises the commands without importing them; the summaries it shows are
    the ones the loaded commands give."""
    lazy, _ = loaded("--help")
    load_all = LOADED.replace(
        "try:",
        "import click\n"
        "ctx = click.Context(main)\n"
        "for name in main.list_commands(ctx):\n"
        "    main.get_command(ctx, name)\n"
        "assert set(main.commands) == set(main.list_commands(ctx))\n"
        "try:",
        1,
    )
    done = run_python(load_all, "--help")
    assert done.returncode == 0, done.stderr
    eager = done.stdout.rstrip("\n").rpartition("\n")[0]
    assert lazy == eager, (
        "a command's docstring changed: copy its first sentence to zoho_tools.cli.COMMANDS"
    )


def test_an_unknown_command_is_still_a_one_line_usage_error() -> None:
    done = run_python("from zoho_tools.__main__ import main; main()", "tool")
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("Error: No such command 'tool'.")


def without(*packages: str) -> str:
    """Python code that makes importing ``packages`` fail as if they were not installed."""
    return "import sys\n" + "".join(f"sys.modules[{p!r}] = None\n" for p in packages)


def test_without_the_cli_extra_the_script_says_how_to_install_it() -> None:
    done = run_python(without("click") + "from zoho_tools.__main__ import main\nmain()", "demo")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"Error: the zoho-tools command needs click, of the cli extra: {INSTALL_HINT}"
    ]


def test_a_command_missing_a_package_of_the_extra_says_how_to_install_it() -> None:
    # The demo prints its transcript with rich, imported when the command runs.
    done = run_python(without("rich") + "from zoho_tools.__main__ import main\nmain()", "demo")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"Error: the zoho-tools command needs rich, of the cli extra: {INSTALL_HINT}"
    ]


LIBRARY = """
import importlib, pkgutil, sys
import zoho_tools
skipped = ("zoho_tools.cli", "zoho_tools.integrations", "zoho_tools.__main__")
for module in pkgutil.walk_packages(zoho_tools.__path__, "zoho_tools."):
    if not module.name.startswith(skipped):
        importlib.import_module(module.name)
print(len(sys.modules))
"""


def test_the_library_imports_without_the_cli_extra() -> None:
    done = run_python(without(*CLI_EXTRA) + LIBRARY)
    assert done.returncode == 0, done.stderr


def test_the_cli_extra_holds_what_the_command_line_needs_and_the_core_does_not() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    def names(requirements: list[str]) -> set[str]:
        return {r.split(">")[0].split("[")[0].split("=")[0].strip() for r in requirements}

    extras = project["optional-dependencies"]
    assert names(extras["cli"]) == set(CLI_EXTRA)
    assert not names(project["dependencies"]) & set(CLI_EXTRA)
    assert any("cli" in r.split("[")[1] for r in extras["test"] if r.startswith("zoho-tools["))
    assert project["scripts"]["zoho-tools"] == "zoho_tools.__main__:main"
