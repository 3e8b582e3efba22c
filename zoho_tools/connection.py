"""The composition root: where settings, OAuth, the sandbox and the executor are wired together.

Everything that turns configuration into something that sends requests is built here, and only
here: an org's OAuth client (:func:`oauth_client`) and auth (:func:`org_auth`), the embedded
sandbox's auth (:func:`sandbox_auth`), where an org's tokens live (:func:`token_store`),
executors for either (:func:`org_executor`, :func:`sandbox_executor`), and :func:`open_backend`,
which the command line, the servers and library users call: the connected org when asked for
(and connected), otherwise the embedded sandbox with its demo org, saying so. The layers below
know nothing of this: :mod:`zoho_tools.auth` takes a token store and an ``httpx.AsyncClient``,
the executor takes an ``httpx.Auth`` and a transport. Tests build their executors with these
same functions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

import httpx

from zoho_tools.executor import Executor, RetryPolicy

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from redis.asyncio import Redis

    from zoho_tools.auth import OAuthClient, ZohoAuth
    from zoho_tools.auth.store import AsyncTokenStore, TokenStore
    from zoho_tools.auth.tokens import TokenSet
    from zoho_tools.config import Settings
    from zoho_tools.sandbox import Sandbox


class ExecutorOptions(TypedDict, total=False):
    """How an executor behaves, whatever it talks to (see :class:`~zoho_tools.executor.Executor`):
    its per-request ``timeout``, ``retry`` policy, org-metadata ``metadata_ttl``, and the
    ``sleep``/``clock``/``jitter`` a test replaces to control time."""

    timeout: float
    retry: RetryPolicy | None
    metadata_ttl: float | None
    max_records: int
    sleep: Callable[[float], Awaitable[None]]
    clock: Callable[[], float]
    jitter: Callable[[], float]


# -- auth ----------------------------------------------------------------------------------------


def oauth_client(
    settings: Settings,
    *,
    http: httpx.AsyncClient,
    credentials: tuple[str, str] | None = None,
    accounts_server: str | None = None,
    clock: Callable[[], float] = time.time,
) -> OAuthClient:
    """The OAuth client of ``settings``: its client id and secret (or ``credentials``, e.g.
    typed in by the user) at its accounts server (or ``accounts_server``, e.g. a token's own),
    sending through ``http`` within ``settings.request_timeout``. Without configured
    credentials, the id and secret stored with the tokens are used for refreshing."""
    from zoho_tools.auth import OAuthClient

    client_id, secret = credentials or settings.client_credentials() or ("", "")
    return OAuthClient(
        client_id,
        secret,
        accounts_server=accounts_server or settings.accounts_server,
        http=http,
        clock=clock,
        timeout=settings.request_timeout,
    )


def org_auth(
    settings: Settings,
    *,
    http: httpx.AsyncClient,
    clock: Callable[[], float] = time.time,
    store: TokenStore | AsyncTokenStore | None = None,
) -> ZohoAuth:
    """The auth for the account ``zoho-tools connect`` stored in ``store`` (default: the token
    file at ``settings.token_store``).

    ``http`` carries the token requests (async flow). The client id and secret stored with the
    tokens are used for refreshing; the configured ones otherwise. Nothing is read until the first
    request (or :attr:`~zoho_tools.auth.ZohoAuth.api_domain`), which raises
    :class:`~zoho_tools.auth.NotConnected` if nothing is stored.
    """
    from zoho_tools.auth import ZohoAuth
    from zoho_tools.auth.store import FileTokenStore

    oauth = oauth_client(settings, http=http, clock=clock)
    return ZohoAuth(store or FileTokenStore(settings.token_store), oauth, clock=clock)


def sandbox_auth(
    sandbox: Sandbox,
    *,
    http: httpx.AsyncClient,
    scopes: Iterable[str] | None = None,
    clock: Callable[[], float] | None = None,
    served_at: str | None = None,
) -> ZohoAuth:
    """The auth for the embedded sandbox: a token of its demo client (of ``scopes``; default:
    all), kept in memory.

    ``http`` carries the refreshes: give it ``transport=sandbox.async_transport()``, or a real
    transport when the sandbox is served at ``served_at`` (its loopback URL, which is then the
    token's accounts server and API domain). ``clock`` defaults to the sandbox's, so a test that
    moves the sandbox's clock expires the token for both sides.
    """
    from zoho_tools.auth import MemoryTokenStore, OAuthClient, TokenSet, ZohoAuth

    clock = clock or sandbox.clock
    base_url = served_at or sandbox.base_url
    issued = sandbox.issue_token(scopes)
    if served_at is not None:
        issued = {**issued, "api_domain": served_at}  # as if served there from the start
    token = TokenSet.from_response(issued, accounts_server=base_url, now=clock())
    oauth = OAuthClient(
        sandbox.DEMO_CLIENT_ID,
        sandbox.DEMO_CLIENT_SECRET,
        accounts_server=base_url,
        http=http,
        clock=clock,
    )
    return ZohoAuth(MemoryTokenStore(token), oauth, clock=clock)


def token_store(
    settings: Settings, *, tenant: str | None = None, redis: Redis | None = None
) -> TokenStore | AsyncTokenStore:
    """Where the tokens of ``tenant`` (None: the one org of a service without tenants) live:
    Redis, encrypted with ``settings.token_keys()``, when ``redis`` is given; else the token file
    (the tenant's own under ``tenants/``).

    Raises:
        ConfigError: Redis without ``ZOHO_TOOLS_TOKEN_KEY``, or a key that is too short.
    """
    from zoho_tools.auth.store import FileTokenStore
    from zoho_tools.shared import DEFAULT_TENANT

    if redis is not None:
        from zoho_tools.auth.redis_store import RedisTokenStore, TokenCipher
        from zoho_tools.config import ConfigError

        keys = settings.token_keys()
        if not keys:
            raise ConfigError(
                "tokens in Redis are encrypted: set ZOHO_TOOLS_TOKEN_KEY to a secret of 32+ bytes "
                '(`python -c "import secrets; print(secrets.token_hex(32))"`), the same on '
                "every worker"
            )
        cipher = TokenCipher(keys)
        return RedisTokenStore(redis, cipher, tenant=tenant or DEFAULT_TENANT)
    path = settings.tenant(tenant).token_store if tenant else settings.token_store
    return FileTokenStore(path)


def can_refresh(settings: Settings, token: TokenSet) -> bool:
    """Whether ``token`` can be refreshed: it has a refresh token, and the client id and secret
    are configured in ``settings`` or were stored with it by ``zoho-tools connect``."""
    has_client = bool(token.client_id and token.client_secret)
    return bool(token.refresh_token) and (has_client or settings.client_credentials() is not None)


def credentials_present(settings: Settings) -> bool:
    """Whether Zoho can be called with the token file of ``settings``: stored tokens that
    :func:`can_refresh`, or a stored access token that has not expired yet.

    Raises:
        TokenStoreError: the token file exists but cannot be read (it is not "no tokens").
    """
    from zoho_tools.auth.store import FileTokenStore

    token = FileTokenStore(settings.token_store).load()
    if token is None:
        return False
    return can_refresh(settings, token) or not token.expires_within(0, time.time())


# -- executors -----------------------------------------------------------------------------------


def sandbox_executor(
    sandbox: Sandbox,
    *,
    scopes: Iterable[str] | None = None,
    authenticated: bool = True,
    served_at: str | None = None,
    api_domain: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    **options: Unpack[ExecutorOptions],
) -> Executor:
    """An executor talking to ``sandbox``, authenticated like a real client: a token of the
    sandbox's demo OAuth client (of ``scopes``; default: all), refreshed through the sandbox's
    own accounts server. Not ``authenticated``: requests carry no token at all.

    In-process by default; ``served_at`` is the URL the sandbox is served at on loopback
    (:meth:`~zoho_tools.sandbox.Sandbox.serve`), and then API calls and refreshes go over HTTP
    there, the API base following the token as for a real org. ``api_domain`` and
    ``transport`` send the CRM requests elsewhere (a wrapper of the sandbox's transport that
    observes, delays or drops them; another sandbox as another data centre). ``options``:
    see :class:`ExecutorOptions` (``metadata_ttl`` reads the sandbox org's own picklists and
    mandatory fields, as :func:`org_executor` does for a real org).
    """
    if served_at is not None:
        # Explicit transports: a proxy from the environment must never see loopback traffic.
        token_http = httpx.AsyncClient(transport=httpx.AsyncHTTPTransport())
        crm_transport = transport or httpx.AsyncHTTPTransport()
    else:
        token_http = httpx.AsyncClient(transport=sandbox.async_transport())
        crm_transport = transport or sandbox.async_transport()
    auth = (
        sandbox_auth(sandbox, http=token_http, scopes=scopes, served_at=served_at)
        if authenticated
        else None
    )
    return Executor(
        api_domain=api_domain or _sandbox_api_domain(sandbox, auth, served_at),
        auth=auth,
        transport=crm_transport,
        resources=(token_http,),
        **options,
    )


def _sandbox_api_domain(
    sandbox: Sandbox, auth: ZohoAuth | None, served_at: str | None
) -> str | Callable[[], str]:
    """Where a sandbox's CRM API is: in-process at its base URL; served, the token's
    ``api_domain`` (followed as for a real org), or the served URL without a token."""
    if served_at is None:
        return sandbox.base_url
    if auth is None:
        return served_at

    def from_token() -> str:
        return auth.api_domain

    return from_token


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
    from zoho_tools.org import DEFAULT_TTL

    token_http = httpx.AsyncClient(timeout=settings.request_timeout)
    auth = org_auth(settings, http=token_http, store=store)

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
    redis: Redis | None = None,
    tenant: str | None = None,
) -> Backend:
    """The connected org when ``use_org`` (raising :class:`~zoho_tools.auth.NotConnected` if
    nothing is stored in the token file), else the embedded sandbox with demo data, announced
    through ``notice`` (by default a warning on the ``zoho_tools`` logger).

    ``settings`` are the org's own (a tenant's: :meth:`Settings.tenant`). With ``redis``, the
    org's tokens are read from there (under ``tenant``, None: the one org of a service without
    tenants), which the caller has checked (an async store is read only from the event loop).

    Raises:
        NotConnected: ``use_org`` and no usable tokens are stored in the token file.
        TokenStoreError: ``use_org`` and the token file exists but cannot be read.
        ValueError: ``use_org`` and ``redis`` without a usable ``ZOHO_TOOLS_TOKEN_KEY``.
    """
    if use_org:
        from zoho_tools.auth import NotConnected

        if redis is not None:
            store = token_store(settings, tenant=tenant, redis=redis)
            executor = org_executor(settings, store=store)
            # The API domain is in the token, which Redis gives only in the event loop.
            return Backend(executor, f"Zoho CRM at {settings.api_base or 'its data centre'}")
        if not credentials_present(settings):
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
