"""The sandbox as a real HTTP/1.1 server on loopback, answering through :meth:`Sandbox.handle`.

    with sb.serve(host="127.0.0.1", port=0) as server:
        httpx.get(f"{server.url}/crm/v7/users", headers=...)

Each request is turned into an :class:`httpx.Request` carrying the server's URL (so token
responses and redirects advertise it) and answered by the same code as the in-process
transports. Injected ``drop`` faults close the socket without an answer; ``timeout`` faults
stall until the client hangs up, ``faults.stall_seconds`` pass or the server stops.
Connections are kept alive between requests; :meth:`SandboxServer.close` (or leaving the
``with`` block) stops the server and closes every open connection.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING

import httpx

from zoho_tools.sandbox.core import ORIGIN_EXTENSION

if TYPE_CHECKING:
    from zoho_tools.sandbox.core import Sandbox

# Hop-by-hop and framing headers: the server handles these, httpx recomputes them.
_SKIPPED_HEADERS = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive"})


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 resets bursts of concurrent clients (benchmarks).
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        super().__init__(address, _Handler)
        self.sandbox = sandbox
        self.url = ""
        self.stopping = threading.Event()
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):  # the client or a drop fault closed the socket
            super().finish()

    def log_message(self, format: str, *args: object) -> None:
        """Silence the default per-request stderr line."""

    def _answer(self) -> None:
        request = httpx.Request(
            self.command,
            self.server.url + self.path,
            headers=[(k, v) for k, v in self.headers.items() if k.lower() not in _SKIPPED_HEADERS],
            content=self._read_body(),
            extensions={ORIGIN_EXTENSION: self.server.url},
        )
        try:
            response = self.server.sandbox.handle(request)
        except httpx.TimeoutException:
            self.server.stopping.wait(self.server.sandbox.faults.stall_seconds)
            self._hang_up()
        except httpx.TransportError:
            self._hang_up()
        else:
            self._write(response)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _answer

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _write(self, response: httpx.Response) -> None:
        body = response.content
        self.send_response(response.status_code)
        for key, value in response.headers.items():
            if key.lower() not in _SKIPPED_HEADERS:
                self.send_header(key, value)
        if response.status_code not in (204, 304):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def _hang_up(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class SandboxServer:
    """A running server; ``url`` is its base URL (``http://127.0.0.1:<port>``)."""

    def __init__(self, sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> None:
        self._httpd = _HTTPServer((host, port), sandbox)
        self.host = host
        self.port = int(self._httpd.server_address[1])
        self.url = self._httpd.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"zoho-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def close(self) -> None:
        """Stop serving, release stalled requests and close open connections."""
        self._httpd.stopping.set()
        self._httpd.shutdown()
        with self._httpd.connections_lock:
            for connection in self._httpd.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
        self._httpd.server_close()
        self._thread.join()

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
