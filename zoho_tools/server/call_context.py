"""Which conversation a request belongs to, and the call variables it vouches for.

A tool request names its conversation (the phone call or chat it is part of) in its trusted part,
never in the model's arguments:

- ``_meta`` of an MCP request: ``conversation_id`` (or ``call_id``) and ``caller_phone``, as any
  client may send them; ElevenLabs' ``request_meta`` entries ``system__conversation_id`` and
  ``system__caller_id`` (configure them under those names);
- HTTP headers: ``X-Call-Id`` (Vapi, calls), ``X-Chat-Id`` / ``X-Session-Id`` (Vapi, chats),
  ``Mcp-Session-Id`` (a stateful MCP session), and ``X-Caller-Phone`` for a platform that can put
  the caller's number in a header.

:func:`call_context` reads them. Every value is untrusted text from the wire: anything that is not
a short printable string (or an integer) is ignored, so a hostile ``_meta`` can only ever mean
"no conversation id given". Keys are namespaced by where they came from, so an id sent in
``_meta`` never lands in the conversation a Vapi call id names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: The longest conversation id or caller number taken from a request.
MAX_ID_CHARS = 128
MAX_PHONE_CHARS = 32

# Where a conversation id may come from, most specific first: (namespace, container, name).
# An explicit id names the conversation itself, whereas a session may be reused across calls.
_ID_SOURCES: tuple[tuple[str, str, str], ...] = (
    ("meta", "meta", "conversation_id"),
    ("meta", "meta", "call_id"),
    ("elevenlabs", "meta", "system__conversation_id"),
    ("vapi", "header", "x-call-id"),
    ("vapi-chat", "header", "x-chat-id"),
    ("vapi-session", "header", "x-session-id"),
    ("session", "header", "mcp-session-id"),
)
_PHONE_SOURCES: tuple[tuple[str, str], ...] = (
    ("meta", "caller_phone"),
    ("meta", "system__caller_id"),
    ("header", "x-caller-phone"),
)


@dataclass(frozen=True, slots=True)
class CallContext:
    """What a request says about its call: the conversation ``key`` (``None`` when it names
    none) and the call ``variables`` (``call_id``, ``caller_phone``) to run its tools with."""

    key: str | None = None
    variables: dict[str, str] = field(default_factory=dict)


def call_context(meta: Any = None, headers: Any = None) -> CallContext:
    """The :class:`CallContext` of a request from its ``_meta`` object and HTTP ``headers``
    (any mapping; header names are matched case-insensitively). Never raises."""
    containers = {"meta": _as_mapping(meta), "header": _lowered(headers)}
    key = None
    variables: dict[str, str] = {}
    for namespace, container, name in _ID_SOURCES:
        value = _text(containers[container].get(name), MAX_ID_CHARS)
        if value is not None:
            key = f"mcp:{namespace}:{value}"
            variables["call_id"] = value
            break
    for container, name in _PHONE_SOURCES:
        phone = _text(containers[container].get(name), MAX_PHONE_CHARS)
        if phone is not None:
            variables["caller_phone"] = phone
            break
    return CallContext(key, variables)


def _as_mapping(value: Any) -> Mapping[Any, Any]:
    return value if isinstance(value, Mapping) else {}


def _lowered(headers: Any) -> dict[str, Any]:
    if not isinstance(headers, Mapping):
        return {}
    try:
        return {str(k).lower(): v for k, v in headers.items()}
    except Exception:  # a hostile mapping type: treat as no headers at all
        return {}


def _text(value: Any, limit: int) -> str | None:
    """``value`` as an identifier: a non-empty printable string of at most ``limit``
    characters (an integer counts as its digits), else ``None``."""
    if isinstance(value, int) and not isinstance(value, bool):
        # Bounded before str(): a huge integer would take long, or raise, to print.
        value = str(value) if 0 <= value < 10**limit else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > limit or not text.isprintable():
        return None
    return text
