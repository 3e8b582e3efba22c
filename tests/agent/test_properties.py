"""Property-based tests of the tool boundary over all the catalog's actions: whatever a model
sends (hostile JSON, wrong types, blank or endless text, impossible dates, invented names), every
tool call gets one reply the model can act on, nothing raises, nothing blank reaches Zoho and no
write goes out twice.

The default run is fast; ``pytest -m slow`` runs tens of thousands of examples.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zoho_tools.agent.loop import run_tool_calls
from zoho_tools.catalog import CATALOG
from zoho_tools.connection import sandbox_executor
from zoho_tools.executor import Executor, RetryPolicy
from zoho_tools.normalize import Locale
from zoho_tools.orchestrator import Conversation, Employee, ToolCall
from zoho_tools.replies import ToolReply
from zoho_tools.sandbox import Sandbox
from zoho_tools.templates import Param

ACTIONS = sorted(CATALOG)
STATUSES = {"ok", "empty", "needs_input", "needs_confirmation", "rejected", "already_done", "error"}
FAILED = {"rejected", "error"}
#: The longest reply a hostile value may produce (records are trimmed; texts are cut).
MAX_REPLY = 6_000

# --- what a model may send -------------------------------------------------------------------

texts = st.one_of(
    st.text(max_size=30),
    st.text(st.characters(codec=None, categories=["Cs", "Cc", "Zs", "Cf"]), max_size=8),
    st.sampled_from(["", " ", "\t\n", "\x00", "\u200b", "!!", "J", "a" * 40_000, "x\ud800y"]),
    st.sampled_from(
        [
            "9999-12-31T23:59:59",
            "9999-12-31T10:00:00+14:00",
            "0001-01-01T00:00:00",
            "9999-12-31",
            "2026-02-30",
            "2026-12-31T25:00:00",
            "tomorrow at 2",
            "05:30",
            "NaN",
            "-1",
            "1e400",
            "5725767000000524157",
            "../settings",
            "{{call_id}}",
            "{{search_contact.id}}",
            "{{" + "a" * 5000 + "}}",
            "+1 (555) 123-4567",
            "john@acme.example",
            "Acme\\) OR (Email:equals:x",
            "Closed Won",
            "Waiting for input",
        ]
    ),
)
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e308, 0.5]),
    st.builds(lambda: 10**5000),  # Python cannot even print it
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=6,
)


words = st.text(st.sampled_from("abcdefghij KLMNOP"), min_size=2, max_size=20)
ids = st.sampled_from(["6421873000001000005", "6421873000001000999", "5725767000000524157"])
PLAUSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "string": words,
    "text": words,
    "search_term": st.sampled_from(["John Smith", "Acme", "+15551234567", "jane@globex.example"]),
    "integer": st.integers(-5, 120),
    "number": st.one_of(st.integers(-1, 50), st.floats(-1, 1e6)),
    "boolean": st.booleans(),
    "date": st.dates().map(lambda d: d.isoformat()),
    "datetime": st.datetimes().map(lambda d: d.isoformat(timespec="seconds")),
    "duration": st.sampled_from(["05:30", "0:45", "12", 3.5]),
    "phone": st.sampled_from(["+15551234567", "555 123 4567", "+44 20 7946 0958"]),
    "email": st.sampled_from(["john@acme.example", "a@b.co"]),
    "id": ids,
}


def plausible(param: Param, *, hostile: bool) -> st.SearchStrategy[Any]:
    """A value of the right kind for ``param`` (so calls get through to Zoho); with ``hostile``,
    now and then a hostile one in its place."""
    right: st.SearchStrategy[Any]
    if param.enum:
        right = st.sampled_from(param.enum)
    elif param.type == "items":
        fields = {p.name: plausible(p, hostile=hostile) for p in param.item_params}
        right = st.lists(st.fixed_dictionaries(fields), min_size=1, max_size=3)
    else:
        right = PLAUSIBLE[param.type]
    return st.one_of(right, right, values) if hostile else right


@st.composite
def arguments(draw: st.DrawFn, action: str) -> Any:
    """Arguments for ``action``: its own parameters with values of the right kind (so calls get
    through to Zoho) or hostile ones, and invented names; sent as an object, as JSON, or as
    hostile raw text."""
    template = CATALOG[action]
    names = [p.name for p in template.params] + ["confirmed"]
    keys = st.one_of(st.sampled_from(names), texts) if names else texts
    mode = draw(st.sampled_from(["hostile", "mixed", "clean"]))
    if mode == "hostile":
        given = draw(st.dictionaries(keys, values, max_size=5))
    else:
        chosen = draw(st.lists(st.booleans(), min_size=len(names) - 1, max_size=len(names) - 1))
        given = {
            p.name: draw(plausible(p, hostile=mode == "mixed"))
            for p, on in zip(template.params, chosen, strict=True)
            if on or (p.required and mode == "clean")
        }
        given["confirmed"] = draw(st.booleans())
    form = draw(st.sampled_from(["object", "json", "json", "raw"]))
    if form == "object":
        return given
    if form == "raw":
        return draw(
            st.sampled_from(
                [
                    "[" * 5_000 + "]" * 5_000,
                    '{"a":' * 3_000 + "1" + "}" * 3_000,
                    '{"quantity": ' + "9" * 5_000 + "}",
                    '{"x": NaN, "y": -Infinity}',
                    '{"subject": "a\\ud800b"}',
                    "not json",
                    "null",
                    "[1, 2]",
                    "x" * 300_000,
                ]
            )
        )
    try:
        return json.dumps(given)
    except (ValueError, RecursionError):  # an integer too long to print: send it raw instead
        return '{"n": ' + "1" * 5_000 + "}"


@st.composite
def turns(draw: st.DrawFn, action: str) -> list[ToolCall]:
    """One model turn: a call of ``action``, perhaps with siblings (a repeat, another action,
    a name that is not an action)."""
    calls = [ToolCall(action, draw(arguments(action)), "0")]
    for index in range(draw(st.integers(0, 2))):
        name = draw(st.one_of(st.just(action), st.sampled_from(ACTIONS), texts, st.none()))
        raw = draw(arguments(name if name is not None and name in CATALOG else action))
        calls.append(ToolCall(name, raw, str(index + 1)))  # type: ignore[arg-type]
    return calls


# --- running them ----------------------------------------------------------------------------


@dataclass
class Backend:
    loop: asyncio.AbstractEventLoop
    sandbox: Sandbox
    executor: Executor


@pytest.fixture(scope="module")
def backend() -> Iterator[Backend]:
    loop = asyncio.new_event_loop()
    sandbox = Sandbox(seed="demo")
    executor = sandbox_executor(sandbox, retry=RetryPolicy(budget=0))
    yield Backend(loop, sandbox, executor)
    loop.run_until_complete(executor.aclose())
    loop.close()
    sandbox.close()


def run_turn(backend: Backend, calls: list[ToolCall]) -> list[ToolReply]:
    conversation = Conversation(
        employee=Employee(actions=frozenset(ACTIONS[:-3])),  # a few disabled, too
        variables={"caller_phone": "+15551234567", "call_id": "CA-1"},
        locale=Locale(time_zone="America/New_York"),
    )
    seen = len(backend.sandbox.log)
    events = backend.loop.run_until_complete(run_tool_calls(conversation, backend.executor, calls))
    assert len(events) == len(calls)
    sent = backend.sandbox.log[seen:]
    assert all(entry.status is None or entry.status < 500 for entry in sent), [
        (e.method, e.path, e.status, e.response) for e in sent if (e.status or 0) >= 500
    ]
    writes = [
        json.dumps([e.method, e.path, e.json], sort_keys=True) for e in sent if e.method != "GET"
    ]
    assert len(writes) == len(set(writes)), "a write went out twice in one turn"
    for entry in sent:
        assert not _blank_strings(entry.json), f"a blank value was sent: {entry.json}"
    return [event.reply for event in events]


def _blank_strings(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, dict):
        return any(_blank_strings(v) for v in value.values())
    if isinstance(value, list):
        return any(_blank_strings(v) for v in value)
    return False


def check(reply: ToolReply) -> None:
    assert reply.status in STATUSES
    assert reply.is_error == (reply.status in FAILED or reply.structured.get("code") is not None)
    assert len(reply.text) <= MAX_REPLY, reply.text[:300]
    reply.text.encode()  # no lone surrogate: every transport can send it
    assert json.loads(reply.text) == reply.structured


def every_call_gets_a_reply(backend: Backend, calls: list[ToolCall]) -> None:
    for reply in run_turn(backend, calls):
        check(reply)


FAST = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
SLOW = settings(
    max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


@pytest.mark.parametrize("action", ACTIONS)
@FAST
@given(data=st.data())
def test_every_call_gets_a_reply(backend: Backend, action: str, data: st.DataObject) -> None:
    every_call_gets_a_reply(backend, data.draw(turns(action)))


@pytest.mark.slow
@pytest.mark.parametrize("action", ACTIONS)
@SLOW
@given(data=st.data())
def test_every_call_gets_a_reply_thoroughly(
    backend: Backend, action: str, data: st.DataObject
) -> None:
    every_call_gets_a_reply(backend, data.draw(turns(action)))
