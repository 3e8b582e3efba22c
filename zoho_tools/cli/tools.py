"""``zoho-tools tools``: list the actions, show one, export them as tool definitions for an LLM API.

Unknown action names, categories and formats are usage errors (exit status 2) whose message names
the close matches. The catalog and the adapters are imported inside the commands, so
``zoho-tools --help`` stays instant.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from zoho_tools.catalog import Catalog
    from zoho_tools.templates import ActionTemplate, Param

#: As :data:`zoho_tools.adapters.FORMATS`, spelled out so that ``--help`` loads no catalog.
FORMAT_NAMES = ("openai", "openai-responses", "anthropic", "mcp", "catalog")


@click.group()
def tools() -> None:
    """The Zoho CRM actions, and their tool definitions for LLM APIs.

    \b
    zoho-tools tools list                       every action, by category
    zoho-tools tools show create_contact        one action's full declaration
    zoho-tools tools export --format openai     tool definitions as JSON
    """


_Command = TypeVar("_Command", bound=Callable[..., Any])


def _category_option(help_text: str) -> Callable[[_Command], _Command]:
    return click.option(
        "--category",
        "-c",
        "categories",
        multiple=True,
        metavar="C",
        help=f"{help_text} A slug or title in any case (deals, 'Users & Tags'); repeatable.",
    )


def _profile_option(command: _Command) -> _Command:
    return click.option(
        "--profile",
        "-p",
        metavar="NAME",
        help="Only the actions of this profile (voice: the few a phone agent needs most).",
    )(command)


def _custom_option(command: _Command) -> _Command:
    return click.option(
        "--custom",
        "custom_file",
        type=click.Path(exists=True, dir_okay=False),
        help="A TOML/JSON file of custom actions to add to the built-in ones.",
    )(command)


@tools.command("list")
@_category_option("Only this category.")
@_profile_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@_custom_option
def list_actions(
    categories: tuple[str, ...], profile: str | None, as_json: bool, custom_file: str | None
) -> None:
    """List the actions by category.

    Each row shows the action's name, its access (R reads, W writes, D destroys and is confirmed
    with the caller first), its title, and the fields Zoho requires, with the default that fills
    a field when nobody says it (query=caller's number).
    """
    catalog = _select(custom_file, categories=categories or None, profile=profile)
    if as_json:
        rows = [
            {
                "name": a.name,
                "title": a.title,
                "category": a.category,
                "access": _ACCESS[_access(a)],
                "mandatory": [p.name for p in a.required_params],
            }
            for a in catalog.values()
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    click.echo(_table(catalog))


@tools.command("show")
@click.argument("name")
@_custom_option
def show_action(name: str, custom_file: str | None) -> None:
    """Show one action's full declaration.

    Its request (method, path, query, body template), every parameter with its Zoho field,
    type, default and the question asked for it, its hints and its OAuth scopes.

    NAME is an action name such as create_contact (see `zoho-tools tools list`).
    """
    from zoho_tools.catalog import UnknownName

    try:
        template = _catalog(custom_file)[name]
    except UnknownName as exc:
        raise click.BadParameter(str(exc), param_hint="NAME") from None
    click.echo(_describe(template))


def _check_format(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if value in FORMAT_NAMES:
        return value
    import difflib

    close = difflib.get_close_matches(value, FORMAT_NAMES, n=2, cutoff=0.4)
    hint = (
        f"did you mean: {', '.join(close)}?" if close else f"use one of: {', '.join(FORMAT_NAMES)}"
    )
    raise click.BadParameter(f"unknown format {value!r}; {hint}")


@tools.command("export")
@click.option(
    "--format",
    "-f",
    "format_name",
    required=True,
    callback=_check_format,
    metavar="|".join(FORMAT_NAMES),
    help=(
        "openai: Chat Completions tools (strict); openai-responses: Responses API tools "
        "(strict); anthropic: Messages API tools; mcp: MCP tool definitions with annotations; "
        "catalog: every declaration in full (Zoho fields, mandatory flags, questions, defaults)."
    ),
)
@click.option(
    "--actions",
    "-a",
    metavar="A,B",
    help="Only these actions (comma-separated names).",
)
@_category_option("Also every action of this category.")
@_profile_option
@click.option("--read-only", is_flag=True, help="Only actions that change nothing in Zoho.")
@click.option("--compact", is_flag=True, help="One line of JSON, as sent to an API.")
@click.option(
    "--org",
    is_flag=True,
    help="Fit picklists and mandatory fields to the connected Zoho org (reads its metadata).",
)
@_custom_option
def export_tools(
    format_name: str,
    actions: str | None,
    categories: tuple[str, ...],
    profile: str | None,
    read_only: bool,
    compact: bool,
    org: bool,
    custom_file: str | None,
) -> None:
    """Print tool definitions for an LLM API as a JSON list.

    Without --actions, --category or --profile, every action is exported. Given together,
    the named actions, the categories' actions and the profile's are exported together. With
    --org, enums and mandatory fields are the connected org's own (its deal stages, its
    layout's mandatory fields).
    """
    from zoho_tools.adapters import export

    names = [n.strip() for n in actions.split(",") if n.strip()] if actions is not None else None
    catalog = _select(
        custom_file,
        names=names,
        categories=categories or None,
        read_only=read_only,
        profile=profile,
    )
    if not catalog:
        given = [f"--actions {actions}"] if actions is not None else []
        given += [f"--category {c}" for c in categories]
        given += [f"--profile {profile}"] if profile is not None else []
        given += ["--read-only"] if read_only else []
        raise click.UsageError(
            f"no action matches {' '.join(given)}; `zoho-tools tools list` shows each "
            "action's category and access (R: read-only)"
        )
    if org:
        catalog = _for_org(catalog)
    exported = export(catalog, format_name)
    if compact:
        click.echo(json.dumps(exported, separators=(",", ":"), ensure_ascii=False))
    else:
        click.echo(json.dumps(exported, indent=2, ensure_ascii=False))


def _for_org(catalog: Catalog) -> Catalog:
    """``catalog`` tailored to the connected org's metadata; a module whose metadata cannot be
    read keeps the catalog's declaration, and stderr says which."""
    import asyncio

    from zoho_tools.auth import NotConnected
    from zoho_tools.catalog import Catalog
    from zoho_tools.config import load_settings
    from zoho_tools.connection import open_backend
    from zoho_tools.org import needs_metadata

    try:
        backend = open_backend(load_settings(), use_org=True, notice=lambda _: None)
    except (NotConnected, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    metadata = backend.executor.metadata
    assert metadata is not None  # a connected org's executor reads it

    async def tailored() -> Catalog:
        try:
            return Catalog(await metadata.tailored(catalog.values()))
        finally:
            await backend.aclose()

    result = asyncio.run(tailored())
    modules = {t.module for t in catalog.values() if needs_metadata(t) and t.module}
    unread = sorted(m for m in modules if metadata.cached(m) is None)
    if unread:
        click.echo(
            f"Could not read the org's metadata of {', '.join(unread)}; exported as declared.",
            err=True,
        )
    return result


def _catalog(custom_file: str | None) -> Catalog:
    """The built-in catalog, plus the custom actions of ``custom_file`` if given."""
    from zoho_tools.catalog import CATALOG

    if custom_file is None:
        return CATALOG
    # Only with --custom: reading the file takes pydantic and the YAML/TOML readers.
    from zoho_tools.custom_actions import CustomActionError, load_custom_actions

    try:
        return CATALOG.with_actions(load_custom_actions(custom_file))
    except (CustomActionError, ValueError) as exc:
        raise click.BadParameter(str(exc), param_hint="--custom") from None


def _select(
    custom_file: str | None,
    *,
    names: Sequence[str] | None = None,
    categories: Iterable[str] | None = None,
    read_only: bool = False,
    profile: str | None = None,
) -> Catalog:
    """The catalog narrowed as asked; unknown names, categories or profiles become usage
    errors."""
    from zoho_tools.catalog import UnknownName

    try:
        return _catalog(custom_file).select(
            names=names, categories=categories, read_only=read_only, profile=profile
        )
    except UnknownName as exc:
        kind = str(exc).split(" ", 2)[1]
        hint = {"category": "--category", "profile": "--profile"}.get(kind, "--actions")
        raise click.BadParameter(str(exc), param_hint=hint) from None


# --- rendering ----------------------------------------------------------------------------------

_ACCESS = {"R": "read", "W": "write", "D": "destructive"}


def _access(template: ActionTemplate) -> str:
    if template.read_only:
        return "R"
    return "D" if template.destructive else "W"


def _mandatory(template: ActionTemplate) -> str:
    from zoho_tools.schemas import describe_default

    return ", ".join(
        f"{p.name}={describe_default(p.default)}" if p.has_default else p.name
        for p in template.required_params
    )


def _table(catalog: Catalog) -> str:
    from zoho_tools.catalog import category_title

    name_width = max((len(name) for name in catalog), default=0)
    title_width = max((len(a.title) for a in catalog.values()), default=0)
    lines: list[str] = []
    for slug in catalog.categories:
        in_category = [a for a in catalog.values() if a.category == slug]
        lines.append(f"{category_title(slug)} ({slug})")
        for action in in_category:
            row = f"  {action.name:<{name_width}}  {_access(action)}  {action.title:<{title_width}}"
            lines.append(f"{row}  {_mandatory(action)}".rstrip())
        lines.append("")
    lines.append(f"{len(catalog)} actions. R reads, W writes, D destroys (confirmed first).")
    return "\n".join(lines)


def _describe(template: ActionTemplate) -> str:
    from zoho_tools.catalog import category_title

    query = f"  query {json.dumps(dict(template.query))}" if template.query else ""
    hints = ["read-only" if template.read_only else "writes"]
    if template.destructive:
        hints.append("destructive")
    hints.append("idempotent" if template.idempotent else "not idempotent")
    if template.confirm:
        hints.append("confirmed with the caller first")
    lines = [
        f"{template.name}: {template.title}",
        f"  {template.description}",
        "",
        f"category   {category_title(template.category)} ({template.category})",
        f"module     {template.module or '-'}",
        f"request    {template.method} {template.path}{query}",
    ]
    if template.body is not None:
        lines.append(f"body       {json.dumps(template.body)}")
    lines += [
        f"hints      {', '.join(hints)}",
        f"scopes     {', '.join(template.scopes)}",
        f"results    {template.records_key}: {', '.join(template.fields) or 'all fields'}",
        "",
        "parameters" if template.params else "parameters: none",
    ]
    fields = template.field_map()
    for param in template.params:
        lines.extend(_describe_param(param, fields.get(param.name), indent="  "))
    return "\n".join(lines)


def _describe_param(param: Param, zoho_field: str | None, *, indent: str) -> list[str]:
    from zoho_tools.schemas import describe_default

    facts: list[str] = [param.type]
    if param.required:
        facts.append("required")
    if param.required_when:
        other, value = param.required_when
        facts.append(
            f"required with {other}" if value == "*" else f"required if {other} is {value}"
        )
    if param.has_default:
        shown = describe_default(param.default)
        written = str(param.default) if isinstance(param.default, str) else None
        facts.append(
            f"default {written} ({shown})" if written and written != shown else f"default {shown}"
        )
    target = f" -> {zoho_field}" if zoho_field else ""
    lines = [f"{indent}{param.name}: {', '.join(facts)}{target}"]
    if param.description:
        lines.append(f"{indent}    {param.description}")
    if param.enum:
        lines.append(f"{indent}    one of: {', '.join(param.enum)}")
    if param.min_length:
        lines.append(f"{indent}    at least {param.min_length} characters")
    if param.ask:
        lines.append(f'{indent}    ask: "{param.ask}"')
    for item in param.item_params:
        lines.extend(_describe_param(item, None, indent=indent + "    - "))
    if param.item_template is not None:
        lines.append(f"{indent}    each item: {json.dumps(param.item_template)}")
    return lines
