"""The services a server command runs: one org, or several tenants; state in memory or in Redis.

Shared by ``zoho-tools mcp`` and ``zoho-tools serve`` (and their options, with ``chat``); every
failure is one line naming the flag, setting or file to fix (a :class:`click.ClickException`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from zoho_tools.config import Settings
    from zoho_tools.server.service import ToolService

REDIS_HELP = (
    "Keep tokens, the refresh lock and throttle, and conversations in this Redis (redis://, "
    "rediss://, unix://), shared by every worker (also $ZOHO_TOOLS_REDIS_URL)."
)
TENANT_HELP = (
    "Serve this tenant (a [tenants.NAME] table of the config; repeatable) at /t/NAME/...; "
    "default: every configured tenant, or one org without tenants."
)


def _check_time_zone(value: str | None) -> str | None:
    from zoho_tools.config import check_time_zone

    try:
        return None if value is None else check_time_zone(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


F = TypeVar("F", bound=Callable[..., Any])


def _stacked(*options: Callable[[F], F]) -> Callable[[F], F]:
    def apply(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


#: What a command runs tools against, as ``chat``, ``mcp`` and ``serve`` take it.
BACKEND_OPTIONS = _stacked(
    click.option(
        "--org",
        is_flag=True,
        help="Use the connected Zoho org (see `zoho-tools connect`), not the sandbox.",
    ),
    click.option(
        "--employee",
        "employee_file",
        type=click.Path(exists=True, dir_okay=False),
        help="An AI employee file: enabled actions, defaults, variables, log_calls.",
    ),
    click.option(
        "--custom",
        "custom_file",
        type=click.Path(exists=True, dir_okay=False),
        help="A TOML/JSON file of custom actions to add.",
    ),
)
TIME_ZONE_OPTION = click.option(
    "--time-zone",
    default=None,
    callback=lambda _ctx, _param, value: _check_time_zone(value),
    help="IANA time zone for dates, e.g. America/New_York (default: configured).",
)
#: Where the state several workers share lives, and which tenants to serve (``mcp``, ``serve``).
SHARED_STATE_OPTIONS = _stacked(
    click.option("--redis", "redis_url", metavar="URL", default=None, help=REDIS_HELP),
    click.option("--tenant", "tenants", multiple=True, metavar="NAME", help=TENANT_HELP),
)


@dataclass
class Services:
    """What a server command serves: ``single`` (one org, no tenants) or ``tenants`` by name."""

    settings: Settings
    single: ToolService | None
    tenants: dict[str, ToolService]

    def all(self) -> list[ToolService]:
        return [self.single] if self.single is not None else list(self.tenants.values())

    async def aclose(self) -> None:
        for service in self.all():
            await service.aclose()


def load_services(
    *,
    org: bool,
    employee_file: str | None,
    custom_file: str | None,
    time_zone: str | None,
    redis_url: str | None,
    tenants: Sequence[str],
    notice: Callable[[str], Any],
    describe: Callable[[Exception], str] | None = None,
    check: bool = True,
) -> Services:
    """Load the services the flags describe, after checking Redis (reachable, and with ``org``
    the token key set and every tenant's tokens stored there) unless not ``check`` (a worker
    process, whose parent checked; it runs in an event loop already). A failure is a
    :class:`click.ClickException` of one line: ``describe(exc)`` (default: the error's text)."""
    from zoho_tools.errors import AuthError, SetupError
    from zoho_tools.server.service import load_service, load_tenants

    settings = _settings(redis_url)
    names = list(tenants) or sorted(settings.tenants)
    url = settings.redis_url.get_secret_value() if settings.redis_url else None
    try:
        for name in names:
            settings.tenant(name)  # a valid name, before anything is opened
        if url is not None and check:
            _check_redis(settings, url, names, org)
        redis = _client(url) if url is not None else None
        if names:
            services = load_tenants(
                settings,
                names,
                use_org=org,
                redis=redis,
                employee_file=employee_file,
                custom_file=custom_file,
                time_zone=time_zone,
                notice=notice,
            )
            return Services(settings, None, services)
        single = load_service(
            settings,
            use_org=org,
            employee_file=employee_file,
            custom_file=custom_file,
            time_zone=time_zone,
            redis=redis,
            notice=notice,
        )
        return Services(settings, single, {})
    # Settings, files, Redis and tokens say what to fix; a ValueError names a flag's bad value
    # (a tenant's name, a token key).
    except (AuthError, SetupError, ValueError) as exc:
        raise click.ClickException((describe or one_line)(exc)) from None


def _settings(redis_url: str | None) -> Settings:
    from zoho_tools.config import load_settings

    # A ConfigError is one line naming the setting (the command line's handler shows it).
    return load_settings(redis_url=redis_url)


def _client(url: str) -> Any:
    from zoho_tools.shared import connect

    return connect(url)


def _check_redis(settings: Settings, url: str, names: Sequence[str], org: bool) -> None:
    """Redis answers, and with ``org`` the token key is set and each org's tokens are there and
    readable with it. Uses a client of its own, in an event loop of its own (a redis-py client
    belongs to the loop it first ran in; the servers run in another)."""
    import anyio

    from zoho_tools.connection import token_store
    from zoho_tools.shared import check

    async def run() -> None:
        redis = _client(url)
        try:
            await check(redis, url)
            if not org:
                return
            each: list[str | None] = [*names] if names else [None]
            for name in each:
                store = token_store(settings, tenant=name, redis=redis)
                if await store.load() is None:  # type: ignore[misc]
                    where = f" --tenant {name}" if name else ""
                    raise click.ClickException(
                        f"--org: no Zoho tokens in Redis{f' for tenant {name}' if name else ''}; "
                        f"run `zoho-tools connect{where} --redis URL` first"
                    )
        finally:
            await redis.aclose()

    anyio.run(run)


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
