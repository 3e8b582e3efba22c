"""Scripted conversations: a fixture format and a runner that replays one against the sandbox.

A fixture (YAML or JSON) holds the call variables, the caller's lines, the scripted model's turns
(what it says and which tools it calls), and the effects expected afterwards: requests Zoho must
have received, CRM records that must (or must not) exist. The runner plays the script through the
real agent loop, orchestrator, executor and the embedded sandbox, on a frozen clock, and reports
every expectation that failed. Example (abridged)::

    name: example_call
    now: "2026-11-28T10:00:00-05:00"
    time_zone: America/New_York
    variables: {caller_phone: "+15551234567", call_id: "CA-1001"}
    turns:
      - caller: "Hi, this is John Smith from Acme Corp."
        agent:
          - say: "One moment while I look you up."
            tool_calls:
              - name: search_contact
                arguments: {query: John Smith}
                expect: {status: ok, count: 1}      # part of what the model is shown
          - say: "Thanks John, how can I help?"      # no tool calls: the agent's turn ends
    expect:
      requests:                                      # in this order, among all requests
        - {method: GET, path: /crm/v7/Contacts/search, query: {word: John Smith}}
      records:
        Contacts: [{Last_Name: Smith}]
      absent:
        Leads: [{Last_Name: Smith}]
      counts: {"POST /crm/v7/Cases": 1}

``org: {picklists: {Deals: {Stage: [...]}}}`` gives the sandbox org its own picklist values, and
the agent reads them as it reads a connected org's metadata.

``call_start: {expect: {...}}`` runs ``identify_caller`` before the first turn, as a voice
platform's call-start hook would (:meth:`~zoho_tools.agent.loop.Agent.start`), and checks what it
showed the model.

A model step may also carry ``faults`` (injected into the sandbox just before its tool calls run),
e.g. ``faults: [{kind: drop, method: POST, path: /crm/v7/Tasks, after_commit: true}]``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from zoho_tools.agent.llm import AssistantTurn, Message, ScriptedLLM, ScriptExhausted, TextSink
from zoho_tools.agent.loop import Agent, Event, ToolEvent
from zoho_tools.config import CountryCode, TimeZoneName
from zoho_tools.employee import EmployeeSpec
from zoho_tools.errors import SetupError
from zoho_tools.files import FileError, describe_validation, read_document
from zoho_tools.normalize import Locale
from zoho_tools.orchestrator import Conversation, ToolCall

#: How far the frozen clock moves for each line the caller says.
SECONDS_PER_TURN = 20


class FixtureError(SetupError, ValueError):
    """A fixture file that cannot be used; one line naming the file and the problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FaultSpec(_Strict):
    kind: Literal[429, 500, 502, 503, "drop", "timeout"] = 503
    count: int = Field(1, ge=1)
    method: str | None = None
    path: str | None = None
    after_commit: bool = False

    @field_validator("path")
    @classmethod
    def _valid_pattern(cls, value: str | None) -> str | None:
        if value is not None and value.startswith("^"):
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        return value


class ToolCallSpec(_Strict):
    name: str
    arguments: Any = Field(default_factory=dict)
    expect: dict[str, Any] = Field(default_factory=dict)


class ModelStep(_Strict):
    say: str = ""
    tool_calls: list[ToolCallSpec] = Field(default_factory=list)
    faults: list[FaultSpec] = Field(default_factory=list)


class CallerTurn(_Strict):
    caller: str
    agent: list[ModelStep]


class RequestSpec(_Strict):
    method: str
    path: str
    query: dict[str, Any] = Field(default_factory=dict)
    json_body: Any = Field(default=None, alias="json")
    status: int | None = None


class OrgSpec(_Strict):
    """How the fixture's sandbox org differs from the demo org: its own picklist values, by
    module and field (``{Deals: {Stage: [Prospecting, ...]}}``). With it, the agent reads the
    org's metadata as it would a connected org's."""

    picklists: dict[str, dict[str, list[str]]] = Field(default_factory=dict)


class CallStart(_Strict):
    """The call-start lookup (``identify_caller`` before the first turn), and what it shows."""

    expect: dict[str, Any] = Field(default_factory=dict)


class Expectations(_Strict):
    requests: list[RequestSpec] = Field(default_factory=list)
    records: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    absent: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    counts: dict[str, int] = Field(default_factory=dict)


