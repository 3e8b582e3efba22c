"""How ``zoho-tools sandbox serve`` holds up with many kept-alive clients. A benchmark, not a
test: run it by hand.

    python bench/sandbox_server.py [--requests 3000] [--rounds 5]

The server runs in its own process (as users run it); the clients are minimal HTTP/1.1
clients on asyncio, so that the client's own cost stays small next to the server's. Each
round, interleaved, measures:

- throughput with 20 and with 100 kept-alive connections sharing ``--requests`` requests;
- the time per request, one after another, on one kept-alive connection and on a new
  connection per request. With Nagle's algorithm on, the kept-alive client waits for a
  delayed ACK (~40 ms) on every request and is far slower than new connections.

The median of the rounds is kept; only ratios measured in the same run are compared.
Targets (exit status 1 when one is missed): 100 connections keep at least ``SCALE_MIN`` of
the throughput of 20, and a kept-alive request costs at most ``KEEPALIVE_MAX`` times a request
on a new connection.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import time

SCALE_MIN = 0.7
KEEPALIVE_MAX = 1.0


class Target:
    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port = host, port
        self.request = (
            f"GET /crm/v7/users?type=CurrentUser HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Authorization: Zoho-oauthtoken {token}\r\n\r\n"
        ).encode()

    async def exchange(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(self.request)
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head[:100]
        length = re.search(rb"(?i)content-length: *(\d+)", head)
        assert length is not None
        await reader.readexactly(int(length[1]))


async def throughput(target: Target, connections: int, requests: int) -> float:
    """Requests per second with ``connections`` kept-alive clients sharing ``requests``."""
    opened = [await asyncio.open_connection(target.host, target.port) for _ in range(connections)]
    per_client = requests // connections

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(per_client):
            await target.exchange(reader, writer)

    started = time.perf_counter()
    await asyncio.gather(*(client(r, w) for r, w in opened))
    elapsed = time.perf_counter() - started
    for _, writer in opened:
        writer.close()
    return per_client * connections / elapsed


async def sequential(target: Target, requests: int, *, keep_alive: bool) -> float:
    """Seconds per request, one after another."""
    reader, writer = await asyncio.open_connection(target.host, target.port)
    await target.exchange(reader, writer)  # warm
    started = time.perf_counter()
    for _ in range(requests):
        if not keep_alive:
            writer.close()
            reader, writer = await asyncio.open_connection(target.host, target.port)
        await target.exchange(reader, writer)
    elapsed = time.perf_counter() - started
    writer.close()
    return elapsed / requests


def start_server() -> tuple[subprocess.Popen[str], Target]:
    main = "from zoho_tools.cli import main; main()"
    command = [sys.executable, "-c", main, "sandbox", "serve", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    banner = ""
    for line in process.stdout:
        banner += line
        if line.startswith("Press Ctrl-C"):
            break
    url = re.search(r"serving at http://([\d.]+):(\d+)", banner)
    token = re.search(r"Access token:\s+(\S+)", banner)
    assert url and token, banner
    return process, Target(url[1], int(url[2]), token[1])


async def measure(target: Target, requests: int, rounds: int) -> dict[str, float]:
    samples: dict[str, list[float]] = {"20": [], "100": [], "kept": [], "new": []}
    for _ in range(rounds):
        samples["20"].append(await throughput(target, 20, requests))
        samples["100"].append(await throughput(target, 100, requests))
        samples["kept"].append(await sequential(target, 200, keep_alive=True))
        samples["new"].append(await sequential(target, 200, keep_alive=False))
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    process, target = start_server()
    try:
        median = asyncio.run(measure(target, args.requests, args.rounds))
    finally:
        process.terminate()
        process.wait(10)
    print(f"  20 connections:   {median['20']:8.0f} requests/s")
    print(f"  100 connections:  {median['100']:8.0f} requests/s")
    print(f"  kept-alive:       {median['kept'] * 1000:8.2f} ms/request")
    print(f"  new connection:   {median['new'] * 1000:8.2f} ms/request")
    checks = [
        ("100 vs 20 connections", median["100"] / median["20"], median["100"] / median["20"]
         >= SCALE_MIN, f">= {SCALE_MIN}x"),
        ("kept-alive vs new connection", median["kept"] / median["new"],
         median["kept"] / median["new"] <= KEEPALIVE_MAX, f"<= {KEEPALIVE_MAX}x"),
    ]  # fmt: skip
    for name, value, ok, target_text in checks:
        print(f"  {'ok  ' if ok else 'MISS'}  {name:<30} {value:6.2f}x  ({target_text})")
    return 0 if all(ok for *_, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
