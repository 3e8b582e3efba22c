"""The OpenAI SDK on an ``httpx`` client, the HTTP library respx intercepts.

The SDK sends through ``httpx2`` by default and types its ``http_client`` parameter as an
``httpx2`` client only, yet it accepts a legacy ``httpx`` client at runtime and sends through it
(``openai._base_client`` checks ``is_legacy_httpx_async_client``). These functions say that to
the type checker in one place, so the tests hand the SDK the client respx mocks.
"""

from __future__ import annotations

from typing import cast

import httpx
import httpx2


def openai_http(client: httpx.AsyncClient | None = None) -> httpx2.AsyncClient:
    """``client`` (a plain ``httpx.AsyncClient`` when none is given), typed as the
    ``AsyncOpenAI(http_client=...)`` parameter."""
    return cast("httpx2.AsyncClient", client or httpx.AsyncClient())


def openai_sync_http(client: httpx.Client | None = None) -> httpx2.Client:
    """``client`` (a plain ``httpx.Client`` when none is given), typed as the
    ``OpenAI(http_client=...)`` parameter."""
    return cast("httpx2.Client", client or httpx.Client())
