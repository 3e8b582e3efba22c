"""What a tool call costs on top of plain httpx, whether that cost stays flat as a conversation
grows, and whether concurrent calls stay concurrent. A benchmark, not a test: run it by hand.

    python bench/executor_overhead.py [--calls 200] [--rounds 7] [--concurrency 50]

Both sides talk to the embedded sandbox, in-process (its async transport) and over loopback (the
sandbox served on 127.0.0.1), so both pay the same sandbox cost; only ratios measured in the same
run are compared, each the median of the ratios of interleaved rounds (raw, ours, raw, ours...).

- Per call, for a read (``search_contact``) and a write (``create_task``): the whole tool side of
  an agent, ``run_tool_calls`` (the orchestrator's step on the model's JSON arguments, the write
  guard, rendering, the executor with a refreshing ``ZohoAuth``, result mapping and the reply)
  against the same request sent with a bare ``httpx.AsyncClient`` (a fixed token header,
  ``response.json()``).
- History: the same calls in a conversation that already holds 500 results against a fresh one:
  the cost of a call must not grow with the conversation.
- Concurrency: ``--concurrency`` searches at once against ``--latency-ms`` of simulated network
  latency, against the same number one after another.
- Import time of ``zoho_tools.executor`` and ``zoho_tools.orchestrator`` against ``import
  httpx`` (``python -X importtime`` in fresh interpreters, the interpreter's own start-up
  imports left out; the median of the ratios of several rounds).

Targets, all ratios (the exit status is 1 when one is missed):

- a tool call costs at most 1.25x the raw httpx call in-process (``IN_PROCESS_MAX``) and at most
  1.10x over loopback (``LOOPBACK_MAX``), reads and writes;
- with 500 earlier results a call costs at most 1.10x what it costs in a fresh conversation
  (``HISTORY_MAX``);
- concurrent searches run at least 10x the calls/s of sequential ones (``CONCURRENCY_MIN``), and
  keep at least 1/1.25 of raw httpx's calls/s;
- importing the executor or the orchestrator costs at most 1.5x importing httpx (``IMPORT_MAX``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

IN_PROCESS_MAX = 1.25
LOOPBACK_MAX = 1.10
HISTORY_MAX = 1.10
CONCURRENCY_MIN = 10.0
IMPORT_MAX = 1.5


@dataclass(frozen=True)
class Check:
    name: str
    value: float
    target: str
    ok: bool

    def line(self) -> str:
        verdict = "ok  " if self.ok else "MISS"
        return f"  {verdict}  {self.name:<52} {self.value:7.2f}x  ({self.target})"


def at_most(name: str, value: float, limit: float) -> Check:
    return Check(name, value, f"target <= {limit:g}x", value <= limit)


def at_least(name: str, value: float, limit: float) -> Check:
    return Check(name, value, f"target >= {limit:g}x", value >= limit)


# --- per-call cost ----------------------------------------------------------------------------

Call = Callable[[int], Awaitable[Any]]


async def timed(call: Call, calls: int, offset: int) -> float:
    """Seconds per call, ``calls`` calls one after another (numbered from ``offset``)."""
    started = time.perf_counter()
    for i in range(offset, offset + calls):
        await call(i)
    return (time.perf_counter() - started) / calls


async def interleaved(
    rounds: int, calls: int, ours: Call, base: Call
) -> tuple[float, float, float]:
    """(ours, base) seconds per call as medians of the rounds, and the median of the rounds'
    ratios ours/base. Rounds alternate sides, so a busy moment weighs on both."""
    await ours(-1)
    await base(-2)  # warm both: connection setup, first-use imports, token
    ours_times, base_times = [], []
    for r in range(rounds):
        base_times.append(await timed(base, calls, 2 * r * calls))
        ours_times.append(await timed(ours, calls, (2 * r + 1) * calls))
    ratio = statistics.median(o / b for o, b in zip(ours_times, base_times, strict=True))
    return statistics.median(ours_times), statistics.median(base_times), ratio


async def concurrent(call: Call, calls: int) -> float:
    """Calls per second with ``calls`` calls in flight at once."""
    started = time.perf_counter()
    await asyncio.gather(*(call(i) for i in range(calls)))
    return calls / (time.perf_counter() - started)


async def sequential(call: Call, calls: int) -> float:
    return 1 / await timed(call, calls, 0)


@dataclass
class Sides:
    """Our path and raw httpx against one sandbox, in-process or over loopback."""

    ours_read: Call
    raw_read: Call
    ours_write: Call
    raw_write: Call
    sandbox: Any
    fresh: Callable[[], Any]  # a new conversation
    conversation: Any


@contextlib.asynccontextmanager
async def sides(loopback: bool) -> AsyncIterator[Sides]:
    import httpx

    from zoho_tools.agent.loop import run_tool_calls
    from zoho_tools.connection import sandbox_executor
    from zoho_tools.orchestrator import Conversation, ToolCall
    from zoho_tools.sandbox import Sandbox

    sb = Sandbox(seed="demo")
    served = sb.serve() if loopback else contextlib.nullcontext()
    with served as server:
        base_url = server.url if server is not None else sb.base_url
        transport = None if loopback else sb.async_transport()
        executor = sandbox_executor(sb, served_at=server.url if server is not None else None)
        raw = httpx.AsyncClient(
            transport=transport,
            base_url=f"{base_url}/crm/v7",
            headers={
                "Authorization": f"Zoho-oauthtoken {sb.issue_token()['access_token']}",
                "Accept": "application/json",
            },
        )

        def fresh() -> Conversation:
            return Conversation(variables={"caller_phone": "+15551234567", "call_id": "bench"})

        state = Sides(None, None, None, None, sb, fresh, fresh())  # type: ignore[arg-type]

        async def ours(name: str, arguments: str) -> None:
            call = ToolCall(name, arguments, "b")
            (event,) = await run_tool_calls(state.conversation, executor, [call])
            assert event.reply.status == "ok", event.reply.text

        async def ours_read(i: int) -> None:
            await ours("search_contact", '{"query": "John Smith"}')

        async def raw_read(i: int) -> None:
            answer = await raw.get(
                "/Contacts/search", params={"word": "John Smith", "per_page": 10}
            )
            assert answer.status_code == 200
            answer.json()

        async def ours_write(i: int) -> None:
            await ours("create_task", json.dumps({"subject": f"Bench ours {i}"}))

        async def raw_write(i: int) -> None:
            answer = await raw.post("/Tasks", json={"data": [{"Subject": f"Bench raw {i}"}]})
            assert answer.status_code == 201
            answer.json()

        state.ours_read, state.raw_read = ours_read, raw_read
        state.ours_write, state.raw_write = ours_write, raw_write
        async with executor, raw:
            yield state


async def measure_calls(args: argparse.Namespace) -> list[Check]:
    checks = []
    for loopback, limit in ((False, IN_PROCESS_MAX), (True, LOOPBACK_MAX)):
        where = "over loopback" if loopback else "in-process"
        async with sides(loopback) as s:
            print(f"Per call {where}, medians of {args.rounds} interleaved rounds of {args.calls}:")
            for label, ours, raw in (
                ("read", s.ours_read, s.raw_read),
                ("write", s.ours_write, s.raw_write),
            ):
                ours_s, raw_s, ratio = await interleaved(args.rounds, args.calls, ours, raw)
                print(
                    f"  {label:<5}  ours {ours_s * 1e6:7.0f} us ({1 / ours_s:6.0f} calls/s)   "
                    f"raw httpx {raw_s * 1e6:7.0f} us ({1 / raw_s:6.0f} calls/s)   "
                    f"+{(ours_s - raw_s) * 1e6:.0f} us, {ratio:.2f}x"
                )
                checks.append(at_most(f"{label} {where}: tool call / raw httpx", ratio, limit))
            if not loopback:
                checks += await measure_history(s, args)
                checks += await measure_concurrency(s, args)
    return checks


async def measure_history(s: Sides, args: argparse.Namespace) -> list[Check]:
    """A call in a conversation of 500 earlier results against one in a fresh conversation."""
    long = s.fresh()
    s.conversation = long
    for i in range(500):
        await (s.ours_read if i % 2 else s.ours_write)(10_000_000 + i)
    fresh = s.fresh()

    def on(conversation: Any, call: Call) -> Call:
        async def run(i: int) -> None:
            s.conversation = conversation
            await call(i)

        return run

    print("\nA conversation with 500 earlier calls against a fresh one:")
    checks = []
    for label, call in (("read", s.ours_read), ("write", s.ours_write)):
        long_s, fresh_s, ratio = await interleaved(
            args.rounds, args.calls, on(long, call), on(fresh, call)
        )
        print(f"  {label:<5}  long {long_s * 1e6:7.0f} us   fresh {fresh_s * 1e6:7.0f} us")
        checks.append(at_most(f"{label}: 500 earlier results / fresh", ratio, HISTORY_MAX))
    s.conversation = s.fresh()
    return checks


async def measure_concurrency(s: Sides, args: argparse.Namespace) -> list[Check]:
    n = args.concurrency
    s.sandbox.faults.latency = args.latency_ms / 1000
    print(f"\n{n} searches with {args.latency_ms:g} ms of simulated latency each:")
    ours_seq = await sequential(s.ours_read, n)
    ours_par = await concurrent(s.ours_read, n)
    raw_par = await concurrent(s.raw_read, n)
    s.sandbox.faults.latency = 0.0
    print(f"  ours, one after another  {ours_seq:8.1f} calls/s")
    print(f"  ours, all at once        {ours_par:8.1f} calls/s")
    print(f"  raw httpx, all at once   {raw_par:8.1f} calls/s")
    return [
        at_least("concurrent / sequential, ours", ours_par / ours_seq, CONCURRENCY_MIN),
        at_most("concurrent: raw httpx / ours calls/s", raw_par / ours_par, IN_PROCESS_MAX),
    ]


# --- import time ------------------------------------------------------------------------------


def import_times(statement: str) -> dict[str, int]:
    """Microseconds of each module a fresh interpreter imports running ``statement``."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
    )
    times = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        own, _cumulative, name = line.removeprefix("import time:").split("|", 2)
        if own.strip().isdigit():
            times[name.strip()] = int(own)
    return times


