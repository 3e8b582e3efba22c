"""Test helpers: a served sandbox, and a simulated browser."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from zoho_tools.sandbox import Sandbox, SandboxServer


@dataclass
class Served:
    """A sandbox and the loopback server in front of it."""

    sb: Sandbox
    server: SandboxServer

    @property
    def url(self) -> str:
        return self.server.url

    def token_posts(self) -> int:
        return len(self.sb.log.matching("POST", "/oauth/v2/token"))


class Browser:
    """The user's browser: opens a URL in its own thread (the flow waits on the event loop) and
    follows redirects, as a user clicking "Accept" on Zoho's consent page would.

    ``rewrite`` changes the URL before it is opened; ``tamper_redirect`` changes each redirect's
    ``Location`` before it is followed.
    """

    def __init__(
        self,
        *,
        rewrite: Callable[[str], str] | None = None,
        tamper_redirect: Callable[[str], str] | None = None,
    ) -> None:
        self.rewrite = rewrite
        self.tamper_redirect = tamper_redirect
        self.opened: list[str] = []
        self.redirects: list[str] = []
        self.final: httpx.Response | None = None
        self._threads: list[threading.Thread] = []
        self._errors: list[BaseException] = []

    def open(self, url: str) -> bool:
        self.opened.append(url)
        thread = threading.Thread(target=self._browse, args=(url,))
        thread.start()
        self._threads.append(thread)
        return True

    def join(self) -> None:
        """Wait for the browser to finish, re-raising what went wrong in it."""
        for thread in self._threads:
            thread.join(timeout=30)
        if self._errors:
            raise self._errors[0]

    def _browse(self, url: str) -> None:
        try:
            with httpx.Client() as client:
                response = client.get(self.rewrite(url) if self.rewrite else url)
                while response.is_redirect:
                    location = response.headers["Location"]
                    if self.tamper_redirect:
                        location = self.tamper_redirect(location)
                    self.redirects.append(location)
                    response = client.get(location)
                self.final = response
        except BaseException as exc:  # re-raised by join()
            self._errors.append(exc)
