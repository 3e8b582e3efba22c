"""Between the model and Zoho: validation, slot filling, confirmation and chaining per conversation.

:func:`step` is pure and does no I/O. For each tool call of the model it returns one outcome:

- :class:`NeedsInput`: mandatory fields are still missing; the tool result tells the model which
  question to ask the caller, and not to guess. What was given so far is kept for that action, so
  the model only sends the new values next time.
- :class:`NeedsConfirmation`: the action destroys something; the model must read the summary back
  to the caller and repeat the same call with ``"confirmed": true``.
- :class:`Rejected`: unknown or disabled action, malformed JSON, unknown fields, wrong types or
  formats; each problem says how to fix it. Valid values given in the same call are kept.
- :class:`Repeated`: the very same write already ran in this conversation (models repeat calls);
  the earlier result is returned instead of writing twice.
- :class:`Ready`: an :class:`~zoho_tools.executor.ActionRequest` with defaults applied and values in
  Zoho's formats, for the executor. Report its result back with :meth:`Conversation.record`.

The :class:`Conversation` holds the call variables, the AI employee (which actions it may use, and
its defaults), each action's latest result for ``{{action.field}}`` chaining, and the guards.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from zoho_tools.arguments import Problem, parse_arguments, prepare
from zoho_tools.catalog import CATALOG, Catalog
from zoho_tools.normalize import Locale
from zoho_tools.rendering import ActionRequest
from zoho_tools.results import OUTCOME_UNKNOWN, ActionResult, display_name
from zoho_tools.templates import CONFIRMED, ActionTemplate, Param
from zoho_tools.variables import MissingVariable, VariableScope, resolve_in_scope


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A tool call from the model: ``arguments`` as sent (a JSON string or an object)."""

    name: str
    arguments: Any = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Employee:
    """An AI employee's configuration: the actions it may use (``None``: every one), per-action
    default values, and call variables it always has (e.g. ``service_id`` for appointments)."""

    name: str = "AI agent"
    actions: frozenset[str] | None = None
    defaults: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    variables: Mapping[str, Any] = field(default_factory=dict)


# --- outcomes ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MissingField:
    name: str
    question: str


@dataclass(frozen=True, slots=True)
class NeedsInput:
    action: str
    missing: tuple[MissingField, ...]
    collected: Mapping[str, Any]

    def to_model(self) -> dict[str, Any]:
        askable = [m for m in self.missing if m.question]
        lookups = [m for m in self.missing if not m.question]
        shown: dict[str, Any] = {"status": "needs_input", "missing": [m.name for m in self.missing]}
        if askable:
            shown["ask"] = (
                askable[0].question if len(askable) == 1 else [m.question for m in askable]
            )
        if lookups:
            shown["look_up"] = {m.name: "find it with a search action first" for m in lookups}
        shown["instruction"] = (
            "Ask the caller for this now; never guess or invent it. Then call "
            f"{self.action} again with the new value(s) only: what was already given is kept."
        )
        return shown


@dataclass(frozen=True, slots=True)
class NeedsConfirmation:
    action: str
    summary: str
    arguments: Mapping[str, Any]

    def to_model(self) -> dict[str, Any]:
        return {
            "status": "needs_confirmation",
            "summary": self.summary,
            "instruction": (
                "Read this back to the caller and ask them to confirm. Only if they clearly say "
                f'yes, call {self.action} again with the same arguments and "{CONFIRMED}": true.'
            ),
        }


@dataclass(frozen=True, slots=True)
class Rejected:
    """A call that cannot go ahead. ``unavailable`` when the action itself is unknown or not
    enabled: then there is nothing to fix, only something else to do."""

    action: str
    problems: tuple[Problem, ...]
    unavailable: bool = False

    def to_model(self) -> dict[str, Any]:
        instruction = (
            "Do not call it again; tell the caller what you can do instead."
            if self.unavailable
            else "Fix these and call again; correct values you sent are kept."
        )
        return {
            "status": "rejected",
            "problems": [str(p) for p in self.problems],
            "instruction": instruction,
        }


