"""Fault injection: added latency and failed responses, for tests and benchmarks.

``sb.faults.fail_next(n=1, kind=503, method=None, path=None, after_commit=False)`` makes the
next ``n`` requests that match ``method`` (any when None) and ``path`` fail with ``kind``:

- ``429``: ``TOO_MANY_REQUESTS`` with a Zoho-style JSON body (the exact body is [UNVERIFIED]);
- ``500``: ``INTERNAL_ERROR`` "Internal Server Error" (Zoho's JSON body);
- ``502`` / ``503``: an HTML page, as a gateway in front of Zoho answers (not JSON!);
- ``"drop"``: the connection closes without a response (in-process:
  :class:`httpx.RemoteProtocolError`; over HTTP the server closes the socket);
- ``"timeout"``: no response in time (in-process: :class:`httpx.ReadTimeout`; over HTTP the
  server stalls until the client gives up, ``stall_seconds`` pass, or the server stops).

``path`` is a glob on the URL path (``"/crm/v7/Contacts*"``), or a regular expression when it
is a compiled :class:`re.Pattern` or a string starting with ``^``. With ``after_commit=True``
the request is processed (a write is committed) and only then the response fails, to prove a
client never duplicates a write when it retries. Faults match OAuth requests too unless
``path`` excludes them. Rules are consumed in the order they were added.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

from zoho_tools.sandbox.errors import internal_error
from zoho_tools.sandbox.http_reply import HttpReply

FaultKind = Literal[429, 500, 502, 503, "drop", "timeout"]
_KINDS: frozenset[object] = frozenset({429, 500, 502, 503, "drop", "timeout"})


@dataclass
class Fault:
    """One armed rule; ``remaining`` counts down as matching requests consume it."""

    kind: FaultKind
    remaining: int
    method: str | None
    path: str | re.Pattern[str] | None
    after_commit: bool

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.path is None:
            return True
        if isinstance(self.path, re.Pattern):
            return self.path.search(path) is not None
        if self.path.startswith("^"):
            return re.search(self.path, path) is not None
        return fnmatchcase(path, self.path)


class Faults:
    """Latency and scheduled failures (thread-safe)."""

    def __init__(self) -> None:
        self.latency: float = 0.0
        self.stall_seconds: float = 30.0
        self._rules: list[Fault] = []
        self._lock = threading.Lock()

    def fail_next(
        self,
        n: int = 1,
        kind: FaultKind = 503,
        method: str | None = None,
        path: str | re.Pattern[str] | None = None,
        after_commit: bool = False,
    ) -> None:
        """Fail the next ``n`` matching requests with ``kind`` (see the module docstring)."""
        if kind not in _KINDS:
            raise ValueError(
                f"unknown fault kind {kind!r}; "
                "expected one of 429, 500, 502, 503, 'drop', 'timeout'"
            )
        if n < 1:
            raise ValueError("n must be at least 1")
        with self._lock:
            self._rules.append(Fault(kind, n, method, path, after_commit))

    def clear(self) -> None:
        """Disarm every rule and remove the latency."""
        with self._lock:
            self._rules.clear()
            self.latency = 0.0

    @property
    def pending(self) -> int:
        """How many failures are still armed."""
        with self._lock:
            return sum(rule.remaining for rule in self._rules)

    def take(self, method: str, path: str) -> Fault | None:
        """Consume and return the first rule matching this request, if any."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path):
                    rule.remaining -= 1
                    if rule.remaining == 0:
                        self._rules.remove(rule)
                    return rule
        return None


_GATEWAY_PAGES = {
    502: "<html><head><title>502 Bad Gateway</title></head>"
    "<body><h1>502 Bad Gateway</h1></body></html>",
    503: "<html><head><title>503 Service Unavailable</title></head>"
    "<body><h1>503 Service Unavailable</h1></body></html>",
}


def fault_reply(kind: FaultKind) -> HttpReply:
    """The answer for an HTTP-status fault (``drop``/``timeout`` have none)."""
    if kind == 429:
        body = {
            "code": "TOO_MANY_REQUESTS",
            "details": {},
            "message": "Number of API requests for the 24 hour period is exceeded or the "
            "concurrency limit of the user for the app is exceeded.",
            "status": "error",
        }
        return HttpReply(429, body)
    if kind == 500:
        return HttpReply(500, internal_error().body())
    if kind in _GATEWAY_PAGES:
        return HttpReply(int(kind), text=_GATEWAY_PAGES[int(kind)])
    raise ValueError(f"fault {kind!r} has no HTTP answer")
