"""Between the model and Zoho: validation, slot filling, confirmation and chaining per conversation.

:func:`step` is pure and does no I/O. For each tool call of the model it returns one outcome:

- :class:`NeedsInput`: mandatory fields are still missing; the tool result tells the model which
  question to ask the caller, and not to guess. What was given so far is kept for that action, so
  the model only sends the new values next time.
- :class:`NeedsLookup`: the call names a record (``account: "Acme"``) instead of giving its id; the
  agent loop searches Zoho for the names (:mod:`zoho_tools.names`), records what it found with
  :meth:`Conversation.found_names` and steps the same call again. One match fills the id; several
  become a :class:`NeedsInput` whose question lists the choices; none is a :class:`Rejected` that
  says so. Nothing of the call is lost meanwhile.
- :class:`NeedsConfirmation`: the action destroys something; the model must read the summary back
  to the caller and repeat the same call with ``"confirmed": true``.
- :class:`Rejected`: unknown or disabled action, malformed JSON, unknown fields, wrong types or
  formats; each problem says how to fix it. Valid values given in the same call are kept.
- :class:`Repeated`: the very same write already ran in this conversation (models repeat calls);
  the earlier result is returned instead of writing twice.
- :class:`Ready`: an :class:`~zoho_tools.rendering.ActionRequest` with defaults applied and values
  in Zoho's formats, for the executor. Send it inside :meth:`Conversation.sending`, which records
  the result and releases the write guard whatever happens to the request.

:func:`zoho_tools.replies.reply_for` renders every outcome (and Zoho's result) for the model.

The :class:`Conversation` holds the call variables, the AI employee (which actions it may use, and
its defaults), each action's latest result for ``{{action.field}}`` chaining, and the guards.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from zoho_tools.arguments import Problem, parse_arguments, prepare
from zoho_tools.catalog import CATALOG, Catalog
from zoho_tools.normalize import Locale, brief, brief_name, is_blank
from zoho_tools.paging import NEXT_PAGE, BadPageToken, page_size, read_token
from zoho_tools.rendering import ActionRequest
from zoho_tools.results import OUTCOME_UNKNOWN, ActionResult, display_name, error_result
from zoho_tools.templates import CONFIRMED, ActionTemplate, Param
from zoho_tools.variables import MissingVariable, VariableScope, resolve_in_scope
from zoho_tools.zoho import is_record_id


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
class Choice:
    """One record a name could mean: its id, its name and a detail that tells it apart."""

    id: str
    name: str
    detail: str = ""

    def spoken(self) -> str:
        return f"{self.name} ({self.detail})" if self.detail else self.name


@dataclass(frozen=True, slots=True)
class NeedsInput:
    action: str
    missing: tuple[MissingField, ...]
    collected: Mapping[str, Any]
    #: For a name that matched several records: the parameter to send the chosen one's id in ->
    #: the records the name could mean.
    choices: Mapping[str, tuple[Choice, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NameLookup:
    """A name to find before the call can go on: ``name`` in ``module`` (or ``"users"``)."""

    param: str
    module: str
    name: str

    @property
    def key(self) -> tuple[str, str]:
        return name_key(self.module, self.name)


@dataclass(frozen=True, slots=True)
class NeedsLookup:
    """Names to look up in Zoho (I/O the loop does) before stepping the call again."""

    action: str
    lookups: tuple[NameLookup, ...]


@dataclass(frozen=True, slots=True)
class NeedsConfirmation:
    action: str
    summary: str
    arguments: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Rejected:
    """A call that cannot go ahead. ``unavailable`` when the action itself is unknown or not
    enabled: then there is nothing to fix, only something else to do."""

    action: str
    problems: tuple[Problem, ...]
    unavailable: bool = False


@dataclass(frozen=True, slots=True)
class Repeated:
    """The same write again. ``previous`` is its earlier result, or None while the first one is
    still being sent (the model asked for it twice in one turn)."""

    action: str
    previous: ActionResult | None


@dataclass(frozen=True, slots=True)
class Ready:
    """A request to send. Send it inside :meth:`Conversation.sending`, which records the result
    and releases the write guard whatever happens to the request."""

    request: ActionRequest
    #: The write's identity for the guards (None for reads, which are never guarded).
    fingerprint: str | None

    @property
    def action(self) -> str:
        return self.request.template.name


Outcome = NeedsInput | NeedsLookup | NeedsConfirmation | Rejected | Repeated | Ready


def name_key(module: str, name: str) -> tuple[str, str]:
    """How a looked-up name is remembered: by module, ignoring case and spacing."""
    return module, " ".join(name.casefold().split())


# --- the conversation ----------------------------------------------------------------------------


#: Marks a conversation's stored state (a change of its shape changes this).
_STATE_FORMAT = "zoho-tools/conversation/1"


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
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.employee = employee or Employee()
        self.locale = locale or Locale()
        #: The current time, as an aware datetime (a clock elsewhere in zoho-tools is a number
        #: of seconds: epoch time for tokens and signatures, monotonic time for timeouts).
        self.now = now
        self.variables: dict[str, Any] = {**self.employee.variables, **(variables or {})}
        self.started_at = now()
        self.tools = _enabled(catalog, self.employee)
        self._catalog = catalog
        #: Each action's latest result that found or did something (ok or empty).
        self.results: dict[str, ActionResult] = {}
        #: What ``{{action.field}}`` resolves against, kept beside ``results``, not rebuilt.
        self._chain: dict[str, Any] = {}
        self.pending: dict[str, dict[str, Any]] = {}
        self._confirmable: dict[str, str] = {}
        #: Writes that ran (or may have), by fingerprint: the same write is not sent twice.
        self._writes: dict[str, ActionResult] = {}
        #: Fingerprints of writes whose outcome is unknown, by module: a read of that module is
        #: the check they ask for, and releases them.
        self._unknown: dict[str | None, set[str]] = {}
        # Writes handed out as Ready and not settled yet: the same write twice in one model
        # turn (parallel tool calls) must not be sent twice either.
        self._sending: set[str] = set()
        #: Names looked up in Zoho (by :func:`name_key`): the records each could mean.
        self._names: dict[tuple[str, str], tuple[Choice, ...]] = {}

    def declared(self, name: str) -> ActionTemplate | None:
        """The action ``name`` as the catalog declares it (before :meth:`tailor`)."""
        return self._catalog.get(name) if name in self.tools else None

    def tailor(self, templates: Iterable[ActionTemplate]) -> None:
        """Use these versions of enabled actions from now on: the connected org's own picklist
        values and mandatory fields (:mod:`zoho_tools.org`). Unknown names are ignored."""
        changed = {t.name: t for t in templates if self.tools.get(t.name) is not t}
        changed = {name: t for name, t in changed.items() if name in self.tools}
        if changed:
            self.tools = Catalog(changed.get(a.name, a) for a in self.tools.values())

    def found_names(self, found: Mapping[tuple[str, str], Sequence[Choice]]) -> None:
        """Record what a lookup of names found (by :attr:`NameLookup.key`); the next step of
        the call uses it."""
        self._names.update((key, tuple(choices)) for key, choices in found.items())

    def reset(self) -> None:
        """Forget results, collected values and guards; keep variables and the employee."""
        self.results.clear()
        self._chain.clear()
        self.pending.clear()
        self._confirmable.clear()
        self._writes.clear()
        self._unknown.clear()
        self._sending.clear()
        self._names.clear()
        self.started_at = self.now()

    # -- kept between requests ------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """This conversation's state as JSON-ready values: call variables, results, collected
        values and guards. Its catalog, employee, locale and ``now`` are configuration, not state:
        whoever restores it (:meth:`from_dict`) supplies them.

        Raises:
            TypeError (from :meth:`to_json`): a variable or value that JSON cannot hold.
        """
        return {
            "format": _STATE_FORMAT,
            "variables": self.variables,
            "started_at": self.started_at.isoformat(),
            "results": {name: result.to_dict() for name, result in self.results.items()},
            "pending": self.pending,
            "confirmable": self._confirmable,
            "writes": {fp: result.to_dict() for fp, result in self._writes.items()},
            # A list of pairs: a module may be None, which is no JSON object key.
            "unknown": [[module, sorted(fps)] for module, fps in self._unknown.items()],
            "sending": sorted(self._sending),
        }

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        catalog: Catalog = CATALOG,
        employee: Employee | None = None,
        locale: Locale | None = None,
        now: Callable[[], datetime] = _utc_now,
    ) -> Conversation:
        """The conversation :meth:`to_dict` described, with this configuration.

        Raises:
            ValueError: ``data`` is not a conversation's state.
        """
        conversation = cls(catalog=catalog, employee=employee, locale=locale, now=now)
        conversation.restore(data)
        return conversation

    def restore(self, data: Mapping[str, Any]) -> None:
        """Replace this conversation's state with the one :meth:`to_dict` described (its
        configuration stays).

        Raises:
            ValueError: ``data`` is not a conversation's state.
        """
        if data.get("format") != _STATE_FORMAT:
            raise ValueError("not a zoho-tools conversation state")
        self.variables = dict(data["variables"])
        self.started_at = datetime.fromisoformat(data["started_at"])
        self.results = {k: ActionResult.from_dict(v) for k, v in data["results"].items()}
        # Derived, so not stored: what {{name...}} resolves against.
        self._chain = {name: result.chain_value() for name, result in self.results.items()}
        self.pending = {name: dict(values) for name, values in data["pending"].items()}
        self._confirmable = dict(data["confirmable"])
        self._writes = {fp: ActionResult.from_dict(v) for fp, v in data["writes"].items()}
        self._unknown = {module: set(fps) for module, fps in data["unknown"]}
        self._sending = set(data["sending"])

    def to_json(self) -> str:
        """:meth:`to_dict` as compact JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes, **config: Any) -> Conversation:
        """:meth:`from_dict` of JSON text; ``config`` as there (catalog, employee, locale,
        now)."""
        return cls.from_dict(json.loads(text), **config)

    def call_variables(self) -> dict[str, Any]:
        """The call variables, plus the ones the runtime derives (call start, duration, now)."""
        return dict(_CallVariables(self))

    def scope(self) -> VariableScope:
        """What ``{{...}}`` refers to now: the call variables (the derived ones computed only if
        used) and a snapshot of the latest results."""
        return VariableScope(call=_CallVariables(self), results=dict(self._chain))

    @contextmanager
    def sending(self, ready: Ready) -> Iterator[Settle]:
        """Send ``ready`` inside this block and settle it with its result::

            with conversation.sending(ready) as settle:
                result = settle(await executor.execute(ready.request))

        Leaving the block settles the call whatever happened: a write that was interrupted
        (an exception, a cancelled turn, a timeout) before it was settled may have reached Zoho,
        so it is recorded as :data:`~zoho_tools.results.OUTCOME_UNKNOWN` (not sent again until a
        search checks for it); an interrupted read is simply released.
        """
        settled: list[ActionResult] = []

        def settle(result: ActionResult) -> ActionResult:
            settled.append(result)
            return result

        try:
            yield settle
        finally:
            if settled:
                self.record(ready, settled[0])
            else:
                self._interrupted(ready)

    def record(self, ready: Ready, result: ActionResult) -> None:
        """Keep the result of an executed action: for chaining, and for the write guards.
        :meth:`sending` calls this; call it directly only for a :class:`Ready` you settle
        yourself."""
        template = ready.request.template
        if ready.fingerprint is not None:
            self._sending.discard(ready.fingerprint)
        if result.ok and not template.read_only:
            # A write may create or rename what a name meant: look names up afresh.
            for key in [key for key in self._names if key[0] == template.module]:
                del self._names[key]
        if result.ok or result.status == "empty":
            self.results[template.name] = result
            self._chain[template.name] = result.chain_value()
            if template.read_only:
                # A read of the module (found or not) is the check an unknown write asked for.
                for fingerprint in self._unknown.pop(template.module, ()):
                    self._writes.pop(fingerprint, None)
        if ready.fingerprint is not None and (result.ok or result.code == OUTCOME_UNKNOWN):
            self._writes[ready.fingerprint] = result
            if result.code == OUTCOME_UNKNOWN:
                self._unknown.setdefault(template.module, set()).add(ready.fingerprint)
        self._confirmable.pop(template.name, None)

    def release(self, ready: Ready) -> None:
        """Give up ``ready`` without sending it (its turn was cancelled before it was sent):
        the same write may be handed out again."""
        if ready.fingerprint is not None:
            self._sending.discard(ready.fingerprint)

    def _interrupted(self, ready: Ready) -> None:
        if ready.fingerprint is None:
            return
        self.record(
            ready,
            error_result(
                ready.action,
                OUTCOME_UNKNOWN,
                "the request was interrupted; Zoho may or may not have done it",
            ),
        )

    def record_name(self, record_id: str) -> str | None:
        """A readable name for a record id seen in an earlier result (for read-backs): the
        record's own name, by the module of the action that found it."""
        for action, result in self.results.items():
            template = self.tools.get(action) or self._catalog.get(action)
            module = template.module if template is not None else None
            records = result.records if isinstance(result.records, list) else [result.records]
            for record in records:
                if isinstance(record, Mapping) and record.get("id") == record_id:
                    return display_name(record, module) or None
        return None


