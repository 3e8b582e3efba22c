"""``zoho-tools mcp``: the actions as an MCP server, on stdio (the default) or streamable HTTP.

On stdio, stdout carries the protocol and nothing else: notices and logs go to stderr. Over HTTP
(``--http``), uvicorn serves the app of :func:`zoho_tools.server.mcp.create_mcp_app` at ``/mcp``.
Needs the ``mcp`` extra: ``pip install 'zoho-tools[mcp]'``.

With tenants (``--tenant NAME`` or ``[tenants.NAME]`` tables in the config), each is served at
``/t/NAME/mcp`` with its own connection and its own bearer token (``token`` in its table, else
``ZOHO_TOOLS_MCP_TOKEN``); stdio serves one tenant. With ``--redis URL``, every worker shares the
tokens and the conversations (see :mod:`zoho_tools.shared`).
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from zoho_tools.cli._services import (
    BACKEND_OPTIONS,
    SHARED_STATE_OPTIONS,
    TIME_ZONE_OPTION,
    Services,
    load_services,
)

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from zoho_tools.config import Settings
    from zoho_tools.server.service import ToolService


@click.command()
@click.option("--http", "use_http", is_flag=True, help="Serve streamable HTTP instead of stdio.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve HTTP on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--allow-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="A Host name the HTTP endpoint answers besides loopback (repeatable; also "
    "$ZOHO_TOOLS_MCP_ALLOWED_HOSTS).",
)
@click.option(
    "--json-response", is_flag=True, help="Answer HTTP requests with JSON bodies, not SSE."
)
@BACKEND_OPTIONS
@TIME_ZONE_OPTION
@click.option(
    "--profile",
    metavar="NAME",
    help="stdio: list only this profile's actions (voice) plus load_actions, with which the "
    "model loads the others by category.",
)
@SHARED_STATE_OPTIONS
def mcp(
    use_http: bool,
    host: str,
    port: int,
    allowed_hosts: tuple[str, ...],
    json_response: bool,
    org: bool,
    employee_file: str | None,
    custom_file: str | None,
    time_zone: str | None,
    profile: str | None,
    redis_url: str | None,
    tenants: tuple[str, ...],
) -> None:
    """Serve the Zoho CRM actions to MCP clients (Claude, Cursor, voice platforms)."""
    if profile is not None and use_http:
        raise click.UsageError(
            "--profile loads actions for one client, so it needs stdio: drop --http or --profile"
        )
    logging.basicConfig(
        stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(message)s"
    )
    try:
        import mcp as _sdk  # noqa: F401  (only to say clearly when the extra is missing)
    except ImportError:
        raise click.ClickException(
            "`zoho-tools mcp` needs the MCP SDK: pip install 'zoho-tools[mcp]'"
        ) from None
    if not use_http and len(tenants) > 1:
        raise click.UsageError("--tenant: stdio serves one tenant; give one, or use --http")
    services = load_services(
        org=org,
        employee_file=employee_file,
        custom_file=custom_file,
        time_zone=time_zone,
        redis_url=redis_url,
        tenants=tenants,
        notice=lambda message: click.echo(message, err=True),
    )
    try:
        if use_http:
            _serve_http(services, host, port, allowed_hosts, json_response)
        else:
            if len(services.all()) != 1:
                raise click.UsageError(
                    "--tenant: the config has several tenants; name the one stdio serves"
                )
            _serve_stdio(services.all()[0], services.settings, profile)
    finally:
        import anyio

        anyio.run(services.aclose)


def _state_keys(settings: Settings) -> list[str]:
    try:
        return settings.state_keys()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


def _serve_stdio(service: ToolService, settings: Settings, profile: str | None) -> None:
    import anyio

    from zoho_tools.catalog import UnknownName
    from zoho_tools.dynamic import ToolSurface
    from zoho_tools.server.mcp import create_mcp_server, serve_stdio

    try:
        surface = ToolSurface(service.tools, profile=profile) if profile is not None else None
    except UnknownName as exc:
        raise click.BadParameter(str(exc), param_hint="--profile") from None

    # One process serves one client: its requests are one conversation, named for this process
    # so that it is never another's, even in a store several processes share.
    conversation = f"mcp:stdio:{secrets.token_urlsafe(12)}"
    server = create_mcp_server(
        service,
        state_keys=_state_keys(settings),
        default_conversation=conversation,
        surface=surface,
    )
    with contextlib.suppress(KeyboardInterrupt):
        anyio.run(lambda: serve_stdio(server, tools_changed=surface is not None))


def _serve_http(
    services: Services,
    host: str,
    port: int,
    allowed_hosts: tuple[str, ...],
    json_response: bool,
) -> None:
    import uvicorn

    settings = services.settings
    app: Starlette
    if services.single is not None:
        _check_token(settings, None, host)
        app = build_mcp_app(
            services.single, settings, extra_hosts=allowed_hosts, json_response=json_response
        )
        endpoints = ["/mcp"]
    else:
        from zoho_tools.server.tenants import tenant_path, tenants_app

        apps = {}
        for name, service in services.tenants.items():
            _check_token(settings, name, host)
            apps[name] = build_mcp_app(
                service,
                settings,
                extra_hosts=allowed_hosts,
                json_response=json_response,
                tenant=name,
            )
        app = tenants_app(apps)
        endpoints = [tenant_path(name, "/mcp") for name in apps]
    _check_listen(host, port)
    for endpoint in endpoints:
        click.echo(f"MCP endpoint: http://{host}:{port}{endpoint}", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _check_token(settings: Settings, tenant: str | None, host: str) -> None:
    from zoho_tools.server.mcp import is_loopback

    if _token(settings, tenant) is None and not is_loopback(host):
        setting = f"token in [tenants.{tenant}] or " if tenant else ""
        raise click.ClickException(
            f"--host {host} serves beyond this machine, so set {setting}ZOHO_TOOLS_MCP_TOKEN to "
            "a secret the clients send as a bearer token, or keep --host 127.0.0.1"
        )


def _token(settings: Settings, tenant: str | None) -> str | None:
    """The bearer token of ``tenant``'s endpoints: its own, else the configured one."""
    own = settings.tenants.get(tenant) if tenant else None
    secret = (own.token if own else None) or settings.mcp_token
    return secret.get_secret_value() if secret else None


def build_mcp_app(
    service: ToolService,
    settings: Settings,
    *,
    extra_hosts: Sequence[str] = (),
    json_response: bool = False,
    tenant: str | None = None,
) -> Starlette:
    """The MCP HTTP app the settings describe (token, allowed hosts, state keys), for
    ``mcp --http`` and for ``serve``'s ``/mcp``; a bad setting is one line naming it. A
    ``tenant``'s app takes its own bearer token (``token`` in its table) when it has one."""
    from zoho_tools.server.mcp import create_mcp_app

    try:
        return create_mcp_app(
            service,
            allowed_hosts=[*settings.allowed_hosts(), *extra_hosts],
            bearer_token=_token(settings, tenant),
            state_keys=_state_keys(settings),
            json_response=json_response,
        )
    except ValueError as exc:
        where = f"tenant {tenant}: " if tenant else ""
        raise click.ClickException(where + str(exc)) from None


def _check_listen(host: str, port: int) -> None:
    """Fail with one line now if ``host:port`` cannot be listened on (uvicorn would log it and
    exit with its own code)."""
    import socket

    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.create_server((host, port), family=family):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise click.ClickException(
            f"cannot listen on {host}:{port} ({reason}); choose another --port or --host"
        ) from None
