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
    from redis.asyncio import Redis

    from zoho_tools.auth.store import AsyncTokenStore, TokenStore
    from zoho_tools.config import Settings
    from zoho_tools.sandbox import Sandbox


def sandbox_executor(
    sandbox: Sandbox,
    *,
    timeout: float = 8.0,
    retry: RetryPolicy | None = None,
    metadata_ttl: float | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Executor:
    """An executor talking to ``sandbox`` in-process, authenticated like a real client: a token of
    the sandbox's demo OAuth client, refreshed through the sandbox's own accounts server.
    ``metadata_ttl`` makes it read the sandbox org's own picklists and mandatory fields, as
    :func:`org_executor` does for a real org. ``transport`` carries the CRM requests instead of
    the sandbox's own (a wrapper of it that observes, delays or drops them)."""
    from zoho_tools.auth import sandbox_auth

    token_http = httpx.AsyncClient(transport=sandbox.async_transport())
    auth = sandbox_auth(sandbox, http=token_http)
    return Executor(
        api_domain=sandbox.base_url,
        auth=auth,
        transport=transport or sandbox.async_transport(),
        timeout=timeout,
        retry=retry,
        resources=(token_http,),
        metadata_ttl=metadata_ttl,
    )


def token_store(
    settings: Settings, *, tenant: str | None = None, redis: Redis | None = None
) -> TokenStore | AsyncTokenStore:
    """Where the tokens of ``tenant`` (None: the one org of a service without tenants) live:
    Redis, encrypted with ``settings.token_keys()``, when ``redis`` is given; else the token file
    (the tenant's own under ``tenants/``).

    Raises:
        ValueError: Redis without ``ZOHO_TOOLS_TOKEN_KEY``, or a key that is too short.
    """
    from zoho_tools.auth.store import FileTokenStore
    from zoho_tools.shared import DEFAULT_TENANT

    if redis is not None:
        from zoho_tools.auth.redis_store import RedisTokenStore, TokenCipher

        cipher = TokenCipher(settings.token_keys())
        return RedisTokenStore(redis, cipher, tenant=tenant or DEFAULT_TENANT)
    path = settings.tenant(tenant).token_store if tenant else settings.token_store
    return FileTokenStore(path)


def org_executor(
    settings: Settings, *, store: TokenStore | AsyncTokenStore | None = None
) -> Executor:
    """An executor for the org that ``zoho-tools connect`` stored tokens for (in ``store``;
    default: the token file).

    The API base is ``settings.api_base`` when set, else the ``api_domain`` of the stored token
    (Zoho's answer to which data centre the org lives in). Nothing is read until the first call
    (an async store: until :meth:`Backend.ready`); with nothing stored, calls answer
    ``NOT_CONNECTED``. Writes are checked against the org's own picklists and mandatory fields
    (:mod:`zoho_tools.org`), read once per module and kept for
    :data:`~zoho_tools.org.DEFAULT_TTL` seconds.
    """
    from zoho_tools.auth import auth_from_settings
    from zoho_tools.org import DEFAULT_TTL

    token_http = httpx.AsyncClient(timeout=settings.request_timeout)
    auth = auth_from_settings(settings, http=token_http, store=store)

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

    async def ready(self) -> None:
        """Read the stored tokens if not read yet (a token store in Redis is read only from the
        event loop; the API domain comes from the token). Nothing stored is no error here: the
        calls answer ``NOT_CONNECTED``."""
        from zoho_tools.auth import NotConnected, ZohoAuth

        auth = self.executor.auth
        if isinstance(auth, ZohoAuth):
            try:
                await auth.load()
            except NotConnected:
                return

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
    settings: Settings,
    *,
    use_org: bool = False,
    notice: Callable[[str], Any] = _log_notice,
    store: TokenStore | AsyncTokenStore | None = None,
) -> Backend:
    """The connected org when ``use_org`` (raising :class:`~zoho_tools.auth.NotConnected` if
    nothing is stored in the token file), else the embedded sandbox with demo data, announced
    through ``notice`` (by default a warning on the ``zoho_tools`` logger). ``store``: the org's
    tokens elsewhere (Redis), checked by the caller.

    Raises:
        NotConnected: ``use_org`` and no usable tokens are stored.
        TokenStoreError: ``use_org`` and the token file exists but cannot be read.
    """
    if use_org:
        from zoho_tools.auth import NotConnected

        if store is None and not settings.credentials_present():
            raise NotConnected(str(settings.token_store))
        executor = org_executor(settings, store=store)
        # The API domain is in the token: a file is read now, Redis only from the event loop.
        where = executor.api_domain if store is None else settings.api_base or "its data centre"
        return Backend(executor, f"Zoho CRM at {where}")
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
