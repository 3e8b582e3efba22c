"""The one reply boundary: every outcome of a tool call, rendered once for whoever shows it.

A tool call ends in one of the orchestrator's outcomes (needs input, needs confirmation, rejected,
repeated) or in Zoho's :class:`~zoho_tools.results.ActionResult`; a call that crashed ends in an
internal error. :func:`reply_for` turns any of them into a :class:`ToolReply`:

- ``status``: one vocabulary for all of them (:data:`ReplyStatus`);
- ``is_error``: whether the call failed (MCP's ``isError``, Vapi's ``error``): a rejection, a
  Zoho error, or a repeat of a write whose outcome is unknown. Asking the caller for a field or a
  confirmation is not an error: it is the next thing to do;
- ``structured``: the JSON object the model sees (MCP's ``structuredContent``);
- ``text``: that object as compact JSON, the tool-result text of every other channel.

Replies are short: strings are cut to :data:`MAX_STRING_CHARS` (a hostile 300,000-character value
never comes back whole) and record lists were already trimmed by the results module.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from zoho_tools.normalize import has_surrogate
from zoho_tools.orchestrator import (
    NeedsConfirmation,
    NeedsInput,
    NeedsLookup,
    Outcome,
    Ready,
    Rejected,
    Repeated,
)
from zoho_tools.paging import page_token
from zoho_tools.rendering import ActionRequest
from zoho_tools.results import OUTCOME_UNKNOWN, ActionResult
from zoho_tools.templates import CONFIRMED

ReplyStatus = Literal[
    "ok",  # Zoho did it (or found records)
    "empty",  # Zoho found nothing: an answer, not a failure
    "needs_input",  # ask the caller for the missing fields, then call again
    "needs_confirmation",  # read back, and call again with "confirmed": true
    "rejected",  # the call itself is wrong (or the action unavailable); nothing was sent
    "already_done",  # the same write ran earlier in this conversation; not sent again
    "error",  # Zoho, the network or this service failed
    "pending",  # still running when the answer was due; its outcome comes with a later reply
]

#: Code of the reply to a tool call that raised inside this service.
INTERNAL_ERROR = "INTERNAL_ERROR"
#: The longest string a reply carries; longer ones are cut with an ellipsis.
MAX_STRING_CHARS = 500


def reply_schema() -> dict[str, Any]:
    """The JSON Schema every reply's ``structured`` object satisfies (MCP's ``outputSchema``).

    Only what holds for every status is typed; the rest is described, so no reply can fail a
    client's validation of it."""
    text = {"type": "string"}
    return {
        "type": "object",
        "properties": {
            "status": {"type": "string", "enum": list(get_args(ReplyStatus))},
            "message": text,
            "hint": text,
            "instruction": {**text, "description": "What to do next."},
            "summary": {**text, "description": "What to read back before confirming."},
            "missing": {"type": "array", "items": text, "description": "Fields to ask for."},
            "data": {"description": "The records found, or what was written."},
        },
        "required": ["status"],
    }


