"""The conversation key and call variables a request carries: exact for well-formed values, and
never a crash (nor a stray key) for hostile ones."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from zoho_tools.server.call_context import MAX_ID_CHARS, MAX_PHONE_CHARS, call_context

NAMES = [
    "conversation_id",
    "call_id",
    "caller_phone",
    "system__conversation_id",
    "system__caller_id",
    "x-call-id",
    "X-Call-Id",
    "x-chat-id",
    "x-session-id",
    "mcp-session-id",
    "x-caller-phone",
]
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)
hostile = st.dictionaries(st.sampled_from(NAMES) | st.text(), json_values, max_size=8)
ids = st.text(min_size=1, max_size=MAX_ID_CHARS).filter(lambda s: s.strip() and s.isprintable())


@given(meta=hostile | json_values, headers=hostile | json_values)
def test_any_request_gives_a_context_and_never_raises(meta: Any, headers: Any) -> None:
    context = call_context(meta, headers)
    assert context.key is None or context.key.startswith("mcp:")
    assert set(context.variables) <= {"call_id", "caller_phone"}
    for name, value in context.variables.items():
        limit = MAX_PHONE_CHARS if name == "caller_phone" else MAX_ID_CHARS
        assert isinstance(value, str) and value.isprintable() and 0 < len(value) <= limit
    assert (context.key is None) == ("call_id" not in context.variables)


@given(conversation=ids, phone=st.from_regex(r"\+[1-9][0-9]{6,14}", fullmatch=True))
def test_a_conversation_id_and_caller_in_meta_are_taken_as_sent(
    conversation: str, phone: str
) -> None:
    context = call_context({"conversation_id": conversation, "caller_phone": phone})
    assert context.key == f"mcp:meta:{conversation.strip()}"
    assert context.variables == {"call_id": conversation.strip(), "caller_phone": phone}


@given(call=ids)
def test_platform_ids_are_namespaced_by_where_they_came_from(call: str) -> None:
    value = call.strip()
    assert call_context(headers={"X-Call-Id": call}).key == f"mcp:vapi:{value}"
    assert call_context({"system__conversation_id": call}).key == f"mcp:elevenlabs:{value}"
    assert call_context(headers={"Mcp-Session-Id": call}).key == f"mcp:session:{value}"


def test_an_explicit_id_wins_over_a_session_and_meta_over_headers() -> None:
    both = call_context({"call_id": "meta-1"}, {"x-call-id": "vapi-1", "mcp-session-id": "s"})
    assert both.key == "mcp:meta:meta-1"
    assert call_context(None, {"x-call-id": "v", "mcp-session-id": "s"}).key == "mcp:vapi:v"
    eleven = call_context({"system__conversation_id": "conv_9", "system__caller_id": "+1555"})
    assert eleven.key == "mcp:elevenlabs:conv_9"
    assert eleven.variables == {"call_id": "conv_9", "caller_phone": "+1555"}
    assert call_context({"call_id": 42}).variables == {"call_id": "42"}


def test_values_that_are_not_short_printable_text_are_ignored() -> None:
    bad: object
    for bad in ("", "   ", "a\nb", "x" * (MAX_ID_CHARS + 1), True, 1.5, -3, 10**200, {}, []):
        assert call_context({"conversation_id": bad}).key is None, bad
    assert call_context({"caller_phone": "1" * (MAX_PHONE_CHARS + 1)}).variables == {}
