"""MCP tool definitions (``tools/list``), with all four annotations set explicitly.

MCP's defaults are not safe to rely on (``destructiveHint`` defaults to true, ``openWorldHint``
to true), so each hint is stated; every action talks to Zoho, an open world. ``outputSchema`` is
the shape of every reply (:func:`zoho_tools.replies.reply_schema`), which the MCP server returns
as ``structuredContent``.
"""

from __future__ import annotations

from typing import Any

from zoho_tools.schemas import input_schema
from zoho_tools.templates import ActionTemplate


def to_mcp(template: ActionTemplate) -> dict[str, Any]:
    # Imported here: the replies module brings the orchestrator, which exporting the other
    # formats (`zoho-tools tools export --format openai`) does not need.
    from zoho_tools.replies import reply_schema

    return {
        "name": template.name,
        "title": template.title,
        "description": template.description,
        "inputSchema": input_schema(template),
        "outputSchema": reply_schema(),
        "annotations": {
            "title": template.title,
            "readOnlyHint": template.read_only,
            "destructiveHint": template.destructive,
            "idempotentHint": template.idempotent,
            "openWorldHint": True,
        },
    }
