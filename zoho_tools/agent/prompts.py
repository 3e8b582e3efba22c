"""System prompts for a voice agent and a chat agent, filled in for one conversation.

The texts live in ``prompts/*.md`` at the top of the project (shipped inside the package as
``zoho_tools/_prompts`` when installed from a wheel). ``{placeholders}`` in them are filled from the
conversation: today's date and time in its time zone, the caller's number, the agent's name.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from zoho_tools.orchestrator import Conversation

PromptKind = Literal["voice", "chat"]


def _candidates() -> tuple[Path, ...]:
    package = Path(__file__).resolve().parents[1]
    return (package / "_prompts", package.parent / "prompts")


@cache
def prompt_template(kind: PromptKind) -> str:
    """The raw text of a prompt (read once per process)."""
    for folder in _candidates():
        path = folder / f"{kind}.md"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"no {kind} prompt found in {', '.join(map(str, _candidates()))}")


def system_prompt(kind: PromptKind, conversation: Conversation) -> str:
    """The system prompt for ``conversation``, with its date, time zone and caller filled in."""
    now = conversation.now().astimezone(conversation.locale.zone)
    caller = conversation.variables.get("caller_phone") or "an unknown number"
    return prompt_template(kind).format(
        agent_name=conversation.employee.name,
        today=now.date().isoformat(),
        weekday=now.strftime("%A"),
        time=now.strftime("%H:%M"),
        time_zone=conversation.locale.time_zone,
        caller_phone=caller,
    )
