"""``zoho-tools serve``: the webhook server voice platforms (Vapi, Retell, ElevenLabs) call with
each tool call during a phone call. See :mod:`zoho_tools.server.webhooks` for the routes."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import socket
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import click

from zoho_tools.cli._services import (
    BACKEND_OPTIONS,
    SHARED_STATE_OPTIONS,
    TIME_ZONE_OPTION,
    Services,
    load_services,
    one_line,
)

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from zoho_tools.config import Settings, TenantSettings
    from zoho_tools.server.service import ToolService

#: Where the options travel to worker processes (uvicorn starts each with the app factory).
OPTIONS_ENV = "ZOHO_TOOLS_SERVE_OPTIONS"

SECRETS_HINT = (
    "set ZOHO_TOOLS_VAPI_SECRET, ZOHO_TOOLS_RETELL_API_KEY or ZOHO_TOOLS_ELEVENLABS_SECRET "
    "(or the config file's vapi_secret, retell_api_key, elevenlabs_secret)"
)


@dataclass(frozen=True)
class ServeOptions:
    """The command line's choices, as given."""

    host: str
    port: int
    org: bool
    employee_file: str | None
    custom_file: str | None
    workers: int
    time_zone: str | None
    redis_url: str | None = None
    tenants: tuple[str, ...] = ()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="Port."
)
@BACKEND_OPTIONS
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Worker processes. Each keeps its own conversations (and, without --org, its own "
    "sandbox) unless --redis is given: then they share tokens and conversations; without it put "
    "a load balancer with per-call stickiness in front, or use one worker.",
)
@TIME_ZONE_OPTION
@SHARED_STATE_OPTIONS
def serve(**options: Any) -> None:
    """Serve the tool webhooks for Vapi (/vapi), Retell (/retell) and ElevenLabs
    (/elevenlabs/ACTION), with /healthz, against the sandbox or your Zoho org; with tenants,
    each at /t/NAME/vapi, /t/NAME/retell, /t/NAME/elevenlabs/ACTION and /t/NAME/mcp.

    Secrets come from ZOHO_TOOLS_VAPI_SECRET, ZOHO_TOOLS_RETELL_API_KEY and
    ZOHO_TOOLS_ELEVENLABS_SECRET (or the config file). Without any, the server only listens on
    loopback. Conversations live in this process's memory, per worker, or with --redis in Redis,
    shared by every worker."""
    opts = ServeOptions(**options)
    try:
        import uvicorn
    except ImportError:
        raise click.ClickException(
            "zoho-tools serve needs Starlette and uvicorn: pip install 'zoho-tools[server]'"
        ) from None
    settings = _settings()
    _check_exposure(opts.host, settings)
    _check_port(opts.host, opts.port)
    if opts.workers == 1:
        app = build_app(opts, settings)
        uvicorn.run(app, host=opts.host, port=opts.port, log_level="info")
        return
    # Each worker process builds its own app from the options; they are checked once here.
    asyncio.run(_load(opts, notice=lambda _: None).aclose())
    os.environ[OPTIONS_ENV] = json.dumps(asdict(opts))
    uvicorn.run(
        "zoho_tools.cli.serve:worker_app",
        factory=True,
        host=opts.host,
        port=opts.port,
        workers=opts.workers,
        log_level="info",
    )


def build_app(opts: ServeOptions, settings: Settings, *, check: bool = True) -> Starlette:
    """The webhook app the options describe. Raises :class:`click.ClickException` with one line
    naming the file or setting at fault."""

    services = _load(opts, notice=_stderr, check=check)
    if services.single is not None:
        verifiers = _verifiers(settings, opts, "")
        return _webhook_app(services.single, services.settings, opts, verifiers, None)
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from zoho_tools.server.tenants import tenants_app

    # Each tenant's platform secrets: its own (its agent's account), else the top-level ones.
    apps = {
        name: _webhook_app(
            service,
            services.settings,
            opts,
            _verifiers(settings.tenant(name), opts, f"tenant {name}: "),
            name,
        )
        for name, service in services.tenants.items()
    }

    async def health(_: Any) -> JSONResponse:
        # Served only once every tenant's app has started (the lifespan runs them first).
        return JSONResponse({"status": "ok", "tenants": sorted(apps)})

    return tenants_app(apps, routes=[Route("/healthz", health, methods=["GET"])])