MODULES = ("zoho_tools.executor", "zoho_tools.orchestrator")


def import_costs(runs: int) -> dict[str, list[float]]:
    """Seconds to import httpx and each of :data:`MODULES` beyond the interpreter's start-up, in
    ``runs`` rounds; within a round the imports run back to back, so a busy moment of the
    machine weighs on all of them alike."""
    startup = import_times("pass")
    costs: dict[str, list[float]] = {name: [] for name in ("httpx", *MODULES)}
    for _ in range(runs):
        for name, found in costs.items():
            loaded = import_times(f"import {name}")
            found.append(sum(us for module, us in loaded.items() if module not in startup) / 1e6)
    return costs


def measure_imports(runs: int) -> list[Check]:
    print(f"\nImport time, median of {runs} rounds of fresh interpreters:")
    costs = import_costs(runs)
    floor = costs["httpx"]
    print(f"  {'httpx':<24} {statistics.median(floor) * 1000:6.1f} ms")
    checks = []
    for module in MODULES:
        ratio = statistics.median(c / f for c, f in zip(costs[module], floor, strict=True))
        median = statistics.median(costs[module]) * 1000
        print(f"  {module:<24} {median:6.1f} ms  ({ratio:.2f}x httpx, median of the rounds)")
        checks.append(at_most(f"import {module} / import httpx", ratio, IMPORT_MAX))
    return checks


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200, help="sequential calls per round")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds per side")
    parser.add_argument("--concurrency", type=int, default=50, help="searches in flight at once")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="simulated latency")
    parser.add_argument("--import-runs", type=int, default=9, help="rounds of import timing")
    args = parser.parse_args(argv)

    checks = asyncio.run(measure_calls(args))
    checks += measure_imports(args.import_runs)
    print("\nTargets:")
    for check in checks:
        print(check.line())
    missed = [c for c in checks if not c.ok]
    print(f"\n{len(checks) - len(missed)} of {len(checks)} targets met.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
