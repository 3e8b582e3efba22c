"""``zoho-tools connect``, ``status`` and ``disconnect``: link a Zoho CRM account, show the link,
undo it. No secret is ever printed.

The browser can be replaced through the click context object (``obj={"open_browser": f}``),
which is how the tests play the user's part without a real browser.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import click

from zoho_tools.auth.regions import REGIONS
from zoho_tools.cli._services import REDIS_HELP

if TYPE_CHECKING:
    import httpx

    from zoho_tools.auth.errors import OAuthError
    from zoho_tools.auth.store import AsyncTokenStore, TokenStore
    from zoho_tools.auth.tokens import TokenSet
    from zoho_tools.config import Settings

T = TypeVar("T")


def _region_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from zoho_tools.auth.regions import region

    try:
        return region(value).code if value else None
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@click.option(
    "--region",
    callback=_region_option,
    help=f"Zoho data centre ({', '.join(REGIONS)}; default: configured, else US).",
)
@click.option("--client-id", help="OAuth client id (default: ZOHO_TOOLS_CLIENT_ID / config).")
@click.option(
    "--client-secret",
    help="OAuth client secret (default: ZOHO_TOOLS_CLIENT_SECRET / config; prompted if unset).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Port of the loopback callback (0: any free port). Default 8765.",
)
@click.option("--no-browser", is_flag=True, help="Only print the URL; do not open a browser.")
@click.option("--accounts-url", help="Start at this accounts server instead of the region's.")
@click.option("--scopes", help="Comma-separated OAuth scopes (default: what the catalog needs).")
@click.option("--self-client", is_flag=True, help="Use a Self Client grant token (--code).")
@click.option("--code", help="With --self-client: the grant token from the Zoho API console.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=None,
    help="Seconds to wait for the consent in the browser (default 300).",
)
@click.option(
    "--tenant",
    metavar="NAME",
    help="Connect this tenant's org (its [tenants.NAME] table; its own token store).",
)
@click.option("--redis", "redis_url", metavar="URL", help=REDIS_HELP)
@click.pass_context
def connect(
    ctx: click.Context,
    region: str | None,
    client_id: str | None,
    client_secret: str | None,
    port: int | None,
    no_browser: bool,
    accounts_url: str | None,
    scopes: str | None,
    self_client: bool,
    code: str | None,
    timeout: float | None,
    tenant: str | None,
    redis_url: str | None,
) -> None:
    """Connect a Zoho CRM account and store its tokens.

    Opens Zoho's consent page, receives the answer on http://127.0.0.1:PORT/callback (register
    that redirect URI for your client), and stores the tokens owner-only. With --self-client,
    exchanges a grant token from a Self Client instead (no redirect).
    """
    from zoho_tools.auth.connect import (
        DEFAULT_CALLBACK_PORT,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_SCOPES,
        connect_self_client,
        connect_with_browser,
        current_user,
    )

    if self_client and not code:
        raise click.UsageError("--self-client needs --code GRANT_TOKEN from the Zoho API console")
    if code and not self_client:
        raise click.UsageError("--code goes with --self-client")
    settings = _settings(
        tenant, redis_url, region=region, client_id=client_id, accounts_url=accounts_url
    )
    client_id = settings.client_id or click.prompt("Client id")
    secret = (
        client_secret
        or (settings.client_secret and settings.client_secret.get_secret_value())
        or click.prompt("Client secret", hide_input=True)
    )
    scope_list = tuple(s.strip() for s in scopes.split(",") if s.strip()) if scopes else None
    opener: Callable[[str], object] | None = None
    if not no_browser:
        import webbrowser

        opener = (ctx.obj or {}).get("open_browser", webbrowser.open)

    async def run() -> tuple[TokenSet, str | None, str]:
        from zoho_tools.connection import oauth_client

        async with _store(settings, tenant) as (store, where), _http(settings) as http:
            oauth = oauth_client(settings, http=http, credentials=(client_id, secret))
            if self_client:
                token = await connect_self_client(oauth, store, code or "")
            else:
                token = await connect_with_browser(
                    oauth,
                    store,
                    scopes=scope_list or DEFAULT_SCOPES,
                    port=DEFAULT_CALLBACK_PORT if port is None else port,
                    open_browser=opener,
                    timeout=timeout or DEFAULT_CONNECT_TIMEOUT,
                    echo=click.echo,
                )
            return token, await current_user(http, token), where

    token, who, where = _run(run())
    click.echo(f"Connected to Zoho CRM{f' as {who}' if who else ''}.")
    _describe(token, where, refreshable=bool(token.refresh_token))
    _warn_missing_scopes(token)


def _warn_missing_scopes(token: TokenSet) -> None:
    """Name the scopes the grant leaves out, and the actions that will fail without them (Zoho
    reports a token's scopes in most answers; when it does not, nothing can be said)."""
    from zoho_tools.catalog import CATALOG
    from zoho_tools.scopes import SELF_CLIENT_SCOPES, describe_missing, uncovered

    if not token.scopes:
        return
    missing = uncovered(token.scopes, CATALOG.values())
    if not missing:
        return
    click.echo("Warning: these scopes were not granted, so some actions will fail:", err=True)
    for line in describe_missing(missing):
        click.echo(f"  {line}", err=True)
    click.echo(f"  Reconnect with the scopes: {','.join(SELF_CLIENT_SCOPES)}", err=True)


_TENANT = click.option("--tenant", metavar="NAME", help="The tenant's org (see `connect`).")
_REDIS = click.option("--redis", "redis_url", metavar="URL", help=REDIS_HELP)


@click.command()
@_TENANT
@_REDIS
def status(tenant: str | None, redis_url: str | None) -> None:
    """Show the connected Zoho CRM account (exit 0), or that there is none (exit 1).

    An access token that has expired is refreshed on the spot, so that a refresh token Zoho
    has revoked shows as "Not connected" rather than as a connection that will fail later.
    """
    settings = _settings(tenant, redis_url)

    async def run() -> tuple[TokenSet | None, str]:
        async with _store(settings, tenant) as (store, where):
            return await _load(store), where

    token, where = _run(run())
    if token is None:
        again = f"zoho-tools connect{f' --tenant {tenant}' if tenant else ''}"
        click.echo(f"Not connected to Zoho CRM. Run `{again}`.")
        click.echo(f"  Tokens would be stored in: {where}")
        raise SystemExit(1)
    from zoho_tools.connection import can_refresh

    refreshable = can_refresh(settings, token)
    if token.expires_within(0, time.time()):
        if not refreshable:
            click.echo("Not connected: the access token has expired and cannot be refreshed.")
            click.echo("  Run `zoho-tools connect`.")
            _describe(token, where, refreshable)
            raise SystemExit(1)
        token = _refresh_or_exit(settings, tenant, token, where)
    click.echo("Connected to Zoho CRM.")
    _describe(token, where, refreshable)


def _refresh_or_exit(
    settings: Settings, tenant: str | None, token: TokenSet, where: str
) -> TokenSet:
    """``token`` refreshed (and stored), or a "Not connected" report and exit status 1."""
    import asyncio

    import httpx

    from zoho_tools.auth.errors import InvalidClient, InvalidGrant, OAuthError
    from zoho_tools.auth.store import as_async
    from zoho_tools.connection import oauth_client

    async def refresh() -> TokenSet:
        async with _store(settings, tenant) as (found, _), _http(settings) as http:
            store = as_async(found)
            oauth = oauth_client(settings, http=http, accounts_server=token.accounts_server)
            async with store.locked():
                current = await store.load() or token
                if not current.expires_within(0, time.time()):
                    return current  # another process refreshed it meanwhile
                await store.count_refresh()
                fresh = await oauth.refresh(current)
                await store.save(fresh)
                return fresh

    try:
        return asyncio.run(refresh())
    except (InvalidGrant, InvalidClient) as exc:
        click.echo(f"Not connected: {exc}")
        click.echo("  Run `zoho-tools connect`.")
    except (OAuthError, httpx.HTTPError) as exc:
        reason = (
            str(exc)
            if isinstance(exc, OAuthError)
            else f"cannot reach {token.accounts_server} ({type(exc).__name__})"
        )
        click.echo(f"Cannot tell whether the connection works: {reason}")
    _describe(token, where, refreshable=True)
    raise SystemExit(1)


@click.command()
@_TENANT
@_REDIS
def disconnect(tenant: str | None, redis_url: str | None) -> None:
    """Revoke the stored tokens at Zoho and forget them."""
    from zoho_tools.auth.connect import disconnect as revoke_and_forget

    settings = _settings(tenant, redis_url)

    async def run() -> tuple[bool, OAuthError | None, str]:
        async with _store(settings, tenant) as (store, where), _http(settings) as http:
            if await _load(store) is None:
                return False, None, where
            return True, await revoke_and_forget(store, http), where

    stored, failure, where = _run(run())
    if not stored:
        click.echo("Not connected to Zoho CRM: nothing to disconnect.")
        return
    if failure is not None:
        click.echo(f"Forgot the stored tokens, but Zoho did not revoke them: {failure}", err=True)
        click.echo(
            "Revoke the connection by hand in Zoho Accounts (Sessions > Connected Apps).", err=True
        )
        raise SystemExit(1)
    click.echo(f"Disconnected: the tokens were revoked at Zoho and removed from {where}.")


def _settings(tenant: str | None = None, redis_url: str | None = None, **flags: object) -> Settings:
    """The settings (of ``tenant``, when given), with the command line's ``flags`` on top."""
    from zoho_tools.config import load_settings

    settings = load_settings(redis_url=redis_url)
    if tenant is not None:
        try:
            settings = settings.tenant(tenant)
        except ValueError as exc:  # a tenant name that cannot be one
            raise click.ClickException(f"--tenant: {exc}") from None
    given = {k: v for k, v in flags.items() if v is not None}
    return load_settings(**{**settings.model_dump(), **given}) if given else settings


@contextlib.asynccontextmanager
async def _store(
    settings: Settings, tenant: str | None
) -> AsyncIterator[tuple[TokenStore | AsyncTokenStore, str]]:
    """The token store of ``tenant`` (in Redis with ``--redis``), and where it is, for people."""
    from zoho_tools.auth.store import FileTokenStore
    from zoho_tools.connection import token_store
    from zoho_tools.shared import check, connect, redacted

    if settings.redis_url is None:
        yield FileTokenStore(settings.token_store), str(settings.token_store)
        return
    url = settings.redis_url.get_secret_value()
    redis = connect(url)
    try:
        await check(redis, url)
        where = f"Redis at {redacted(url)}{f' (tenant {tenant})' if tenant else ''}, encrypted"
        yield token_store(settings, tenant=tenant, redis=redis), where
    finally:
        await redis.aclose()


async def _load(store: TokenStore | AsyncTokenStore) -> TokenSet | None:
    from zoho_tools.auth.store import as_async

    return await as_async(store).load()


def _http(settings: Settings) -> httpx.AsyncClient:
    import httpx

    return httpx.AsyncClient(timeout=settings.request_timeout)


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro``; its OAuth errors reach the user as one line (``cli.errors``)."""
    import asyncio

    return asyncio.run(coro)


def _describe(token: TokenSet, where: str, refreshable: bool) -> None:
    from zoho_tools.auth.regions import region_for_accounts_server

    dc = region_for_accounts_server(token.accounts_server)
    rows = {
        "Data centre": dc.code if dc else "custom (not a Zoho data centre)",
        "API domain": token.api_domain,
        "Accounts server": token.accounts_server,
        "Scopes": ", ".join(token.scopes) or "(not reported by Zoho)",
        "Access token": _expiry(token, refreshable),
        "Client id": token.client_id or "(not stored)",
        "Tokens stored in": where,
    }
    width = max(map(len, rows))
    for label, value in rows.items():
        click.echo(f"  {label + ':':<{width + 1}} {value}")


def _expiry(token: TokenSet, refreshable: bool) -> str:
    left = token.expires_at - time.time()
    if refreshable:
        after = "; refreshed automatically"
    elif token.refresh_token:
        after = "; cannot be refreshed: no client id and secret configured"
    else:
        after = "; no refresh token"
    if left > 0:
        return f"expires in {_duration(left)}{after}"
    return f"expired {_duration(-left)} ago{after}"


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return f"{seconds:.0f} s"
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes / 60:.1f} h"
