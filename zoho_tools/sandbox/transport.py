"""In-process httpx transports: a client talks to the sandbox with no socket at all.

    client = httpx.Client(transport=sb.transport(), base_url=sb.base_url)
    client = httpx.AsyncClient(transport=sb.async_transport(), base_url=sb.base_url)

Both hand each request to :meth:`Sandbox.handle`; the async one waits out ``faults.latency``
with ``anyio.sleep`` (works under asyncio and trio) so that concurrent calls overlap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import httpx

if TYPE_CHECKING:
    from zoho_tools.sandbox.core import Sandbox


class SandboxTransport(httpx.BaseTransport):
    """Sync transport over :meth:`Sandbox.handle`."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        return self.sandbox.handle(request)


class AsyncSandboxTransport(httpx.AsyncBaseTransport):
    """Async transport over :meth:`Sandbox.handle`."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        latency = self.sandbox.faults.latency
        if latency > 0:
            await anyio.sleep(latency)
        return self.sandbox.handle(request, apply_latency=False)
