"""Where requests go: the embedded sandbox or a connected Zoho org, ready as an executor.

:func:`open_backend` is what the command line uses: the connected org when asked for (and
connected), otherwise the embedded sandbox with its demo org, saying so. Library users can build
either directly with :func:`sandbox_executor` and :func:`org_executor`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from zoho_tools.executor import Executor, RetryPolicy

if TYPE_CHECKING:
    from zoho_tools.config import Settings
    from zoho_tools.sandbox import Sandbox


def sandbox_executor(
    sandbox: Sandbox,
    *,
    timeout: float = 8.0,
    retry: RetryPolicy | None = None,
    metadata_ttl: float | None = None,
) -> Executor:
    """An executor talking to ``sandbox`` in-process, authenticated like a real client: a token of
    the sandbox's demo OAuth client, refreshed through the sandbox's own accounts server.
    ``metadata_ttl`` makes it read the sandbox org's own picklists and mandatory fields, as
    :func:`org_executor` does for a real org."""
    from zoho_tools.auth import sandbox_auth

    token_http = httpx.AsyncClient(transport=sandbox.async_transport())
    auth = sandbox_auth(sandbox, http=token_http)
    return Executor(
        api_domain=sandbox.base_url,
        auth=auth,
        transport=sandbox.async_transport(),
        timeout=timeout,
        retry=retry,
        resources=(token_http,),
        metadata_ttl=metadata_ttl,
    )


def org_executor(settings: Settings) -> Executor:
    """An executor for the org that ``zoho-tools connect`` stored tokens for.

    The API base is ``settings.api_base`` when set, else the ``api_domain`` of the stored token
    (Zoho's answer to which data centre the org lives in). Nothing is read until the first call;
    with nothing stored, calls answer ``NOT_CONNECTED``. Writes are checked against the org's own
    picklists and mandatory fields (:mod:`zoho_tools.org`), read once per module and kept for
    :data:`~zoho_tools.org.DEFAULT_TTL` seconds.
    """
    from zoho_tools.auth import auth_from_settings
    from zoho_tools.org import DEFAULT_TTL

    token_http = httpx.AsyncClient(timeout=settings.request_timeout)
    auth = auth_from_settings(settings, http=token_http)

    def api_domain() -> str:
        return settings.api_base or auth.api_domain

    return Executor(
        api_domain=api_domain,
        auth=auth,
        timeout=settings.request_timeout,
        retry=RetryPolicy(budget=settings.retry_budget),
        resources=(token_http,),
        metadata_ttl=DEFAULT_TTL,
    )


@dataclass
class Backend:
    """An executor and what it talks to. ``variables`` are call variables the backend provides
    (the sandbox's demo service and owner, so appointments can be booked there)."""

    executor: Executor
    description: str
    sandbox: Sandbox | None = None
    variables: dict[str, Any] = field(default_factory=dict)

    async def aclose(self) -> None:
        await self.executor.aclose()


logger = logging.getLogger("zoho_tools")

SANDBOX_NOTICE = (
    "No Zoho connection in use: talking to the embedded sandbox (a demo org in memory). "
    "Run `zoho-tools connect`, then pass --org, to use your Zoho CRM."
)


def _log_notice(text: str) -> None:
    # A warning, so that it shows on stderr even where logging is not configured; never on
    # stdout, which may carry a protocol (the MCP stdio server) or a script's output.
    logger.warning(text)


def open_backend(
    settings: Settings, *, use_org: bool = False, notice: Callable[[str], Any] = _log_notice
) -> Backend:
    """The connected org when ``use_org`` (raising :class:`~zoho_tools.auth.NotConnected` if
    nothing is stored), else the embedded sandbox with demo data, announced through ``notice``
    (by default a warning on the ``zoho_tools`` logger).

    Raises:
        NotConnected: ``use_org`` and no usable tokens are stored.
        TokenStoreError: ``use_org`` and the token file exists but cannot be read.
    """
    if use_org:
        from zoho_tools.auth import NotConnected

        if not settings.credentials_present():
            raise NotConnected(str(settings.token_store))
        executor = org_executor(settings)
        return Backend(executor, f"Zoho CRM at {executor.api_domain}")
    from zoho_tools.sandbox import Sandbox

    notice(SANDBOX_NOTICE)
    sandbox = Sandbox(seed="demo")
    return Backend(
        sandbox_executor(
            sandbox,
            timeout=settings.request_timeout,
            retry=RetryPolicy(budget=settings.retry_budget),
        ),
        "embedded sandbox",
        sandbox=sandbox,
        variables=demo_variables(sandbox),
    )


def demo_variables(sandbox: Sandbox) -> dict[str, Any]:
    """The sandbox demo org's appointment service and its owner, as call variables."""
    services = sandbox.find("Services__s", Service_Name="Consultation")
    variables: dict[str, Any] = {"owner_id": sandbox.current_user_id}
    if services:
        variables["service_id"] = services[0]["id"]
    return variables