@dataclass(frozen=True, slots=True)
class Repeated:
    """The same write again. ``previous`` is its earlier result, or None while the first one is
    still being sent (the model asked for it twice in one turn)."""

    action: str
    previous: ActionResult | None

    def to_model(self) -> dict[str, Any]:
        if self.previous is None:
            return {
                "status": "already_done",
                "message": f"Sent once: this exact {self.action} appears twice in this turn.",
            }
        shown = self.previous.to_model()
        if self.previous.code == OUTCOME_UNKNOWN:
            shown["message"] = (
                f"Not sent again: this exact {self.action} may already have been done. "
                "Search for the record first; if it is not there, the search re-enables this call."
            )
        else:
            shown["message"] = f"Already done earlier in this call: this exact {self.action} ran."
        shown["status"] = "already_done"
        return shown


@dataclass(frozen=True, slots=True)
class Ready:
    request: ActionRequest
    fingerprint: str

    @property
    def action(self) -> str:
        return self.request.template.name


Outcome = NeedsInput | NeedsConfirmation | Rejected | Repeated | Ready


def outcome_text(outcome: NeedsInput | NeedsConfirmation | Rejected | Repeated) -> str:
    """The tool-result text for an outcome that does not go to Zoho."""
    return json.dumps(outcome.to_model(), ensure_ascii=False, separators=(",", ":"))


