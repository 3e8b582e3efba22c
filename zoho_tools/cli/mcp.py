"""``zoho-tools mcp``: the actions as an MCP server, on stdio (the default) or streamable HTTP.

On stdio, stdout carries the protocol and nothing else: notices and logs go to stderr. Over HTTP
(``--http``), uvicorn serves the app of :func:`zoho_tools.server.mcp.create_mcp_app` at ``/mcp``.
Needs the ``mcp`` extra: ``pip install 'zoho-tools[mcp]'``.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

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
@click.option(
    "--org",
    is_flag=True,
    help="Use the connected Zoho org (see `zoho-tools connect`), not the sandbox.",
)
@click.option(
    "--employee",
    "employee_file",
    type=click.Path(exists=True, dir_okay=False),
    help="An AI employee file: enabled actions, defaults, variables.",
)
@click.option(
    "--custom",
    "custom_file",
    type=click.Path(exists=True, dir_okay=False),
    help="A TOML/JSON file of custom actions to add.",
)
@click.option("--time-zone", default=None, help="Time zone for dates (default: configured).")
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
) -> None:
    """Serve the Zoho CRM actions to MCP clients (Claude, Cursor, voice platforms)."""
    logging.basicConfig(
        stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(message)s"
    )
    try:
        import mcp as _sdk  # noqa: F401  (only to say clearly when the extra is missing)
    except ImportError:
        raise click.ClickException(
            "`zoho-tools mcp` needs the MCP SDK: pip install 'zoho-tools[mcp]'"
        ) from None
    settings, service = _load(org, employee_file, custom_file, time_zone)
    try:
        if use_http:
            _serve_http(service, settings, host, port, allowed_hosts, json_response)
        else:
            _serve_stdio(service, settings)
    finally:
        import anyio

        anyio.run(service.aclose)


def _load(
    org: bool, employee_file: str | None, custom_file: str | None, time_zone: str | None
) -> tuple[Settings, ToolService]:
    from zoho_tools.auth import NotConnected
    from zoho_tools.config import load_settings
    from zoho_tools.custom_actions import CustomActionError
    from zoho_tools.employee import EmployeeError
    from zoho_tools.server.service import load_service

    try:
        settings = load_settings()
        service = load_service(
            settings,
            use_org=org,
            employee_file=employee_file,
            custom_file=custom_file,
            time_zone=time_zone,
            notice=lambda message: click.echo(message, err=True),
        )
    except (CustomActionError, EmployeeError, NotConnected, ValueError) as exc:
        raise click.ClickException(_one_line(exc)) from None
    return settings, service


def _state_keys(settings: Settings) -> list[str]:
    try:
        return settings.state_keys()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


def _serve_stdio(service: ToolService, settings: Settings) -> None:
    import anyio

    from zoho_tools.server.mcp import create_mcp_server, serve_stdio

    # One process serves one client: its requests are one conversation, named for this process
    # so that it is never another's, even in a store several processes share.
    conversation = f"mcp:stdio:{secrets.token_urlsafe(12)}"
    server = create_mcp_server(
        service, state_keys=_state_keys(settings), default_conversation=conversation
    )
    with contextlib.suppress(KeyboardInterrupt):
        anyio.run(serve_stdio, server)


def _serve_http(
    service: ToolService,
    settings: Settings,
    host: str,
    port: int,
    allowed_hosts: tuple[str, ...],
    json_response: bool,
) -> None:
    import uvicorn

    from zoho_tools.server.mcp import is_loopback

    if settings.mcp_token is None and not is_loopback(host):
        raise click.ClickException(
            f"--host {host} serves beyond this machine, so set ZOHO_TOOLS_MCP_TOKEN to a secret "
            "the clients send as a bearer token, or keep --host 127.0.0.1"
        )
    app = build_mcp_app(service, settings, extra_hosts=allowed_hosts, json_response=json_response)
    _check_listen(host, port)
    click.echo(f"MCP endpoint: http://{host}:{port}/mcp", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def build_mcp_app(
    service: ToolService,
    settings: Settings,
    *,
    extra_hosts: Sequence[str] = (),
    json_response: bool = False,
) -> Starlette:
    """The MCP HTTP app the settings describe (token, allowed hosts, state keys), for
    ``mcp --http`` and for ``serve``'s ``/mcp``; a bad setting is one line naming it."""
    from zoho_tools.server.mcp import create_mcp_app

    token = settings.mcp_token.get_secret_value() if settings.mcp_token else None
    try:
        return create_mcp_app(
            service,
            allowed_hosts=[*settings.allowed_hosts(), *extra_hosts],
            bearer_token=token,
            state_keys=_state_keys(settings),
            json_response=json_response,
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


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


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
