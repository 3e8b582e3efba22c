"""What a sandbox handler answers, before it becomes an :class:`httpx.Response`.

Keeping the JSON body as a Python value lets the request log record it without re-parsing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

JSON_CONTENT_TYPE = "application/json;charset=UTF-8"


@dataclass(frozen=True, slots=True)
class HttpReply:
    """An HTTP answer: a JSON ``body`` (None: no body) or a ``text`` body."""

    status: int
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    text: str | None = None

    def to_response(self) -> httpx.Response:
        headers = dict(self.headers)
        if self.text is not None:
            headers.setdefault("Content-Type", "text/html;charset=UTF-8")
            return httpx.Response(self.status, headers=headers, content=self.text.encode())
        if self.body is None:
            return httpx.Response(self.status, headers=headers)
        headers["Content-Type"] = JSON_CONTENT_TYPE
        content = json.dumps(self.body, separators=(",", ":")).encode()
        return httpx.Response(self.status, headers=headers, content=content)


def json_reply(status: int, body: Any) -> HttpReply:
    return HttpReply(status, body)


NO_CONTENT = HttpReply(204)
