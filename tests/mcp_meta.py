"""The ``_meta`` of an MCP request, as the tests send it.

The SDK types ``_meta`` as ``RequestParamsMeta``, an open TypedDict (PEP 728 ``extra_items``)
that takes any key, such as ``conversation_id``. mypy does not read ``extra_items`` yet and
rejects every key but the declared ones, so :func:`meta` says the dict is that type.
"""

from __future__ import annotations

from typing import Any, cast

from mcp.types import RequestParamsMeta


def meta(values: dict[str, Any] | None = None, /, **keys: Any) -> RequestParamsMeta:
    """``values`` and ``keys`` as a request's ``_meta``."""
    return cast(RequestParamsMeta, {**(values or {}), **keys})
