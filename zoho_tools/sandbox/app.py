"""Routing of the CRM API: ``/crm/v7/...`` and ``/crm/v8/...`` share every route.

Order of checks for an API call, each with Zoho's error:

1. ``Authorization: Zoho-oauthtoken <token>`` (``AUTHENTICATION_FAILURE`` / ``INVALID_TOKEN``);
2. the URL pattern (``INVALID_URL_PATTERN``, 404) and the method (``INVALID_REQUEST_METHOD``);
3. the module in the path (``INVALID_MODULE``; module names are matched case-insensitively,
   as Zoho resolves ``/crm/v7/contacts``);
4. the token's scopes (``OAUTH_SCOPE_MISMATCH`` / ``NO_PERMISSION``, see
   :mod:`~zoho_tools.sandbox.scopes`);
5. the endpoint's own parameters and body.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from zoho_tools.sandbox import api_records, api_settings, api_tags, errors, scopes
from zoho_tools.sandbox.api_request import ApiRequest
from zoho_tools.sandbox.data import OrgData
from zoho_tools.sandbox.fieldtypes import WriteContext
from zoho_tools.sandbox.http_reply import HttpReply
from zoho_tools.sandbox.metadata import MODULES, find_module
from zoho_tools.sandbox.oauth import OAuthServer
from zoho_tools.sandbox.scopes import CREATE, DELETE, READ, UPDATE, Need

MODULE, ID = "{module}", "{id}"
_RESERVED = frozenset({"settings", "users", "org"})

NeedsOf = Callable[[ApiRequest], list[Need]]


@dataclass(frozen=True, slots=True)
class Endpoint:
    handler: Callable[[ApiRequest], HttpReply]
    needs: NeedsOf


def _on_module(operation: str, message: str, notes_message: str | None = None) -> NeedsOf:
    def needs(call: ApiRequest) -> list[Need]:
        text = (notes_message or message) if call.mod.api_name == "Notes" else message
        return [scopes.module_need(call.mod, operation, text)]

    return needs


def _on_settings(resource: str, message: str) -> NeedsOf:
    return lambda call: [scopes.settings_need(resource, READ, message)]


def _with_notes(operation: str, message: str) -> NeedsOf:
    def needs(call: ApiRequest) -> list[Need]:
        parent = scopes.module_need(call.mod, READ, "Permission denied to read records")
        return [parent, scopes.module_need(MODULES["Notes"], operation, message)]

    return needs


_READ = _on_module(
    READ, "Permission denied to read records", "Permission denied to read notes details"
)
_TAG = _on_module(UPDATE, "Permission denied to update records")

ROUTES: Sequence[tuple[tuple[str, ...], Mapping[str, Endpoint]]] = (
    (("users",), {"GET": Endpoint(api_settings.list_users, lambda c: [scopes.USERS_NEED])}),
    (("users", ID), {"GET": Endpoint(api_settings.get_user, lambda c: [scopes.USERS_NEED])}),
    (("org",), {"GET": Endpoint(api_settings.get_org, lambda c: [scopes.ORG_NEED])}),
    (
        ("settings", "fields"),
        {
            "GET": Endpoint(
                api_settings.list_fields,
                _on_settings("fields", "Permission denied to read field details"),
            )
        },
    ),
    (
        ("settings", "layouts"),
        {
            "GET": Endpoint(
                api_settings.list_layouts,
                _on_settings("layouts", "Permission denied to read layouts"),
            )
        },
    ),
    (
        ("settings", "modules"),
        {
            "GET": Endpoint(
                api_settings.list_modules,
                _on_settings("modules", "Permission denied to read modules"),
            )
        },
    ),
    (
        ("settings", "modules", ID),
        {
            "GET": Endpoint(
                api_settings.get_module,
                _on_settings("modules", "Permission denied to read modules"),
            )
        },
    ),
    (
        ("settings", "tags"),
        {
            "GET": Endpoint(
                api_tags.list_tags, _on_settings("tags", "Permission denied to read tag details")
            )
        },
    ),
    (
        ("settings", "recycle_bin"),
        {
            "GET": Endpoint(
                api_settings.recycle_bin, _on_settings("recycle_bin", "Permission denied to read")
            )
        },
    ),
    (
        ("settings", "recycle_bin", ID),
        {
            "GET": Endpoint(
                api_settings.recycle_bin_entry,
                _on_settings("recycle_bin", "Permission denied to read"),
            )
        },
    ),
    (
        (MODULE,),
        {
            "GET": Endpoint(api_records.list_records, _READ),
            "POST": Endpoint(
                api_records.insert,
                _on_module(
                    CREATE,
                    "Permission denied to add records",
                    "Permission denied to add notes details",
                ),
            ),
            "PUT": Endpoint(
                api_records.update_many, _on_module(UPDATE, "Permission denied to update")
            ),
            "DELETE": Endpoint(
                api_records.delete_many, _on_module(DELETE, "Permission denied to delete")
            ),
        },
    ),
    (
        (MODULE, "search"),
        {
            "GET": Endpoint(
                api_records.search,
                lambda c: [*_on_module(READ, "Permission denied to read")(c), scopes.SEARCH_NEED],
            )
        },
    ),
    ((MODULE, "actions", "count"), {"GET": Endpoint(api_records.count, _READ)}),
    ((MODULE, "actions", "add_tags"), {"POST": Endpoint(api_tags.add_tags, _TAG)}),
    (
        (MODULE, "actions", "remove_tags"),
        {
            "POST": Endpoint(
                api_tags.remove_tags, _on_module(UPDATE, "Permission denied to remove tags")
            )
        },
    ),
    (
        (MODULE, ID),
        {
            "GET": Endpoint(api_records.get, _READ),
            "PUT": Endpoint(api_records.update, _on_module(UPDATE, "Permission denied to update")),
            "DELETE": Endpoint(
                api_records.delete, _on_module(DELETE, "Permission denied to delete")
            ),
        },
    ),
    ((MODULE, ID, "actions", "add_tags"), {"POST": Endpoint(api_tags.add_tags, _TAG)}),
    (
        (MODULE, ID, "actions", "remove_tags"),
        {
            "POST": Endpoint(
                api_tags.remove_tags, _on_module(UPDATE, "Permission denied to remove tags")
            )
        },
    ),
    (
        (MODULE, ID, "Notes"),
        {
            "GET": Endpoint(
                api_records.related_notes,
                _with_notes(READ, "Permission denied to read notes details"),
            ),
            "POST": Endpoint(
                api_records.add_related_notes,
                _with_notes(CREATE, "Permission denied to add notes details"),
            ),
        },
    ),
)


def match_route(segments: Sequence[str]) -> tuple[Mapping[str, Endpoint], dict[str, str]] | None:
    """The methods of the route matching ``segments`` and the captured path parts."""
    for pattern, methods in ROUTES:
        if len(pattern) != len(segments):
            continue
        captured: dict[str, str] = {}
        for part, segment in zip(pattern, segments, strict=True):
            if part in (MODULE, ID):
                captured[part] = segment
            elif part != segment:
                break
        else:
            if MODULE in captured and segments[0] in _RESERVED:
                continue
            return methods, captured
    return None


@dataclass
class Trace:
    """What the sandbox learns about a request while answering it (for the log)."""

    charged: bool = False
    ignored: list[str] | None = None


class CrmApi:
    """The CRM REST API over one org (thread-safety is the caller's)."""

    def __init__(self, org: OrgData, oauth: OAuthServer) -> None:
        self.org = org
        self.oauth = oauth

    def handle(
        self,
        method: str,
        segments: Sequence[str],
        params: Mapping[str, str],
        authorization: str | None,
        content: bytes,
        trace: Trace,
    ) -> HttpReply:
        """Answer one API call; ``segments`` is the path after ``/crm/{version}``."""
        token = self.oauth.authenticate(authorization)
        trace.charged = True
        found = match_route(segments)
        if found is None:
            raise errors.invalid_url_pattern()
        methods, captured = found
        endpoint = methods.get(method)
        if endpoint is None:
            raise errors.invalid_request_method()
        module = None
        if MODULE in captured:
            module = find_module(captured[MODULE])
            if module is None:
                raise errors.invalid_module()
        write = WriteContext(self.org, token.user_id, self.org.now())
        trace.ignored = write.ignored
        call = ApiRequest(method, params, content, token, self.org, write, module, captured.get(ID))
        scopes.authorize(token.grants, endpoint.needs(call))
        return endpoint.handler(call)
