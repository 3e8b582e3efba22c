"""A readable transcript of a conversation: who said what, each tool call, Zoho's request/result.

Used by ``zoho-tools demo`` and ``zoho-tools chat``. Rendering is separate from the agent loop: it
only reads :mod:`zoho_tools.agent.loop` events.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from zoho_tools.agent.loop import Event, SpeechEvent, ToolEvent
from zoho_tools.orchestrator import NeedsConfirmation, NeedsInput, Ready, Rejected, Repeated
from zoho_tools.results import display_name

_STATUS_STYLE = {"ok": "green", "empty": "yellow", "error": "red"}


class Transcript:
    """Prints events as they happen, to a rich console."""

    def __init__(self, console: Console, *, echo_caller: bool = True) -> None:
        self.console = console
        # In an interactive chat the caller's words are already on screen, as typed.
        self.echo_caller = echo_caller

    def __call__(self, event: Event) -> None:
        if isinstance(event, SpeechEvent):
            self.speech(event)
        else:
            self.tool(event)

    def speech(self, event: SpeechEvent) -> None:
        if event.speaker == "caller" and not self.echo_caller:
            return
        style = "bold cyan" if event.speaker == "caller" else "bold magenta"
        label = "Caller" if event.speaker == "caller" else "Agent "
        self.console.print(f"[{style}]{label}[/] {escape(event.text)}")

    def tool(self, event: ToolEvent) -> None:
        arguments = _compact(event.call.arguments)
        self.console.print(f"  [bold]→ {event.call.name}[/] [dim]{escape(arguments)}[/]")
        outcome = event.outcome
        if isinstance(outcome, Ready) and event.result is not None:
            result = event.result
            if result.request is not None:
                self.console.print(f"    [blue]Zoho[/] {escape(result.request.describe())}")
            style = _STATUS_STYLE.get(result.status, "white")
            status = f"HTTP {result.http_status}" if result.http_status else result.status
            if result.attempts > 1:
                status = f"{status} after {result.attempts} attempts"
            summary = _summary(event.reply.structured, outcome.request.template.module)
            self.console.print(f"    [{style}]← {status}[/] {escape(summary)}")
        elif isinstance(outcome, NeedsInput):
            asks = ", ".join(f"{m.name}" for m in outcome.missing)
            self.console.print(f"    [yellow]needs input[/] {escape(asks)}")
        elif isinstance(outcome, NeedsConfirmation):
            self.console.print(f"    [yellow]needs confirmation[/] {escape(outcome.summary)}")
        elif isinstance(outcome, Rejected):
            problems = "; ".join(str(p) for p in outcome.problems)
            self.console.print(f"    [red]rejected[/] {escape(problems)}")
        elif isinstance(outcome, Repeated):
            self.console.print("    [yellow]already done[/] not sent again")
        else:  # answered here, without Zoho: the load_actions meta-tool, or a call that failed
            reply = event.reply
            style = "red" if reply.is_error else "green"
            shown = reply.structured.get("message") if reply.status == "error" else reply.text
            self.console.print(f"    [{style}]{reply.status}[/] {escape(str(shown))}")


def _compact(arguments: Any) -> str:
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except (ValueError, RecursionError):  # the model's malformed or hostile JSON
            return str(arguments)[:200]
    return json.dumps(arguments, ensure_ascii=False)


def _summary(shown: Mapping[str, Any], module: str | None) -> str:
    """One line for a result: the message, or what the data holds (records of ``module``)."""
    if shown.get("status") == "error":
        return f"{shown.get('code')}: {shown.get('message', '')}"
    data = shown.get("data")
    if isinstance(data, list):
        names = [display_name(record, module) for record in data]
        listed = ", ".join(n for n in names if n)
        return f"{shown.get('count', len(data))} record(s): {listed}"
    if isinstance(data, Mapping):
        name = display_name(data, module)
        return f"{shown.get('message') or 'ok'} {name or ''} (id {data.get('id')})".strip()
    return str(shown.get("message") or shown.get("status"))


def records_table(module: str, records: list[Mapping[str, Any]]) -> Table:
    """A table of one module's CRM records, showing their most telling fields."""
    table = Table(title=module, title_justify="left", title_style="bold")
    columns = _columns(records)
    for column in columns:
        table.add_column(column)
    for record in records:
        table.add_row(*(_cell(record.get(column)) for column in columns))
    return table


def _columns(records: list[Mapping[str, Any]]) -> list[str]:
    preferred = (
        "Subject",
        "Event_Title",
        "Full_Name",
        "Deal_Name",
        "Note_Title",
        "Status",
        "Case_Origin",
        "Call_Type",
        "Call_Duration",
        "Start_DateTime",
        "Who_Id",
    )
    present = [c for c in preferred if any(record.get(c) not in (None, "") for record in records)]
    return present[:5]


def _cell(value: Any) -> str:
    if isinstance(value, Mapping):
        return str(value.get("name") or value.get("id") or "")
    return "" if value is None else str(value)
