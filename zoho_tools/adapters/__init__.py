"""Tool definitions for each LLM API, reshaped from the neutral schema of :mod:`zoho_tools.schemas`.

Pure functions of an :class:`~zoho_tools.templates.ActionTemplate`; no provider SDK is imported.
:func:`export` is the entry point; :data:`FORMATS` names the formats:

- ``openai``: Chat Completions tools, ``strict: true``;
- ``openai-responses``: Responses API function tools, ``strict: true``;
- ``anthropic``: Messages API tools;
- ``mcp``: MCP tool definitions with annotations;
- ``catalog``: our own JSON with everything in each declaration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

from zoho_tools.adapters.anthropic_format import to_anthropic
from zoho_tools.adapters.catalog_format import to_catalog_entry
from zoho_tools.adapters.mcp_format import to_mcp
from zoho_tools.adapters.openai_format import strict_schema, to_openai_chat, to_openai_responses
from zoho_tools.catalog import Catalog
from zoho_tools.templates import ActionTemplate

__all__ = [
    "FORMATS",
    "export",
    "strict_schema",
    "to_anthropic",
    "to_catalog_entry",
    "to_mcp",
    "to_openai_chat",
    "to_openai_responses",
]

Adapter = Callable[[ActionTemplate], dict[str, Any]]

#: Format name -> the function that turns one action into one tool definition.
FORMATS: Mapping[str, Adapter] = MappingProxyType(
    {
        "openai": to_openai_chat,
        "openai-responses": to_openai_responses,
        "anthropic": to_anthropic,
        "mcp": to_mcp,
        "catalog": to_catalog_entry,
    }
)


def export(
    catalog: Catalog, format: str, *, actions: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """The tool definitions of ``catalog``'s actions (only ``actions``, when given) in ``format``,
    in catalog order.

    Raises :class:`ValueError` for an unknown format and
    :class:`~zoho_tools.catalog.UnknownName` for an unknown action; both name the close matches.
    """
    adapter = FORMATS.get(format)
    if adapter is None:
        import difflib  # only on this error path: it is slow to import

        close = difflib.get_close_matches(format, list(FORMATS), n=2, cutoff=0.4)
        hint = (
            f"did you mean: {', '.join(close)}?" if close else f"use one of: {', '.join(FORMATS)}"
        )
        raise ValueError(f"unknown format {format!r}; {hint}")
    chosen = catalog if actions is None else catalog.select(names=actions)
    return [adapter(template) for template in chosen.values()]