# --- the conversation ----------------------------------------------------------------------------


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Conversation:
    """The state of one call or chat. Not thread-safe: one conversation, one agent loop."""

    def __init__(
        self,
        *,
        catalog: Catalog = CATALOG,
        employee: Employee | None = None,
        variables: Mapping[str, Any] | None = None,
        locale: Locale | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.employee = employee or Employee()
        self.locale = locale or Locale()
        self.clock = clock
        self.variables: dict[str, Any] = {**self.employee.variables, **(variables or {})}
        self.started_at = clock()
        self.tools = _enabled(catalog, self.employee)
        self._catalog = catalog
        self.results: dict[str, ActionResult] = {}
        self.pending: dict[str, dict[str, Any]] = {}
        self._confirmable: dict[str, str] = {}
        self._writes: dict[str, ActionResult] = {}
        # Writes handed out as Ready and not recorded yet: the same write twice in one model
        # turn (parallel tool calls) must not be sent twice either.
        self._sending: set[str] = set()

    def reset(self) -> None:
        """Forget results, collected values and guards; keep variables and the employee."""
        self.results.clear()
        self.pending.clear()
        self._confirmable.clear()
        self._writes.clear()
        self._sending.clear()
        self.started_at = self.clock()

    def call_variables(self) -> dict[str, Any]:
        """The call variables, plus the ones the runtime derives (call start, duration, now)."""
        now = self.clock()
        elapsed = max(1, int((now - self.started_at).total_seconds()))
        derived = {
            "call_started_at": self.started_at.astimezone(self.locale.zone).isoformat(
                "T", "seconds"
            ),
            "call_duration": f"{elapsed // 60:02d}:{elapsed % 60:02d}",
            "now": now.astimezone(self.locale.zone).isoformat("T", "seconds"),
            "today": now.astimezone(self.locale.zone).date().isoformat(),
        }
        return {**derived, **self.variables}

    def scope(self) -> VariableScope:
        results = {name: result.chain_value() for name, result in self.results.items()}
        return VariableScope(call=self.call_variables(), results=results)

    def record(self, ready: Ready, result: ActionResult) -> None:
        """Keep the result of an executed action: for chaining, and for the write guards.
        Every :class:`Ready` must be reported here, sent or not."""
        template = ready.request.template
        self._sending.discard(ready.fingerprint)
        if result.ok or result.status == "empty":
            self.results[template.name] = result
        if template.read_only and result.ok:
            self._forget_unknown_writes(template.module)
        if not template.read_only and (result.ok or result.code == OUTCOME_UNKNOWN):
            self._writes[ready.fingerprint] = result
        self._confirmable.pop(template.name, None)

    def _forget_unknown_writes(self, module: str | None) -> None:
        """A successful read of a module is the check an unknown-outcome write asked for."""
        for fingerprint, result in list(self._writes.items()):
            written = self._catalog.get(result.action)
            if result.code == OUTCOME_UNKNOWN and written is not None and written.module == module:
                del self._writes[fingerprint]

    def record_name(self, record_id: str) -> str | None:
        """A readable name for a record id seen in an earlier result (for read-backs)."""
        for result in self.results.values():
            records = result.records if isinstance(result.records, list) else [result.records]
            for record in records:
                if isinstance(record, Mapping) and record.get("id") == record_id:
                    return display_name(record) or None
        return None


def _enabled(catalog: Catalog, employee: Employee) -> Catalog:
    if employee.actions is None:
        return catalog
    unknown = employee.actions - set(catalog)
    if unknown:
        raise ValueError(f"the employee enables unknown actions: {', '.join(sorted(unknown))}")
    return catalog.select(names=sorted(employee.actions))


# --- the step ------------------------------------------------------------------------------------


def step(conversation: Conversation, call: ToolCall) -> Outcome:
    """Decide what to do with one tool call. Changes only the conversation's bookkeeping
    (collected values, confirmations asked for, writes handed out); never does I/O."""
    template = conversation.tools.get(call.name)
    if template is None:
        return Rejected(call.name, (_unknown_action(conversation, call.name),), unavailable=True)
    given, problem = parse_arguments(call.arguments)
    if problem:
        return Rejected(call.name, (problem,))
    confirmed = given.pop(CONFIRMED, None) is True
    scope = conversation.scope()
    # References are resolved now: kept for a later turn, {{search_contact.id}} must still name
    # the record it named when it was said, not whatever the latest search found.
    merged = {**conversation.pending.get(call.name, {}), **_resolved(given, scope)}
    prepared = prepare(
        template,
        merged,
        scope=scope,
        locale=conversation.locale,
        defaults=conversation.employee.defaults.get(call.name),
    )
    if prepared.problems:
        bad = {p.param for p in prepared.problems}
        conversation.pending[call.name] = {k: v for k, v in merged.items() if k not in bad}
        return Rejected(call.name, prepared.problems)
    if prepared.missing:
        conversation.pending[call.name] = merged
        return NeedsInput(
            call.name, tuple(_missing(p) for p in prepared.missing), prepared.arguments
        )
    fingerprint = _fingerprint(template, prepared.arguments)
    if template.confirm and not (
        confirmed and conversation._confirmable.get(call.name) == fingerprint
    ):
        conversation._confirmable[call.name] = fingerprint
        conversation.pending[call.name] = merged
        summary = _summary(conversation, template, prepared.arguments)
        return NeedsConfirmation(call.name, summary, prepared.arguments)
    conversation.pending.pop(call.name, None)
    if not template.read_only:
        if fingerprint in conversation._writes:
            return Repeated(call.name, conversation._writes[fingerprint])
        if fingerprint in conversation._sending:
            return Repeated(call.name, None)
        conversation._sending.add(fingerprint)
    return Ready(ActionRequest(template, prepared.arguments, scope), fingerprint)


def _unknown_action(conversation: Conversation, name: str) -> Problem:
    if name in conversation._catalog:
        return Problem(None, f"{name} is not enabled for this agent; do not offer it to the caller")
    import difflib  # only on this error path: it is slow to import

    close = difflib.get_close_matches(name, list(conversation.tools), n=3)
    suggestion = f" Did you mean: {', '.join(close)}?" if close else ""
    return Problem(None, f"there is no action {name!r}.{suggestion}")


def _resolved(values: Mapping[str, Any], scope: VariableScope) -> dict[str, Any]:
    """The non-null values, with their ``{{references}}`` resolved where they can be (what
    cannot is left for :func:`prepare` to report)."""
    resolved = {}
    for key, value in values.items():
        if value is None:
            continue
        try:
            resolved[key] = resolve_in_scope(value, scope)
        except MissingVariable:
            resolved[key] = value
    return resolved


def _missing(param: Param) -> MissingField:
    return MissingField(param.name, param.ask or "")


def _fingerprint(template: ActionTemplate, arguments: Mapping[str, Any]) -> str:
    return f"{template.name}:{json.dumps(arguments, sort_keys=True, default=str)}"


def _summary(
    conversation: Conversation, template: ActionTemplate, arguments: Mapping[str, Any]
) -> str:
    parts = []
    for name, value in arguments.items():
        label = f"{name}={value}"
        if name == "id" or name.endswith("_id"):
            known = conversation.record_name(str(value))
            if known:
                label = f"{name}={value} ({known})"
        parts.append(label)
    return f"{template.title}: {', '.join(parts)}" if parts else template.title