def _verifiers(settings: Settings, opts: ServeOptions, who: str) -> dict[str, Any]:
    """The platforms' verifiers from ``settings``, saying on stderr which accept unsigned
    requests (loopback) or refuse all (beyond it)."""
    from zoho_tools.server.webhooks import verifiers_from_settings

    verifiers = verifiers_from_settings(settings)
    for platform, verifier in verifiers.items():
        if verifier is None:
            state = "unsigned" if _is_loopback(opts.host) else "refused (no secret configured)"
            _stderr(f"{who}{platform}: requests are {state}")
    return verifiers


def _webhook_app(
    service: ToolService,
    settings: Settings,
    opts: ServeOptions,
    verifiers: dict[str, Any],
    tenant: str | None,
) -> Starlette:
    from zoho_tools.cli.mcp import build_mcp_app
    from zoho_tools.server.webhooks import create_app

    # The MCP endpoint beside the webhooks: without ZOHO_TOOLS_MCP_TOKEN it answers loopback
    # clients only, so a public server's /mcp stays closed until a token is set.
    mcp_app = build_mcp_app(service, settings, tenant=tenant)
    return create_app(
        service,
        verifiers=verifiers,
        require_auth=not _is_loopback(opts.host),
        budget=settings.voice_budget,
        mcp_app=mcp_app,
    )


def _load(opts: ServeOptions, *, notice: Callable[[str], Any], check: bool = True) -> Services:
    return load_services(
        org=opts.org,
        employee_file=opts.employee_file,
        custom_file=opts.custom_file,
        time_zone=opts.time_zone,
        redis_url=opts.redis_url,
        tenants=opts.tenants,
        notice=notice,
        describe=lambda exc: _load_error(opts, exc),
        check=check,
    )


def _load_error(opts: ServeOptions, exc: Exception) -> str:
    """One line naming the flag behind ``exc``."""
    from zoho_tools.auth import NotConnected
    from zoho_tools.custom_actions import CustomActionError
    from zoho_tools.employee import EmployeeError

    if isinstance(exc, NotConnected):
        return (
            "--org: no Zoho org is connected; run `zoho-tools connect` first, or leave out "
            "--org to use the sandbox"
        )
    if isinstance(exc, CustomActionError):
        return _about("--custom", opts.custom_file, exc)
    if isinstance(exc, EmployeeError):
        return _about("--employee", opts.employee_file, exc)
    message = one_line(exc)
    if type(exc) is ValueError and "time zone" in message:
        return f"--time-zone: {message}; give an IANA name such as Europe/Paris"
    return message


def worker_app() -> Starlette:
    """The app of one worker process (``--workers N``), from the options the parent left."""
    options = json.loads(os.environ[OPTIONS_ENV])
    opts = ServeOptions(**{**options, "tenants": tuple(options.get("tenants", ()))})
    # The parent checked the options and Redis; this runs inside the worker's event loop.
    return build_app(opts, _settings(), check=False)


def _settings() -> Settings:
    from pydantic import ValidationError

    from zoho_tools.config import config_file, load_settings

    try:
        return load_settings()
    except ValidationError as exc:
        # Names the setting and what is wrong with it; never echoes a value (it may be secret).
        first = exc.errors()[0]
        setting = ".".join(str(part) for part in first["loc"])
        raise click.ClickException(
            f"setting {setting} (ZOHO_TOOLS_{setting.upper()} or {config_file()}): {first['msg']}"
        ) from None


def _check_exposure(host: str, settings: Settings) -> None:
    """Refuse to listen beyond loopback with no webhook secret at all (top-level or a
    tenant's)."""
    owners: list[Settings | TenantSettings] = [settings, *settings.tenants.values()]
    configured = [
        secret
        for owner in owners
        for secret in (owner.vapi_secret, owner.retell_api_key, owner.elevenlabs_secret)
    ]
    if not _is_loopback(host) and all(secret is None for secret in configured):
        raise click.ClickException(
            f"--host {host} is reachable from other machines and no webhook secret is "
            f"configured: {SECRETS_HINT}, or use --host 127.0.0.1"
        )


def _check_port(host: str, port: int) -> None:
    """Fail with one line, before loading anything, when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise click.ClickException(
                f"--host {host} --port {port}: cannot listen there ({exc.strerror}); "
                "choose another --port or --host"
            ) from None


def _about(flag: str, path: str | None, error: Exception) -> str:
    """``error`` on one line, prefixed with the flag, and with the file unless the message
    names it (a YAML parser's message spans several lines, with a caret under the fault)."""
    message = " ".join(str(error).split())
    return f"{flag}: {message}" if path is None or path in message else f"{flag} {path}: {message}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _stderr(text: str) -> None:
    click.echo(text, err=True)
