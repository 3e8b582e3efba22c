"""Anthropic Messages API tools: ``{"name", "description", "input_schema"}``.

The neutral schema goes as is: its ``required`` lists only what the model must supply itself
(record ids), so the model may leave out a caller's details it does not know and the orchestrator
asks for them.
"""

from __future__ import annotations

from typing import Any

from zoho_tools.schemas import input_schema
from zoho_tools.templates import ActionTemplate


def to_anthropic(template: ActionTemplate) -> dict[str, Any]:
    return {
        "name": template.name,
        "description": template.description,
        "input_schema": input_schema(template),
    }