@dataclass(frozen=True, slots=True)
class ToolReply:
    """What one tool call answers: see the module docstring."""

    action: str
    status: ReplyStatus
    is_error: bool
    structured: dict[str, Any]
    text: str

    @classmethod
    def of(cls, action: str, structured: dict[str, Any], *, is_error: bool) -> ToolReply:
        text = _dumps(structured)
        sendable = not has_surrogate(text)
        # Most replies are shorter than one string may be: then nothing needs cutting, and the
        # walk through every value is skipped.
        if len(text) > MAX_STRING_CHARS or not sendable:
            # A lone surrogate (a JSON escape such as \ud800 in a record): no server can send it.
            structured = _bounded(structured, clean=not sendable)
            text = _dumps(structured)
        return cls(action, structured["status"], is_error, structured, text)

    def to_dict(self) -> dict[str, Any]:
        """The reply as JSON-ready values (``text`` is derived, so left out)."""
        return {
            "action": self.action,
            "status": self.status,
            "is_error": self.is_error,
            "structured": self.structured,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ToolReply:
        """The inverse of :meth:`to_dict`: the same reply, the same text."""
        return cls.of(data["action"], data["structured"], is_error=bool(data["is_error"]))


def reply_for(outcome: Outcome | None, result: ActionResult | None = None) -> ToolReply:
    """The reply to a tool call: its orchestrator ``outcome`` and, for a :class:`Ready` one,
    Zoho's ``result``. ``outcome`` is None only for a call that crashed before it had one; then
    ``result`` says what happened."""
    if result is not None:
        return _from_result(result, outcome.request if isinstance(outcome, Ready) else None)
    match outcome:
        case NeedsInput():
            return ToolReply.of(outcome.action, _needs_input(outcome), is_error=False)
        case NeedsConfirmation():
            return ToolReply.of(outcome.action, _needs_confirmation(outcome), is_error=False)
        case Rejected():
            return ToolReply.of(outcome.action, _rejected(outcome), is_error=True)
        case Repeated():
            unknown = outcome.previous is not None and outcome.previous.code == OUTCOME_UNKNOWN
            return ToolReply.of(outcome.action, _repeated(outcome), is_error=unknown)
        case Ready():
            raise ValueError("a Ready outcome is answered by its result: pass result=")
        case NeedsLookup():
            raise ValueError("a NeedsLookup is resolved by the agent loop (zoho_tools.names)")
    raise ValueError("reply_for needs an outcome or a result")


def internal_error(action: str) -> ToolReply:
    """The reply to a call that raised inside this service (the details go to the log)."""
    return ToolReply.of(
        action,
        {
            "status": "error",
            "code": INTERNAL_ERROR,
            "message": "This tool call failed inside the Zoho connector.",
            "hint": "Do not repeat it now. Tell the caller a colleague will follow up.",
        },
        is_error=True,
    )


def declined(action: str, *, missing: Sequence[str] = (), summary: str | None = None) -> ToolReply:
    """The reply when the user turned down a form (an MCP elicitation) asking for the
    ``missing`` fields of ``action``, or for confirming its ``summary``: nothing was sent."""
    shown: dict[str, Any]
    if summary is not None:
        shown = {"status": "needs_confirmation", "summary": summary}
    else:
        shown = {"status": "needs_input", "missing": list(missing)}
    shown["declined"] = True
    shown["instruction"] = (
        f"The user declined this in the form, so {action} was not done. Do not call it again "
        "unless they ask for it."
    )
    return ToolReply.of(action, shown, is_error=False)


def standalone(reply: ToolReply) -> ToolReply:
    """``reply`` for a request that named no conversation, so that nothing is kept for the next
    call: asking for a field or a confirmation must say so (the usual instruction promises the
    values given so far are kept). Any other reply is returned as it is."""
    if reply.status == "needs_input":
        instruction = (
            "Ask the caller for this now; never guess or invent it. This server keeps nothing "
            f"between requests that carry no conversation id, so call {reply.action} again with "
            "every value, the earlier ones and the new."
        )
    elif reply.status == "needs_confirmation":
        instruction = (
            "This server cannot take a confirmation for a request that carries no conversation "
            "id; tell the caller it cannot be done here."
        )
    else:
        return reply
    return ToolReply.of(
        reply.action, {**reply.structured, "instruction": instruction}, is_error=False
    )


def still_running(action: str) -> ToolReply:
    """The reply to a call that was still running when its answer was due (a voice platform
    hangs up on a slow webhook). It keeps running; its outcome comes with a later reply."""
    return ToolReply.of(
        action,
        {
            "status": "pending",
            "message": "Zoho is still processing this.",
            "instruction": (
                "Tell the caller it is in progress; do not call it again now. Its outcome comes "
                "with the result of your next tool call."
            ),
        },
        is_error=False,
    )


def _from_result(result: ActionResult, request: ActionRequest | None) -> ToolReply:
    """``request``: what was sent, for the ``page_token`` of the next page, if any."""
    shown: dict[str, Any] = {"status": result.status}
    for key in ("code", "field", "message", "hint"):
        value = getattr(result, key)
        if value:
            shown[key] = value
    if result.count is not None:
        shown["count"] = result.count
    if result.more_records:
        shown["more_records"] = True
        shown_count = len(result.data) if isinstance(result.data, list) else 0
        token = None if request is None else page_token(request, shown_count)
        if token is not None:
            shown["page_token"] = token  # for next_page
    if result.data is not None:
        shown["data"] = result.data
    return ToolReply.of(result.action, shown, is_error=result.status == "error")


def _needs_input(outcome: NeedsInput) -> dict[str, Any]:
    askable = [m for m in outcome.missing if m.question]
    lookups = [m for m in outcome.missing if not m.question]
    shown: dict[str, Any] = {"status": "needs_input", "missing": [m.name for m in outcome.missing]}
    if askable:
        shown["ask"] = askable[0].question if len(askable) == 1 else [m.question for m in askable]
    if lookups:
        shown["look_up"] = {m.name: "find it with a search action first" for m in lookups}
    if outcome.choices:
        shown["choices"] = {
            name: [{"id": c.id, "name": c.name, **({"detail": c.detail} if c.detail else {})}
                   for c in options[:MAX_CHOICES_SHOWN]]
            for name, options in outcome.choices.items()
        }  # fmt: skip
        shown["instruction"] = (
            "Ask the caller which one they mean; never pick one yourself. Then call "
            f"{outcome.action} again with the chosen record's id as {', '.join(outcome.choices)}, "
            "or with a fuller name: what was already given is kept."
        )
        return shown
    shown["instruction"] = (
        "Ask the caller for this now; never guess or invent it. Then call "
        f"{outcome.action} again with the new value(s) only: what was already given is kept."
    )
    return shown


#: Records of a name with several matches that a reply lists (the question reads out fewer).
MAX_CHOICES_SHOWN = 5


def _needs_confirmation(outcome: NeedsConfirmation) -> dict[str, Any]:
    return {
        "status": "needs_confirmation",
        "summary": outcome.summary,
        "instruction": (
            "Read this back to the caller and ask them to confirm. Only if they clearly say "
            f'yes, call {outcome.action} again with the same arguments and "{CONFIRMED}": true.'
        ),
    }


def _rejected(outcome: Rejected) -> dict[str, Any]:
    instruction = (
        "Do not call it again; tell the caller what you can do instead."
        if outcome.unavailable
        else "Fix these and call again; correct values you sent are kept."
    )
    return {
        "status": "rejected",
        "problems": [str(p) for p in outcome.problems],
        "instruction": instruction,
    }


def _repeated(outcome: Repeated) -> dict[str, Any]:
    if outcome.previous is None:
        return {
            "status": "already_done",
            "message": f"Sent once: this exact {outcome.action} appears twice in this turn.",
        }
    shown = _from_result(outcome.previous, None).structured
    if outcome.previous.code == OUTCOME_UNKNOWN:
        shown["message"] = (
            f"Not sent again: this exact {outcome.action} may already have been done. Search "
            "for the record first; if it is not there, the search re-enables this call."
        )
    else:
        shown["message"] = f"Already done earlier in this call: this exact {outcome.action} ran."
    shown["status"] = "already_done"
    return shown


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _bounded(value: Any, *, clean: bool = False) -> Any:
    """``value`` with every string cut to :data:`MAX_STRING_CHARS`, and with lone surrogates
    replaced when ``clean``. Records are JSON-shaped and shallow (trimmed by the results module),
    so the recursion is bounded by their own depth."""
    if isinstance(value, str):
        if len(value) > MAX_STRING_CHARS:
            value = f"{value[:MAX_STRING_CHARS]}…"
        return value.encode("utf-8", "replace").decode() if clean else value
    if isinstance(value, Mapping):
        return {
            _bounded(str(key), clean=clean): _bounded(v, clean=clean) for key, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_bounded(item, clean=clean) for item in value]
    return value