#: Settles a :class:`Ready` with its result (see :meth:`Conversation.sending`).
Settle = Callable[[ActionResult], ActionResult]

_DERIVED_VARIABLES = frozenset({"call_started_at", "call_duration", "now", "today"})


class _CallVariables(Mapping[str, Any]):
    """A conversation's call variables; the derived ones (the call's start and duration, now,
    today) are computed on first use, since most requests use none of them."""

    __slots__ = ("_conversation", "_derived")

    def __init__(self, conversation: Conversation) -> None:
        self._conversation = conversation
        self._derived: dict[str, str] | None = None

    def __getitem__(self, key: str) -> Any:
        variables = self._conversation.variables
        if key in variables:
            return variables[key]
        if key in _DERIVED_VARIABLES:
            return self._derive()[key]
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(_DERIVED_VARIABLES | set(self._conversation.variables))

    def __len__(self) -> int:
        return len(_DERIVED_VARIABLES | set(self._conversation.variables))

    def _derive(self) -> dict[str, str]:
        if self._derived is None:
            conversation = self._conversation
            zone = conversation.locale.zone
            now = conversation.now()
            elapsed = max(1, int((now - conversation.started_at).total_seconds()))
            self._derived = {
                "call_started_at": conversation.started_at.astimezone(zone).isoformat(
                    "T", "seconds"
                ),
                "call_duration": f"{elapsed // 60:02d}:{elapsed % 60:02d}",
                "now": now.astimezone(zone).isoformat("T", "seconds"),
                "today": now.astimezone(zone).date().isoformat(),
            }
        return self._derived


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
    if not isinstance(call.name, str):
        return Rejected("?", (Problem(None, "the tool name must be text"),), unavailable=True)
    template = conversation.tools.get(call.name)
    if template is None:
        return Rejected(
            brief_name(call.name),
            (_unknown_action(conversation, call.name),),
            unavailable=True,
        )
    given, problems = parse_arguments(call.arguments)
    if any(p.param is None for p in problems):
        return Rejected(call.name, problems)
    confirmed = given.pop(CONFIRMED, None) is True
    scope = conversation.scope()
    if template.name == NEXT_PAGE and not template.custom:
        return _next_page(conversation, given, scope)
    # References are resolved now, once: kept for a later turn, {{search_contact.id}} must still
    # name the record it named when it was said, and a value that came from a variable or a
    # record is never rendered again.
    resolved, unresolved = _resolved(given, scope)
    kept = conversation.pending.get(call.name, {})
    # A blank value is "not known": it never replaces a value collected earlier.
    merged = {**kept, **{k: v for k, v in resolved.items() if not (is_blank(v) and k in kept)}}
    lookups, named, choices, unknown_names = _named(conversation, template, merged)
    if lookups:
        conversation.pending[call.name] = _collected(template, merged)
        return NeedsLookup(call.name, lookups)
    prepared = prepare(
        template,
        named,
        scope=scope,
        locale=conversation.locale,
        defaults=conversation.employee.defaults.get(call.name),
        checked=True,
    )
    problems = (*problems, *unresolved, *unknown_names, *prepared.problems)
    if problems:
        conversation.pending[call.name] = _collected(template, named, {p.param for p in problems})
        return Rejected(call.name, problems)
    # An id whose name matched several records is asked for as that choice, not looked up.
    missing = [_missing(p) for p in prepared.missing if p.name not in choices]
    missing += [_choose(name, options) for name, options in choices.items()]
    if missing:
        conversation.pending[call.name] = _collected(template, merged)
        return NeedsInput(call.name, tuple(missing), prepared.arguments, choices)
    request = ActionRequest(template, prepared.arguments, scope)
    if template.read_only and not template.confirm:  # the usual read: nothing to guard
        conversation.pending.pop(call.name, None)
        return Ready(request, None)
    fingerprint = _fingerprint(template, prepared.arguments)
    if template.confirm and not (
        confirmed and conversation._confirmable.get(call.name) == fingerprint
    ):
        conversation._confirmable[call.name] = fingerprint
        conversation.pending[call.name] = _collected(template, merged)
        summary = _summary(conversation, template, prepared.arguments)
        return NeedsConfirmation(call.name, summary, prepared.arguments)
    conversation.pending.pop(call.name, None)
    if template.read_only:
        return Ready(request, None)
    if fingerprint in conversation._writes:
        return Repeated(call.name, conversation._writes[fingerprint])
    if fingerprint in conversation._sending:
        return Repeated(call.name, None)
    conversation._sending.add(fingerprint)
    return Ready(request, fingerprint)


