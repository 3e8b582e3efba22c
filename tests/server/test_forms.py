"""Forms for what a call still needs: flat, primitive fields MCP clients can show, only for what a
person can type, and answers read back as arguments."""

from __future__ import annotations

from pydantic import SecretStr

from zoho_tools.catalog import CATALOG
from zoho_tools.config import Settings
from zoho_tools.orchestrator import Conversation, ToolCall, step
from zoho_tools.replies import ToolReply, reply_for
from zoho_tools.server.forms import form_for

PRIMITIVE = {"string", "number", "integer", "boolean"}


def asked(name: str, arguments: str = "{}") -> ToolReply:
    """The reply to ``name`` called with ``arguments`` in a new conversation."""
    return reply_for(step(Conversation(), ToolCall(name, arguments)))


def test_a_form_has_one_flat_primitive_field_per_missing_value() -> None:
    form = form_for(asked("create_deal"), CATALOG["create_deal"])
    assert form is not None and form.kind == "input"
    assert form.schema["required"] == ["deal_name", "stage", "closing_date"]
    fields = form.schema["properties"]
    assert all(f["type"] in PRIMITIVE and "properties" not in f for f in fields.values())
    assert fields["stage"]["enum"][0] == "Qualification"
    assert fields["closing_date"]["format"] == "date"
    assert fields["closing_date"]["description"] == "When do you expect the deal to close?"
    assert fields["deal_name"]["title"] == "Deal name"
    assert "Required" not in str(fields)  # the model's wording never reaches the user


def test_no_form_for_line_items_or_a_record_to_look_up() -> None:
    assert form_for(asked("create_quote", '{"subject": "Q"}'), CATALOG["create_quote"]) is None
    note = asked("create_note", '{"title": "T", "content": "C"}')
    assert note.status == "needs_input" and form_for(note, CATALOG["create_note"]) is None
    rejected = asked("create_lead", '{"colour": "red"}')
    assert rejected.status == "rejected" and form_for(rejected, CATALOG["create_lead"]) is None


def test_answers_are_read_for_the_form_fields_only() -> None:
    form = form_for(asked("create_deal"), CATALOG["create_deal"])
    assert form is not None
    content = {"deal_name": "Big", "stage": "", "closing_date": "2026-12-01", "amount": 9}
    assert form.read("accept", content) == {"deal_name": "Big", "closing_date": "2026-12-01"}
    assert form.read("decline", content) is None
    assert form.read("accept", None) == {}


def test_a_confirmation_is_a_checkbox_that_must_be_ticked() -> None:
    conversation = Conversation()
    reply = reply_for(step(conversation, ToolCall("delete_lead", '{"id": "123"}')))
    form = form_for(reply, CATALOG["delete_lead"])
    assert form is not None and form.kind == "confirm" and form.summary
    assert form.schema["properties"]["confirmed"]["type"] == "boolean"
    assert form.read("accept", {"confirmed": True}) == {"confirmed": True}
    for no in ({"confirmed": False}, {"confirmed": "yes"}, {}):
        assert form.read("accept", no) is None
    declined = form.declined()
    assert declined.status == "needs_confirmation" and declined.is_error is False
    assert declined.structured["declined"] is True


def test_mcp_settings_are_read_from_lists() -> None:
    settings = Settings(
        mcp_allowed_hosts=" crm.example.com, ,api.example.com",
        mcp_state_keys=SecretStr(f"{'n' * 32}, {'o' * 33}"),
    )
    assert settings.allowed_hosts() == ["crm.example.com", "api.example.com"]
    assert settings.state_keys() == ["n" * 32, "o" * 33]
    assert Settings().state_keys() == [] and Settings().allowed_hosts() == []
    assert "n" * 32 not in repr(settings)