class Fixture(_Strict):
    """One scripted conversation (see the module docstring for the format)."""

    name: str
    description: str = ""
    now: datetime
    time_zone: TimeZoneName = "UTC"
    country: CountryCode = "US"
    voice: bool = True
    variables: dict[str, Any] = Field(default_factory=dict)
    employee: EmployeeSpec = Field(default_factory=EmployeeSpec)
    org: OrgSpec | None = None
    call_start: CallStart | None = None
    turns: list[CallerTurn]
    expect: Expectations = Field(default_factory=Expectations)

    @model_validator(mode="after")
    def _known_actions(self) -> Fixture:
        from zoho_tools.catalog import CATALOG

        for number, turn in enumerate(self.turns, start=1):
            for step in turn.agent:
                for call in step.tool_calls:
                    if call.name not in CATALOG:
                        raise ValueError(f"turn {number}: unknown action {call.name!r}")
        return self

    @classmethod
    def load(cls, path: str | Path) -> Fixture:
        """Read a fixture file (YAML or JSON).

        Raises:
            FixtureError: one line naming the file (and line) and the problem.
        """
        path = Path(path)
        try:
            return cls.model_validate(read_document(path, accept=(".yaml", ".yml", ".json")))
        except FileError as exc:
            raise FixtureError(str(exc)) from None
        except ValidationError as exc:
            raise FixtureError(f"{path}: {describe_validation(exc)}") from None


@dataclass
class FixtureRun:
    """The outcome of replaying a fixture: the events as they happened and what failed."""

    fixture: Fixture
    events: list[Event] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    sandbox: Any = None

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def tool_events(self) -> list[ToolEvent]:
        return [event for event in self.events if isinstance(event, ToolEvent)]


class _FrozenClock:
    """The fixture's ``now``, moved forward explicitly: conversation and sandbox share it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def epoch(self) -> float:
        return self.now.timestamp()

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class _FixtureModel(ScriptedLLM):
    """The scripted model of one caller turn; it injects a step's faults as it hands it out."""

    def __init__(self, steps: Sequence[ModelStep], inject: Callable[[FaultSpec], None]) -> None:
        super().__init__([_turn(step, index) for index, step in enumerate(steps)])
        self._faults = [step.faults for step in steps]
        self._inject = inject

    async def complete(
        self,
        messages: Sequence[Message],
        tools: Sequence[dict[str, Any]],
        *,
        on_text: TextSink | None = None,
    ) -> AssistantTurn:
        turn = await super().complete(messages, tools, on_text=on_text)
        for fault in self._faults.pop(0):
            self._inject(fault)
        return turn


def _turn(step: ModelStep, index: int) -> AssistantTurn:
    calls = tuple(
        ToolCall(name=c.name, arguments=json.dumps(c.arguments), id=f"call_{index}_{n}")
        for n, c in enumerate(step.tool_calls)
    )
    return AssistantTurn(text=step.say, tool_calls=calls)


async def run_fixture(
    fixture: Fixture, *, on_event: Callable[[Event], None] | None = None
) -> FixtureRun:
    """Replay ``fixture`` against a fresh demo sandbox and check its expectations."""
    from zoho_tools.agent.prompts import system_prompt
    from zoho_tools.catalog import CATALOG
    from zoho_tools.connection import demo_variables, sandbox_executor
    from zoho_tools.sandbox import Sandbox

    locale = Locale(time_zone=fixture.time_zone, country=fixture.country)
    # A ``now`` without an offset is local time where the call happens, not on this machine.
    now = fixture.now if fixture.now.tzinfo else fixture.now.replace(tzinfo=locale.zone)
    clock = _FrozenClock(now)
    sandbox = Sandbox(seed="demo", clock=clock.epoch)
    for module, fields in (fixture.org.picklists if fixture.org else {}).items():
        for field_name, values in fields.items():
            sandbox.set_picklist(module, field_name, values)
    run = FixtureRun(fixture=fixture, sandbox=sandbox)

    def record(event: Event) -> None:
        run.events.append(event)
        if on_event:
            on_event(event)

    conversation = Conversation(
        employee=fixture.employee.build(CATALOG),
        variables={**demo_variables(sandbox), **fixture.variables},
        locale=locale,
        now=clock,
    )
    executor = sandbox_executor(sandbox, metadata_ttl=None if fixture.org is None else 600.0)
    try:
        prompt = system_prompt("voice" if fixture.voice else "chat", conversation)
        agent = Agent(
            ScriptedLLM([]), executor, conversation, system_prompt=prompt, on_event=record
        )
        if fixture.call_start is not None:
            event = await agent.start()
            if not matches(fixture.call_start.expect, json.loads(event.shown)):
                run.failures.append(
                    f"call start: identify_caller showed the model {event.shown}, "
                    f"expected {json.dumps(fixture.call_start.expect)}"
                )
        for number, turn in enumerate(fixture.turns, start=1):
            clock.advance(SECONDS_PER_TURN)
            agent.llm = _FixtureModel(turn.agent, lambda f: _inject(sandbox, f))
            try:
                reply = await agent.respond(turn.caller)
            except ScriptExhausted:
                run.failures.append(
                    f"turn {number}: the script ended while the agent wanted another model "
                    "turn (a caller turn's last step must have no tool_calls)"
                )
                break
            _check_turn(run, number, turn, reply.events, agent.llm)
    finally:
        await executor.aclose()
    _check_effects(run, sandbox)
    return run