def _next_page(
    conversation: Conversation, given: Mapping[str, Any], scope: VariableScope
) -> Outcome:
    """A ``next_page`` call: the search (or list) its token continues, checked as that action
    is, for the token's page (see :mod:`zoho_tools.paging`)."""
    try:
        wanted = read_token(given.get("page_token"))
    except BadPageToken as exc:
        hint = f"{exc}; search again instead"
        return Rejected(NEXT_PAGE, (Problem("page_token", hint),))
    template = conversation.tools.get(wanted.action)
    if template is None or page_size(template) is None:
        problem = Problem("page_token", f"continues {brief_name(wanted.action)}, not enabled here")
        return Rejected(NEXT_PAGE, (problem,), unavailable=True)
    prepared = prepare(
        template, wanted.arguments, scope=scope, locale=conversation.locale, checked=True
    )
    if prepared.problems or prepared.missing:
        problem = Problem("page_token", "is not a page_token from an earlier answer")
        return Rejected(NEXT_PAGE, (problem,))
    request = ActionRequest(
        template, prepared.arguments, scope, page=wanted.page, per_page=wanted.per_page
    )
    return Ready(request, None)


#: The choices a question reads out; more than this, and the caller is asked for more of the name.
MAX_SPOKEN_CHOICES = 3


