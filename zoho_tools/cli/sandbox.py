"""``zoho-tools sandbox``: run the embedded Zoho CRM simulator."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from types import FrameType

import click

_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_WILDCARD = ("0.0.0.0", "::", "")


@click.group()
def sandbox() -> None:
    """The embedded Zoho CRM v7 sandbox."""


@sandbox.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on. Keep it on loopback: the sandbox has no real security.",
)
@click.option(
    "--port",
    default=8790,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0 picks a free one).",
)
@click.option(
    "--data",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="SQLite file keeping records, OAuth clients and tokens across restarts "
    "(created and filled with demo data when new). Without it, data lives in memory.",
)
@click.option(
    "--token-ttl",
    type=click.IntRange(min=1),
    default=3600,
    show_default=True,
    metavar="SECONDS",
    help="Lifetime of access tokens; lower it to exercise token refresh.",
)
@click.option(
    "--self-client-code",
    is_flag=True,
    help="Also print a Self Client grant code (one use, valid 120 s) and the "
    "`zoho-tools connect --self-client` command that exchanges it.",
)
def serve(host: str, port: int, data: Path | None, token_ttl: int, self_client_code: bool) -> None:
    """Serve a Zoho CRM org (API v7 and v8) and its OAuth server over HTTP.

    The org is seeded with demo data (Zylker Inc.: John Smith of Acme Corp, deals, products,
    a Consultation service...) when the store is empty. On start it prints the base URL to
    use as both the API domain and the accounts server, the demo OAuth client, and a ready
    access token with a curl example. Press Ctrl-C to stop.

    \b
    Example:
      zoho-tools sandbox serve --data demo.db
      curl -H "Authorization: Zoho-oauthtoken TOKEN" \\
        "http://127.0.0.1:8790/crm/v7/Contacts/search?word=John"
    """
    from zoho_tools.sandbox import Sandbox
    from zoho_tools.sandbox.store import StoreError

    if host not in _LOOPBACK:
        click.secho(f"warning: listening on {host}, not loopback", fg="yellow", err=True)
    try:
        sb = Sandbox(path=data, seed="demo", token_ttl=token_ttl)
    except StoreError as exc:
        raise click.BadParameter(str(exc), param_hint="--data") from None
    try:
        server = sb.serve(host, port)
    except OSError as error:
        sb.close()
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {error.strerror or error}"
        ) from None
    with server:
        sb.base_url = server.url
        token = sb.issue_token()
        _print_banner(server.url, data, token)
        if host in _WILDCARD:
            click.echo(
                f"Listening on every interface: from another machine, use this machine's "
                f"address instead of 127.0.0.1 (http://<address>:{server.port})."
            )
        if self_client_code:
            _print_self_client(server.url, sb.self_client_code())
        click.echo("Press Ctrl-C to stop.")
        _stop_on_signals()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            click.echo("\nStopping the sandbox.")
    sb.close()


@sandbox.command("picklist")
@click.option(
    "--data",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The sandbox's SQLite file (created with demo data when new), as given to `serve`.",
)
@click.argument("module")
@click.argument("field")
@click.argument("values", nargs=-1, required=True)
def picklist(data: Path, module: str, field: str, values: tuple[str, ...]) -> None:
    """Give a picklist FIELD of MODULE in the sandbox org its own VALUES, as an org's admin
    would (deal stages, case statuses). `serve --data` then validates against them and serves
    them in /settings/fields.

    \b
    Example:
      zoho-tools sandbox picklist --data demo.db Deals Stage Prospecting Discovery Won Lost
    """
    from zoho_tools.sandbox import Sandbox

    try:
        with Sandbox(data, seed="demo") as org:
            org.set_picklist(module, field, values)
            saved = org.picklists[module][field]
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{module}.{field} in {data}: {', '.join(saved)}")


def _stop_on_signals() -> None:
    """Make Ctrl-C and SIGTERM stop the server, even if SIGINT was ignored at start-up
    (as it is for a process started in the background by a non-interactive shell)."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


def _print_banner(url: str, data: Path | None, token: dict[str, object]) -> None:
    from zoho_tools.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

    where = f"data in {data}" if data is not None else "data in memory"
    access = token["access_token"]
    click.echo(f"Zoho CRM sandbox serving at {url}  ({where})")
    click.echo(f"  API:            {url}/crm/v7/  (and /crm/v8/)")
    click.echo(f"  Accounts:       {url}/oauth/v2/auth  {url}/oauth/v2/token")
    click.echo(f"  Client id:      {DEMO_CLIENT_ID}")
    click.echo(f"  Client secret:  {DEMO_CLIENT_SECRET}")
    click.echo(f"  Access token:   {access}  (expires in {token['expires_in']} s)")
    click.echo(f"  Refresh token:  {token['refresh_token']}")
    click.echo("")
    click.echo("Try:")
    click.echo(
        f'  curl -H "Authorization: Zoho-oauthtoken {access}" '
        f'"{url}/crm/v7/Contacts/search?word=John"'
    )
    click.echo("")


def _print_self_client(url: str, code: str) -> None:
    from zoho_tools.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

    click.echo(f"Self Client grant code (one use, valid 120 s): {code}")
    click.echo("  Exchange it as you would one from Zoho's API console:")
    click.echo(
        f"  zoho-tools connect --self-client --code {code} --accounts-url {url} "
        f"--client-id {DEMO_CLIENT_ID} --client-secret {DEMO_CLIENT_SECRET}"
    )
    click.echo("")