def _inject(sandbox: Any, fault: FaultSpec) -> None:
    sandbox.faults.fail_next(
        fault.count,
        kind=fault.kind,
        method=fault.method,
        path=fault.path,
        after_commit=fault.after_commit,
    )


def _check_turn(
    run: FixtureRun, number: int, turn: CallerTurn, events: list[ToolEvent], model: Any
) -> None:
    if model.turns:
        run.failures.append(
            f"turn {number}: the agent stopped before {len(model.turns)} scripted step(s)"
        )
    specs = [call for step in turn.agent for call in step.tool_calls]
    for spec, event in zip(specs, events, strict=False):
        shown = json.loads(event.shown)
        if not matches(spec.expect, shown):
            run.failures.append(
                f"turn {number}: {spec.name} showed the model {event.shown}, "
                f"expected {json.dumps(spec.expect)}"
            )


def _check_effects(run: FixtureRun, sandbox: Any) -> None:
    expect = run.fixture.expect
    if sandbox.faults.pending:
        run.failures.append(
            f"{sandbox.faults.pending} injected fault(s) never fired (check their method/path)"
        )
    log = [_logged(entry) for entry in sandbox.log]
    position = 0
    for spec in expect.requests:
        wanted = spec.model_dump(by_alias=True, exclude_none=True, exclude_defaults=True)
        wanted.update(method=spec.method, path=spec.path)
        found = next((i for i in range(position, len(log)) if matches(wanted, log[i])), None)
        if found is None:
            run.failures.append(f"no request matching {json.dumps(wanted)} (in order)")
        else:
            position = found + 1
    for key, count in expect.counts.items():
        method, _, path = key.partition(" ")
        actual = sum(1 for entry in log if entry["method"] == method and entry["path"] == path)
        if actual != count:
            run.failures.append(f"{key} was sent {actual} time(s), expected {count}")
    for module, wanted_records in expect.records.items():
        records = sandbox.records(module)
        for wanted in wanted_records:
            if not any(matches(wanted, record) for record in records):
                run.failures.append(f"no {module} record matching {json.dumps(wanted)}")
    for module, unwanted in expect.absent.items():
        records = sandbox.records(module)
        for wanted in unwanted:
            if any(matches(wanted, record) for record in records):
                run.failures.append(f"a {module} record matches {json.dumps(wanted)}")


def _logged(entry: Any) -> dict[str, Any]:
    return {
        "method": entry.method,
        "path": entry.path,
        "query": dict(entry.query),
        "json": entry.json,
        "status": entry.status,
    }


def matches(expected: Any, actual: Any) -> bool:
    """Whether ``actual`` contains ``expected``: mappings by subset, lists item by item (in
    order, as a prefix), anything else by equality."""
    if isinstance(expected, Mapping):
        return isinstance(actual, Mapping) and all(
            key in actual and matches(value, actual[key]) for key, value in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) >= len(expected)
            and all(matches(e, a) for e, a in zip(expected, actual, strict=False))
        )
    return bool(expected == actual)


def load_fixtures(folder: str | Path) -> list[Fixture]:
    """Every fixture in ``folder`` (``*.yaml``, ``*.yml``, ``*.json``), sorted by file name."""
    folder = Path(folder)
    paths = sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml", ".json"})
    return [Fixture.load(path) for path in paths]


def examples_folder() -> Path:
    """Where the bundled example conversations are (in a wheel, or in a source checkout)."""
    package = Path(__file__).resolve().parents[1]
    for folder in (
        package / "_examples" / "conversations",
        package.parent / "examples" / "conversations",
    ):
        if folder.is_dir():
            return folder
    raise FileNotFoundError("the example conversations are not installed")
