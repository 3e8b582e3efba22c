"""The sandbox as a real HTTP/1.1 server, answering through :meth:`Sandbox.handle`.

    with sb.serve(host="127.0.0.1", port=0) as server:
        httpx.get(f"{server.url}/crm/v7/users", headers=...)

One asyncio event loop in a background thread serves every connection; `h11
<https://h11.readthedocs.io>`_ parses and frames HTTP, so nothing here parses bytes by hand.
The loop makes the server cheap with many kept-alive clients and keeps it accepting while slow
clients hold connections open. Answers go out with ``TCP_NODELAY``: without it a kept-alive
client waits ~40 ms for a delayed ACK on every request.

Each request becomes an :class:`httpx.Request` carrying the URL the client reached (so token
responses and redirects advertise an address that works for that client) and is answered by
the same code as the in-process transports. The contract for bad input: a request h11 refuses
(Content-Length not a number, bad chunk sizes, non-ASCII header bytes, ...) gets a 4xx answer
with a JSON body and the connection is closed; never a silent drop or a hung connection. A
client that hangs up mid-answer is forgotten quietly.

Injected ``drop`` faults close the socket without an answer; ``timeout`` faults stall until the
client hangs up, ``faults.stall_seconds`` pass or the server stops.
:meth:`SandboxServer.close` (or leaving the ``with`` block) stops the server and closes every
open connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import ipaddress
import json
import logging
import re
import socket
import threading
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import h11
import httpx

from zoho_tools.sandbox.core import ORIGIN_EXTENSION

if TYPE_CHECKING:
    from zoho_tools.sandbox.core import Sandbox

logger = logging.getLogger("zoho_tools.sandbox")

#: Largest request body accepted (Zoho's own limit for a JSON body is far lower).
MAX_BODY_BYTES = 16 * 1024 * 1024
#: Largest request line plus headers.
MAX_HEAD_BYTES = 64 * 1024
#: Seconds a kept-alive connection may sit idle, or a request take to arrive, before closing.
IDLE_TIMEOUT = 120.0

_READ_SIZE = 64 * 1024
# Hop-by-hop and framing headers: h11 writes these, httpx recomputes them.
_SKIPPED_HEADERS = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive"})
_HOST_HEADER = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


_REASONS = {status.value: status.phrase.encode() for status in http.HTTPStatus}


class _Reject(Exception):
    """A request answered with an HTTP error before it reaches the sandbox."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class SandboxServer:
    """A running server. ``url`` is its base URL (``http://127.0.0.1:<port>``); when listening on
    every interface (``0.0.0.0`` or ``::``) it is the loopback URL, which always works locally.

    Raises :class:`OSError` from the constructor when the address cannot be bound.
    """

    def __init__(self, sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sandbox = sandbox
        self.host = host
        family = socket.AF_INET6 if _is_ipv6(host) else socket.AF_INET
        # Bound here, not in the thread, so that a busy port raises in the caller.
        self._socket = socket.create_server((host, port), family=family, backlog=1024)
        self.port = int(self._socket.getsockname()[1])
        self.url = f"http://{_url_host(host)}:{self.port}"
        self._loop = asyncio.new_event_loop()
        self._connections: set[asyncio.StreamWriter] = set()
        self._started = threading.Event()
        self._stopping: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name=f"zoho-sandbox-{self.port}")
        self._thread.daemon = True
        self._thread.start()
        self._started.wait()

    # --- the loop thread ------------------------------------------------------------------

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        self._stopping = asyncio.Event()
        server = await asyncio.start_server(self._connection, sock=self._socket)
        self._started.set()
        async with server:
            await self._stopping.wait()
            # Abort every connection (its task then ends: its read sees the end), including one
            # accepted just now, whose task sees the stop itself. Stop listening only once no
            # task is left: a connection accepted after Server.close() would leak its socket.
            # Nothing awaits between the check and close(), so no accept can slip in between.
            for _ in range(20):
                others = asyncio.all_tasks() - {asyncio.current_task()}
                if not others:
                    break
                for writer in list(self._connections):
                    writer.transport.abort()
                await asyncio.wait(others, timeout=0.5)
            server.close()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._connections.add(writer)
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD_BYTES)
        try:
            while not self._stopping_now() and await self._exchange(conn, reader, writer):
                conn.start_next_cycle()
        except (ConnectionError, OSError, TimeoutError):
            pass  # the client went away or stayed silent; nothing to answer
        except Exception:  # a bug here must not take the server down, nor leave a client hanging
            logger.exception("sandbox server error")
            with contextlib.suppress(ConnectionError, OSError):
                await _send_error(conn, writer, 500, "internal error in the sandbox server")
        finally:
            writer.close()  # after what was written has gone out
            with contextlib.suppress(Exception):
                await writer.wait_closed()
            self._connections.discard(writer)

    async def _exchange(
        self, conn: h11.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Read one request and answer it; False when the connection must close."""
        try:
            event = await _next_event(conn, reader)
            if isinstance(event, h11.ConnectionClosed):
                return False
            assert isinstance(event, h11.Request)
            target = _path(event)
            body = await _read_body(conn, reader, event)
        except h11.RemoteProtocolError as error:
            await _send_error(conn, writer, error.error_status_hint, str(error))
            await _linger(reader, writer)
            return False
        except _Reject as error:
            await _send_error(conn, writer, error.status, str(error))
            await _linger(reader, writer)
            return False
        method = event.method.decode("ascii")
        if target == "*":  # OPTIONS * asks about the server itself
            await _send(conn, writer, 200, [("Allow", "GET, POST, PUT, DELETE, OPTIONS")], b"")
            return conn.our_state is h11.DONE and conn.their_state is h11.DONE
        origin = self._origin(event)
        # Values stay bytes: obs-text (bytes over 0x7F) is legal in a header value.
        headers = [
            (name, value) for name, value in event.headers if name.decode() not in _SKIPPED_HEADERS
        ]
        request = httpx.Request(
            method, origin + target, headers=headers, content=body,
            extensions={ORIGIN_EXTENSION: origin},
        )  # fmt: skip
        faults = self.sandbox.faults
        if faults.latency > 0:
            await asyncio.sleep(faults.latency)
        try:
            response = self.sandbox.handle(request, apply_latency=False)
        except httpx.TimeoutException:
            await self._stall(reader, faults.stall_seconds)
            return False
        except httpx.TransportError:
            writer.transport.abort()  # a drop fault: close without an answer
            return False
        answer = [(k, v) for k, v in response.headers.items() if k.lower() not in _SKIPPED_HEADERS]
        body = b"" if method == "HEAD" else response.content
        if method == "HEAD":  # the length of the body a GET would get, without the body
            answer.append(("Content-Length", str(len(response.content))))
        await _send(conn, writer, response.status_code, answer, body)
        return conn.our_state is h11.DONE and conn.their_state is h11.DONE

    def _stopping_now(self) -> bool:
        return self._stopping is not None and self._stopping.is_set()

    async def _stall(self, reader: asyncio.StreamReader, seconds: float) -> None:
        """Wait until the client hangs up, ``seconds`` pass, or the server stops."""
        assert self._stopping is not None
        tasks = [
            asyncio.ensure_future(reader.read(_READ_SIZE)),
            asyncio.ensure_future(self._stopping.wait()),
        ]
        with contextlib.suppress(ConnectionError, OSError):
            await asyncio.wait(tasks, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            task.cancel()

    def _origin(self, event: h11.Request) -> str:
        """The base URL the client used (its Host header), else the server's own URL."""
        for name, value in event.headers:
            if name == b"host":
                host = value.decode("latin-1")
                if _HOST_HEADER.match(host):
                    return f"http://{host}"
        return self.url

    # --- the caller's thread --------------------------------------------------------------

    def close(self) -> None:
        """Stop serving, release stalled requests and close open connections."""
        if self._thread.is_alive() and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
            self._thread.join()
        self._socket.close()

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


async def _next_event(conn: h11.Connection, reader: asyncio.StreamReader) -> object:
    while True:
        event = conn.next_event()
        if event is not h11.NEED_DATA:
            return event
        data = await asyncio.wait_for(reader.read(_READ_SIZE), IDLE_TIMEOUT)
        conn.receive_data(data)  # b"" tells h11 the client closed


async def _read_body(
    conn: h11.Connection, reader: asyncio.StreamReader, request: h11.Request
) -> bytes:
    length = dict(request.headers).get(b"content-length")
    if length is not None and int(length) > MAX_BODY_BYTES:  # h11 checked it is a number
        raise _Reject(413, f"request body over {MAX_BODY_BYTES} bytes")
    chunks: list[bytes] = []
    size = 0
    while True:
        event = await _next_event(conn, reader)
        if isinstance(event, h11.EndOfMessage):
            return b"".join(chunks)
        if isinstance(event, h11.Data):
            size += len(event.data)
            if size > MAX_BODY_BYTES:
                raise _Reject(413, f"request body over {MAX_BODY_BYTES} bytes")
            chunks.append(event.data)
        elif isinstance(event, h11.ConnectionClosed):
            raise ConnectionResetError("client closed mid-request")


def _path(request: h11.Request) -> str:
    """The request target as a path and query. Absolute-form targets (``http://host/path``,
    as sent to proxies) are accepted as RFC 9112 requires; anything else not starting with
    ``/`` (other than ``OPTIONS *``) is refused."""
    target = request.target.decode("ascii", "replace")
    if target == "*":
        if request.method != b"OPTIONS":
            raise _Reject(400, "the target * is only valid for OPTIONS")
        return target
    if target.startswith("/"):
        return target
    parts = urlsplit(target)
    if parts.scheme in ("http", "https") and parts.netloc:
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    raise _Reject(400, f"request target must start with '/': {target[:80]!r}")


async def _send(
    conn: h11.Connection,
    writer: asyncio.StreamWriter,
    status: int,
    headers: list[tuple[str, str]],
    body: bytes,
) -> None:
    given = any(name.lower() == "content-length" for name, _ in headers)
    framing = [] if status in (204, 304) or given else [("Content-Length", str(len(body)))]
    if conn.their_state is not h11.DONE:  # answering before the request was read: close
        framing.append(("Connection", "close"))
    reason = _REASONS.get(status, b"")
    data = conn.send(h11.Response(status_code=status, headers=[*headers, *framing], reason=reason))
    if body and status not in (204, 304):
        data = (data or b"") + (conn.send(h11.Data(data=body)) or b"")
    data = (data or b"") + (conn.send(h11.EndOfMessage()) or b"")
    if writer.is_closing():
        return
    writer.write(data)
    await writer.drain()


async def _send_error(
    conn: h11.Connection, writer: asyncio.StreamWriter, status: int, message: str
) -> None:
    """Answer a request that cannot be served, if the connection still allows an answer."""
    if conn.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
        return
    body = json.dumps(
        {"code": "INVALID_REQUEST", "details": {}, "message": message, "status": "error"}
    ).encode()
    headers = [("Content-Type", "application/json;charset=UTF-8"), ("Connection", "close")]
    with contextlib.suppress(h11.LocalProtocolError):
        await _send(conn, writer, status, headers, body)


async def _linger(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Close after an error answer without losing it: closing a socket with unread input makes
    the kernel send a reset, which can destroy the answer before the client reads it. So stop
    writing, and read and discard what the client still sends, for a little while."""
    with contextlib.suppress(ConnectionError, OSError, TimeoutError):
        if writer.can_write_eof():
            writer.write_eof()
        async with asyncio.timeout(2.0):
            for _ in range(256):  # at most 16 MiB
                if not await reader.read(_READ_SIZE):
                    break


def _is_ipv6(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).version == 6
    except ValueError:
        return False


def _url_host(host: str) -> str:
    """A host that clients can put in a URL: loopback for the wildcard addresses."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host.strip('[]')}]" if _is_ipv6(host) else host
