"""What our path costs per call on top of plain httpx, and whether it keeps concurrent calls
concurrent. A benchmark, not a test: run it by hand on a quiet machine.

    python bench/executor_overhead.py [--calls 300] [--concurrency 50] [--latency-ms 20]

Everything runs against the embedded sandbox's in-process transport, so no network is involved
and both sides pay the same sandbox cost; only ratios measured in the same run are compared.

- Per-call overhead, for a read (``search_contact``) and a write (``create_task``): our full path
  (``prepare`` of the model's JSON arguments, rendering, the executor with a refreshing
  ``ZohoAuth``, result mapping and ``to_text()``) against the same requests sent with a bare
  ``httpx.AsyncClient`` (a fixed token header, ``response.json()``). Rounds alternate between the
  two sides and the best round of each is kept, which damps noise from the machine.
- Concurrency: ``--concurrency`` searches at once against ``--latency-ms`` of simulated network
  latency, against the same number one after another, through our path.
- Import time of ``zoho_tools.executor`` and ``zoho_tools.orchestrator`` against ``import
  httpx`` (``python -X importtime`` in fresh interpreters, the interpreter's own start-up
  imports left out; the median of the ratios of several rounds).

Targets, all ratios (the exit status is 1 when one is missed):

- our read and our write cost at most 1.5x the raw httpx call (``OVERHEAD_MAX``);
- concurrent searches through our path run at least 10x the calls/s of sequential ones
  (``CONCURRENCY_MIN``): nothing in the path serialises calls;
- under concurrency our path keeps at least 1/1.5 of raw httpx's calls/s (``OVERHEAD_MAX``);
- importing the executor or the orchestrator costs at most 1.5x importing httpx
  (``IMPORT_MAX``): httpx is the floor for anything that sends requests, and what we add on
  top of it must stay small.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

OVERHEAD_MAX = 1.5
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
        return f"  {verdict}  {self.name:<46} {self.value:7.2f}x  ({self.target})"


def at_most(name: str, value: float, limit: float) -> Check:
    return Check(name, value, f"target <= {limit:g}x", value <= limit)


def at_least(name: str, value: float, limit: float) -> Check:
    return Check(name, value, f"target >= {limit:g}x", value >= limit)


# --- per-call cost ----------------------------------------------------------------------------

Call = Callable[[int], Awaitable[Any]]


async def timed(call: Call, calls: int) -> float:
    """Seconds per call, ``calls`` calls one after another."""
    started = time.perf_counter()
    for i in range(calls):
        await call(i)
    return (time.perf_counter() - started) / calls


async def best_of(rounds: int, calls: int, ours: Call, raw: Call) -> tuple[float, float]:
    """Seconds per call (ours, raw): rounds alternate sides; the best round of each is kept."""
    await ours(-1)
    await raw(-1)  # warm both: connection setup, first-use imports, token
    ours_times, raw_times = [], []
    for _ in range(rounds):
        raw_times.append(await timed(raw, calls))
        ours_times.append(await timed(ours, calls))
    return min(ours_times), min(raw_times)


async def concurrent(call: Call, calls: int) -> float:
    """Calls per second with ``calls`` calls in flight at once."""
    started = time.perf_counter()
    await asyncio.gather(*(call(i) for i in range(calls)))
    return calls / (time.perf_counter() - started)


async def sequential(call: Call, calls: int) -> float:
    return 1 / await timed(call, calls)


async def measure_calls(args: argparse.Namespace) -> list[Check]:
    import httpx

    from zoho_tools.arguments import prepare
    from zoho_tools.catalog import CATALOG
    from zoho_tools.connection import sandbox_executor
    from zoho_tools.executor import ActionRequest
    from zoho_tools.results import ActionResult
    from zoho_tools.sandbox import Sandbox
    from zoho_tools.variables import VariableScope

    sb = Sandbox(seed="demo")
    executor = sandbox_executor(sb)
    token = sb.issue_token()["access_token"]
    raw_client = httpx.AsyncClient(
        transport=sb.async_transport(),
        base_url=f"{sb.base_url}/crm/v7",
        headers={"Authorization": f"Zoho-oauthtoken {token}", "Accept": "application/json"},
    )
    scope = VariableScope(call={"caller_phone": "+15551234567"})
    search, create = CATALOG["search_contact"], CATALOG["create_task"]

    async def run(template: Any, arguments: str) -> ActionResult:
        prepared = prepare(template, arguments, scope=scope)
        result = await executor.execute(ActionRequest(template, prepared.arguments, scope))
        result.to_text()
        return result

    async def ours_read(i: int) -> None:
        result = await run(search, '{"query": "John Smith"}')
        assert result.ok, result.to_text()

    async def raw_read(i: int) -> None:
        response = await raw_client.get(
            "/Contacts/search", params={"word": "John Smith", "per_page": 10}
        )
        assert response.status_code == 200
        response.json()

    async def ours_write(i: int) -> None:
        result = await run(create, json.dumps({"subject": f"Bench ours {i}"}))
        assert result.ok, result.to_text()

    async def raw_write(i: int) -> None:
        body = {"data": [{"Subject": f"Bench raw {i}"}]}
        response = await raw_client.post("/Tasks", json=body)
        assert response.status_code == 201
        response.json()

    checks = []
    async with executor, raw_client:
        print(f"Per call, best of {args.rounds} rounds of {args.calls} sequential calls:")
        for label, ours, raw in (("read", ours_read, raw_read), ("write", ours_write, raw_write)):
            ours_s, raw_s = await best_of(args.rounds, args.calls, ours, raw)
            ratio = ours_s / raw_s
            print(
                f"  {label:<5}  ours {ours_s * 1e6:7.0f} us ({1 / ours_s:6.0f} calls/s)   "
                f"raw httpx {raw_s * 1e6:7.0f} us ({1 / raw_s:6.0f} calls/s)   "
                f"+{(ours_s - raw_s) * 1e6:.0f} us, {ratio:.2f}x"
            )
            checks.append(at_most(f"{label}: ours / raw httpx per call", ratio, OVERHEAD_MAX))

        n = args.concurrency
        sb.faults.latency = args.latency_ms / 1000
        print(f"\n{n} searches with {args.latency_ms:g} ms of simulated latency each:")
        ours_seq = await sequential(ours_read, n)
        ours_par = await concurrent(ours_read, n)
        raw_par = await concurrent(raw_read, n)
        sb.faults.latency = 0.0
        print(f"  ours, one after another  {ours_seq:8.1f} calls/s")
        print(f"  ours, all at once        {ours_par:8.1f} calls/s")
        print(f"  raw httpx, all at once   {raw_par:8.1f} calls/s")
        checks.append(
            at_least("concurrent / sequential, ours", ours_par / ours_seq, CONCURRENCY_MIN)
        )
        checks.append(
            at_most("concurrent: raw httpx / ours calls/s", raw_par / ours_par, OVERHEAD_MAX)
        )
    return checks


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
    parser.add_argument("--calls", type=int, default=300, help="sequential calls per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per side (best kept)")
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