def _named(
    conversation: Conversation, template: ActionTemplate, values: dict[str, Any]
) -> tuple[
    tuple[NameLookup, ...], dict[str, Any], dict[str, tuple[Choice, ...]], tuple[Problem, ...]
]:
    """The names in ``values`` still to look up; else ``values`` with each name found once
    replaced by its record's id, the names that matched several records (with the choices) and
    a problem for each that matched none. A parameter with a :attr:`Param.lookup` (``account``,
    ``owner``: an id, or a name or email) is looked up unless it is an id."""
    lookups = []
    named = dict(values)
    choices: dict[str, tuple[Choice, ...]] = {}
    problems = []
    for param in template.params:
        module, value = param.lookup, values.get(param.name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)  # a name may be a number ("7-Eleven" aside, "3M" is text anyway)
        if module is None or not isinstance(value, str) or is_blank(value):
            continue  # not a name, or nothing given: prepare checks it as it checks any value
        if is_record_id(value.strip()):
            continue
        text = " ".join(value.split())
        if len(text) > MAX_NAME_CHARS:
            named.pop(param.name)
            problems.append(
                Problem(param.name, f"is {len(text):,} characters long; no name is that long")
            )
            continue
        found = conversation._names.get(name_key(module, text))
        if found is None:
            lookups.append(NameLookup(param.name, module, text))
        elif len(found) == 1:
            named[param.name] = found[0].id
        elif found:
            named.pop(param.name)
            choices[param.name] = found
        else:
            named.pop(param.name)
            problems.append(
                Problem(
                    param.name,
                    f"nothing in Zoho is called {brief(text)}; check the spelling with the caller "
                    "(or search for it)",
                )
            )
    return tuple(lookups), named, choices, tuple(problems)


