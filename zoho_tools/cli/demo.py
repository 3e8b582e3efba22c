"""``zoho-tools demo``: replay a scripted call against the embedded sandbox, as a transcript."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from pathlib import Path
from typing import Any

import click


@click.command()
@click.argument("conversation", required=False)
@click.option("--list", "list_only", is_flag=True, help="List the bundled conversations and exit.")
@click.option("--no-color", is_flag=True, help="Plain text output.")
def demo(conversation: str | None, list_only: bool, no_color: bool) -> None:
    """Replay a phone call end to end, with no Zoho account, no API key and no network.

    A scripted model plays the agent; everything else is real: the orchestrator checks each tool
    call, the executor sends it to the embedded Zoho CRM sandbox, and the transcript shows the
    caller, the agent, every tool call, Zoho's request and result, and the CRM records at the end.

    CONVERSATION is the name of a bundled conversation (see --list) or a path to a fixture file;
    the default is the example call (John Smith of Acme Corp needs help with his order).
    """
    import yaml
    from rich.console import Console

    from zoho_tools.agent.fixtures import Fixture, examples_folder, load_fixtures

    console = Console(no_color=no_color, highlight=False)
    folder = examples_folder()
    try:
        if list_only:
            for fixture in load_fixtures(folder):
                console.print(f"[bold]{fixture.name}[/]  {fixture.description}")
            return
        path = _fixture_path(conversation or "example_call", folder)
        fixture = Fixture.load(path)
    except (ValueError, yaml.YAMLError) as exc:  # pydantic's ValidationError is a ValueError
        raise click.ClickException(f"cannot read the conversation: {exc}") from None
    run = asyncio.run(_replay(fixture, console))
    if not run.passed:
        console.print("[red]The conversation did not go as scripted:[/]")
        for failure in run.failures:
            console.print(f"  [red]-[/] {failure}")
        raise SystemExit(1)


def _fixture_path(name: str, folder: Path) -> Path:
    candidate = Path(name)
    if candidate.is_file():
        return candidate
    for suffix in (".yaml", ".yml", ".json"):
        bundled = folder / f"{name}{suffix}"
        if bundled.is_file():
            return bundled
    known = ", ".join(sorted(p.stem for p in folder.iterdir()))
    raise click.BadParameter(f"no conversation {name!r}; bundled ones: {known}")


async def _replay(fixture: Any, console: Any) -> Any:
    from zoho_tools.agent.fixtures import run_fixture
    from zoho_tools.cli.transcript import Transcript

    console.rule(f"[bold]{fixture.name}[/]: {fixture.description}")
    console.print(
        "[dim]Embedded Zoho CRM sandbox (demo org), scripted model, no network. "
        f"Call from {fixture.variables.get('caller_phone', 'unknown')}, "
        f"{fixture.now:%A %Y-%m-%d %H:%M} {fixture.time_zone}.[/]\n"
    )
    run = await run_fixture(fixture, on_event=Transcript(console))
    _show_records(run, console)
    return run


def _show_records(run: Any, console: Any) -> None:
    """The records this call created or changed, as the sandbox now holds them."""
    from zoho_tools.cli.transcript import records_table
    from zoho_tools.orchestrator import Ready

    touched: dict[str, list[str]] = defaultdict(list)
    for event in run.tool_events:
        outcome, result = event.outcome, event.result
        if not isinstance(outcome, Ready) or result is None or not result.ok:
            continue
        template = outcome.request.template
        record_id = (result.data or {}).get("id") if isinstance(result.data, dict) else None
        if template.read_only or not template.module or not record_id:
            continue
        if record_id not in touched[template.module]:
            touched[template.module].append(record_id)
    tables = {}
    for module, ids in touched.items():
        records = [r for r in run.sandbox.records(module) if r.get("id") in ids]
        if records:  # a record deleted during the call is gone
            tables[module] = records
    if not tables:
        return
    console.print()
    console.rule("[bold]CRM records written during the call[/]")
    for module, records in tables.items():
        console.print(records_table(module, records))
