"""Forms that ask the user directly (MCP elicitation) for what a tool call still needs.

A reply that needs input or confirmation can become a form when the client can show one:
:func:`form_for` builds it from the reply and the action's declaration, and :meth:`Form.read`
turns the user's answers into arguments for the next attempt. A form is flat and holds only
primitives, as MCP's form elicitation requires; a missing field the user cannot type in (a record
id to look up, a list of line items) means no form, and the reply's text asks the model instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from zoho_tools.replies import ToolReply, declined
from zoho_tools.schemas import param_schema
from zoho_tools.templates import CONFIRMED, ActionTemplate, Param

FormKind = Literal["input", "confirm"]

# What MCP's form elicitation allows in a field's schema.
_FIELD_KEYWORDS = frozenset(
    {"type", "format", "enum", "minimum", "maximum", "minLength", "maxLength", "default"}
)
_FIELD_FORMATS = frozenset({"email", "uri", "date", "date-time"})


@dataclass(frozen=True, slots=True)
class Form:
    """A form for one tool call: the ``message`` and flat JSON ``schema`` shown to the user, the
    ``fields`` it asks for, and for a confirmation the ``summary`` being confirmed."""

    action: str
    kind: FormKind
    message: str
    schema: dict[str, Any]
    fields: tuple[str, ...]
    summary: str | None = None

    def read(self, action: str, content: Any) -> dict[str, Any] | None:
        """What the user's answer (``action`` and ``content`` of an elicitation result) gives:
        this form's fields that were filled in, ``{"confirmed": True}`` for a confirmation, or
        ``None`` when the user said no (declined, cancelled, did not tick the box)."""
        if action != "accept":
            return None
        content = content if isinstance(content, Mapping) else {}
        if self.kind == "confirm":
            return {CONFIRMED: True} if content.get(CONFIRMED) is True else None
        return {name: content[name] for name in self.fields if content.get(name) not in (None, "")}

    def declined(self) -> ToolReply:
        """The reply when the user turned this form down."""
        return declined(self.action, missing=self.fields, summary=self.summary)


def form_for(reply: ToolReply, template: ActionTemplate | None) -> Form | None:
    """The form asking for what ``reply`` needs, or ``None`` when it needs nothing a user can
    fill in (see the module docstring)."""
    if template is None:
        return None
    if reply.status == "needs_confirmation":
        summary = str(reply.structured.get("summary") or template.title)
        return Form(
            action=template.name,
            kind="confirm",
            message=f"Please confirm: {summary}",
            schema={
                "type": "object",
                "properties": {
                    CONFIRMED: {"type": "boolean", "title": "Confirm", "description": summary}
                },
                "required": [CONFIRMED],
            },
            fields=(CONFIRMED,),
            summary=summary,
        )
    if reply.status != "needs_input":
        return None
    names = reply.structured.get("missing")
    if not isinstance(names, list) or not names:
        return None
    params = [template.param(str(name)) for name in names]
    askable = [p for p in params if p is not None and p.ask and p.type != "items"]
    if len(askable) != len(names):
        return None
    questions = " ".join(p.ask for p in askable if p.ask)
    return Form(
        action=template.name,
        kind="input",
        message=f"{template.title}: {questions}",
        schema={
            "type": "object",
            "properties": {p.name: _field(p) for p in askable},
            "required": [p.name for p in askable],
        },
        fields=tuple(p.name for p in askable),
    )


def _field(param: Param) -> dict[str, Any]:
    """A form field for ``param``: its argument schema cut down to what forms allow, titled
    for a person and described by the question a caller would be asked."""
    schema = {k: v for k, v in param_schema(param).items() if k in _FIELD_KEYWORDS}
    if schema.get("format") not in _FIELD_FORMATS:
        schema.pop("format", None)
    schema["title"] = param.name.replace("_", " ").capitalize()
    if param.ask:
        schema["description"] = param.ask
    return schema