#: A name longer than this is no record's name (Zoho's longest name fields are 255 characters).
MAX_NAME_CHARS = 255


def _choose(name: str, options: tuple[Choice, ...]) -> MissingField:
    if len(options) > MAX_SPOKEN_CHOICES:
        return MissingField(name, f"{len(options)} records match; which one exactly?")
    spoken = [option.spoken() for option in options]
    listed = f"{', '.join(spoken[:-1])} or {spoken[-1]}"
    return MissingField(name, f"Do you mean {listed}?")


def _unknown_action(conversation: Conversation, name: str) -> Problem:
    if name in conversation._catalog:
        return Problem(None, f"{name} is not enabled for this agent; do not offer it to the caller")
    import difflib  # only on this error path: it is slow to import

    close = difflib.get_close_matches(name[:64], list(conversation.tools), n=3)
    suggestion = f" Did you mean: {', '.join(close)}?" if close else ""
    return Problem(None, f"there is no action {brief(name)}.{suggestion}")


def _resolved(
    values: Mapping[str, Any], scope: VariableScope
) -> tuple[dict[str, Any], tuple[Problem, ...]]:
    """The non-null values with their ``{{references}}`` resolved, and a problem for each value
    whose reference cannot be resolved."""
    resolved = {}
    problems = []
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, str) and "{{" not in value:  # the usual case: nothing to resolve
            resolved[key] = value
            continue
        try:
            resolved[key] = resolve_in_scope(value, scope)
        except MissingVariable as exc:
            problems.append(Problem(key, exc.reason))
    return resolved, tuple(problems)


def _collected(
    template: ActionTemplate, values: Mapping[str, Any], bad: set[str | None] | None = None
) -> dict[str, Any]:
    """What to keep for the action's next call: its own parameters' usable values."""
    return {
        name: value
        for name, value in values.items()
        if template.param(name) is not None and not is_blank(value) and name not in (bad or ())
    }


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
