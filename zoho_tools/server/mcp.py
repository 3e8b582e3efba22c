"""zoho-tools as an MCP server: the catalog's actions as MCP tools, over stdio or streamable HTTP.

Built on the low-level server of the ``mcp`` SDK (2.x), which speaks both protocol eras: the
2025-11-25 handshake and the sessionless 2026-07-28 protocol.

- ``tools/list`` answers the enabled actions' definitions exactly as
  ``zoho_tools.adapters.export(catalog, "mcp")`` makes them, in catalog order.
- ``tools/call`` runs the call through :class:`~zoho_tools.server.service.ToolService` in the
  conversation the request belongs to (:mod:`zoho_tools.server.call_context`), so collected
  fields, confirmations, the write guard and ``{{action.field}}`` results persist from one
  request to the next. Every reply comes from the one reply boundary (:mod:`zoho_tools.replies`):
  ``isError``, ``structuredContent`` and the same JSON as text. A handler never raises: a crash
  is an ``isError`` result telling the model what to do.
- With a :class:`~zoho_tools.dynamic.ToolSurface` (stdio: one client), ``tools/list`` answers
  the surface's tools, which grow as the model loads categories with the meta-tool; each load
  sends ``notifications/tools/list_changed`` (2025-11-25 sessions; a 2026-07-28 client lists
  again, as nothing is cached then).
- A call that needs the user (a missing field, a confirmation) is answered by what the client
  can do: a 2026-07-28 client that declared elicitation gets ``input_required`` with a form and
  a sealed ``requestState``; an older client on a live connection that declared elicitation gets
  an ``elicitation/create`` form during the call; any other client gets the reply's text, which
  tells the model what to ask the caller.

:func:`create_mcp_server` makes the server, :func:`serve_stdio` serves it on stdin/stdout, and
:func:`create_mcp_app` makes the ASGI app for HTTP.
"""

from __future__ import annotations

import dataclasses
import hmac
import ipaddress
import json
import logging
import secrets
from collections.abc import Sequence
from typing import Any

from mcp.server import Server, ServerRequestContext
from mcp.server.auth.middleware.auth_context import AuthContextMiddleware
from mcp.server.auth.middleware.bearer_auth import BearerAuthBackend
from mcp.server.auth.provider import AccessToken
from mcp.server.request_state import RequestStateBoundary, RequestStateSecurity
from mcp.server.transport_security import TransportSecurityMiddleware, TransportSecuritySettings
from mcp.shared.exceptions import MCPError
from mcp.types import (
    CallToolRequestParams,
    CallToolResult,
    ElicitRequest,
    ElicitRequestFormParams,
    ElicitResult,
    InputRequiredResult,
    ListToolsResult,
    PaginatedRequestParams,
    TextContent,
    Tool,
)
from mcp.types.version import MODERN_PROTOCOL_VERSIONS
from starlette.applications import Starlette
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from zoho_tools import __version__
from zoho_tools.adapters import export
from zoho_tools.dynamic import ToolSurface
from zoho_tools.normalize import brief_name
from zoho_tools.orchestrator import ToolCall
from zoho_tools.replies import ToolReply, internal_error, standalone
from zoho_tools.server.call_context import call_context
from zoho_tools.server.forms import Form, form_for
from zoho_tools.server.service import ToolService
from zoho_tools.server.state import MemoryConversationStore
from zoho_tools.templates import CONFIRMED

logger = logging.getLogger(__name__)

#: The server's name: also the audience of sealed ``requestState``, so every worker must share it.
SERVER_NAME = "zoho-tools"
#: How long a form's ``requestState`` stays valid: a person filling in a form, not a phone pause.
STATE_TTL = 600.0
#: The ``inputRequests`` key of our one form.
INPUT_KEY = "zoho_tools"
#: How many forms one legacy call may show in a row before answering with text.
MAX_FORMS = 4
#: How long ``tools/list`` may be cached by a client (the catalog is fixed while a server runs).
LIST_TTL_MS = 5 * 60 * 1000
#: Keys of conversations a request did not name: they live only as long as a form may.
_ONCE = "mcp:once:"
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def create_mcp_server(
    service: ToolService,
    *,
    state_keys: Sequence[str | bytes] = (),
    default_conversation: str | None = None,
    surface: ToolSurface | None = None,
) -> Server[Any]:
    """The MCP server for ``service``'s tools (or, with a ``surface``, the surface's: see the
    module docstring; serve it with ``serve_stdio(server, tools_changed=True)``).

    ``state_keys`` seal the 2026-07-28 ``requestState`` (the first seals, all unseal: list a new
    key first to rotate); every worker behind one endpoint needs the same keys. Without keys, a
    key made now for this process is used, which suits stdio and a single worker.

    ``default_conversation`` is the conversation of requests that name none: right for stdio,
    where the process serves one client. Without it (HTTP, many clients), such a request has a
    conversation of its own, so nothing leaks between callers.
    """
    tools = _McpTools(service, default_conversation=default_conversation, surface=surface)
    return tools.server(state_keys)


class _McpTools:
    """The handlers of :func:`create_mcp_server`, and what they share."""

    def __init__(
        self,
        service: ToolService,
        *,
        default_conversation: str | None,
        surface: ToolSurface | None = None,
    ) -> None:
        self.service = service
        # Conversations no request named: short-lived, in their own store, so that they neither
        # pile up for hours nor land in a shared store meant for real calls.
        self.once = dataclasses.replace(service, store=MemoryConversationStore(ttl=STATE_TTL))
        self.default_conversation = default_conversation
        self.surface = surface
        # Listed once per process (and per load of a surface): the catalog does not change while
        # the server runs.
        self.tools = self._listed()
        self.listed_version = surface.version if surface else 0

    def server(self, state_keys: Sequence[str | bytes]) -> Server[Any]:
        server: Server[Any] = Server(
            SERVER_NAME,
            version=__version__,
            title="Zoho CRM",
            instructions=(
                "Zoho CRM actions. Never invent a value the caller has not given: a reply with "
                'status "needs_input" says what to ask, "needs_confirmation" what to read back.'
            ),
            on_list_tools=self.list_tools,
            on_call_tool=self.call_tool,
        )
        security = (
            RequestStateSecurity(keys=list(state_keys), ttl=STATE_TTL)
            if state_keys
            else RequestStateSecurity.ephemeral(ttl=STATE_TTL)
        )
        server.middleware.append(RequestStateBoundary(security, default_audience=SERVER_NAME))
        return server

    def _listed(self) -> list[Tool]:
        tools = (
            self.surface.definitions("mcp") if self.surface else export(self.service.tools, "mcp")
        )
        return [Tool.model_validate(t) for t in tools]

    async def list_tools(
        self, ctx: ServerRequestContext[Any], params: PaginatedRequestParams | None
    ) -> ListToolsResult:
        if self.surface is None:
            return ListToolsResult(tools=self.tools, ttl_ms=LIST_TTL_MS, cache_scope="public")
        if self.surface.version != self.listed_version:
            self.tools = self._listed()
            self.listed_version = self.surface.version
        return ListToolsResult(tools=self.tools)

    async def call_tool(
        self, ctx: ServerRequestContext[Any], params: CallToolRequestParams
    ) -> CallToolResult | InputRequiredResult:
        try:
            call = ToolCall(params.name, params.arguments)
            if self.surface is not None and self.surface.handles(call):
                return await self._load(ctx, self.surface, call)
            return await self._call_tool(ctx, params)
        except Exception:
            # The details go to the log (stderr), never to the client.
            logger.exception("tools/call %s failed", brief_name(params.name))
            return _result(internal_error(brief_name(params.name)))

    async def _load(
        self, ctx: ServerRequestContext[Any], surface: ToolSurface, call: ToolCall
    ) -> CallToolResult:
        """Answer the meta-tool; tell the client when its tools changed."""
        before = surface.version
        reply = surface.answer(call)
        if surface.version != before and ctx.session is not None:
            await ctx.session.send_tool_list_changed()
        return _result(reply)

    async def _call_tool(
        self, ctx: ServerRequestContext[Any], params: CallToolRequestParams
    ) -> CallToolResult | InputRequiredResult:
        request = ctx.request
        call = call_context(params.meta, request.headers if isinstance(request, Request) else None)
        arguments: dict[str, Any] = dict(params.arguments or {})
        state = _State.parse(params.request_state)
        if state is not None:
            # A form answer is used once, on whichever worker sees it first (the service's
            # store is shared by the workers when it is in Redis).
            if not await self.service.store.claim(f"mcp-form:{state.nonce}", STATE_TTL):
                return _result(_replayed(params.name))
            key = state.key
        else:
            key = call.key or self.default_conversation or f"{_ONCE}{secrets.token_urlsafe(16)}"
        attempt = _Attempt(self, key, params.name, arguments, call.variables)

        if state is not None:
            # A 2026-07-28 retry: the answer to our form rides along with the same arguments.
            attempt.answers.update(state.answers)
            answer = (params.input_responses or {}).get(INPUT_KEY)
            if isinstance(answer, ElicitResult) and not attempt.answer(state.form, answer):
                return _result(state.form.declined())
        reply = await attempt.run()
        if key.startswith(_ONCE):
            reply = standalone(reply)
        form = form_for(reply, self.service.catalog.get(params.name))
        if form is None or not _can_elicit(ctx):
            return _result(reply)
        if ctx.protocol_version in MODERN_PROTOCOL_VERSIONS:
            return InputRequiredResult(
                input_requests={INPUT_KEY: _elicit_request(form)},
                request_state=_State.of(key, form, attempt.answers).dump(),
            )
        if not ctx.session.can_send_request:
            return _result(reply)
        # An older client on a live connection: ask during the call.
        for _ in range(MAX_FORMS):
            try:
                result = await ctx.session.elicit_form(
                    form.message, form.schema, related_request_id=ctx.request_id
                )
            except MCPError as exc:
                # The client could not show the form after all: the text asks instead.
                logger.warning("elicitation for %s failed: %s", form.action, exc.error.message)
                break
            if not attempt.answer(form, result):
                return _result(form.declined())
            reply = await attempt.run()
            if key.startswith(_ONCE):
                reply = standalone(reply)
            next_form = form_for(reply, self.service.catalog.get(params.name))
            if next_form is None:
                break
            form = next_form
        return _result(reply)


@dataclasses.dataclass
class _Attempt:
    """One tool call and the answers collected for it from forms, run as often as it takes."""

    tools: _McpTools
    key: str
    name: str
    arguments: dict[str, Any]
    variables: dict[str, str]
    answers: dict[str, Any] = dataclasses.field(default_factory=dict)
    confirmed: str | None = None  # the summary the user confirmed

    def answer(self, form: Form, result: ElicitResult) -> bool:
        """Take the user's answer to ``form``; False if they said no."""
        answers = form.read(result.action, result.content)
        if answers is None:
            return False
        self.confirmed = form.summary if answers.pop(CONFIRMED, False) else None
        self.answers.update(answers)
        return True

    async def run(self) -> ToolReply:
        # The original arguments again, with every answer so far: each attempt stands on its
        # own, so it also works on a worker that has not seen the earlier ones.
        arguments = {**self.arguments, **self.answers}
        if self.confirmed is not None:
            arguments[CONFIRMED] = True
        reply = await self._run(arguments)
        if (
            self.confirmed is not None
            and reply.status == "needs_confirmation"
            and reply.structured.get("summary") == self.confirmed
        ):
            # This conversation had not asked (the question was asked on another worker, or
            # it expired); the user did confirm this very summary, so confirm it here too.
            reply = await self._run(arguments)
        return reply

    async def _run(self, arguments: dict[str, Any]) -> ToolReply:
        service = self.tools.once if self.key.startswith(_ONCE) else self.tools.service
        (reply,) = await service.run(
            self.key, [ToolCall(self.name, arguments)], variables=self.variables
        )
        return reply


@dataclasses.dataclass(frozen=True)
class _State:
    """What a form's ``requestState`` carries to the retry that answers it. The SDK seals it
    (encrypted, bound to the tool and its arguments, expiring), so it is trusted once parsed."""

    key: str
    form: Form
    answers: dict[str, Any]
    nonce: str

    @classmethod
    def of(cls, key: str, form: Form, answers: dict[str, Any]) -> _State:
        return cls(key, form, dict(answers), secrets.token_urlsafe(12))

    def dump(self) -> str:
        form = self.form
        return json.dumps(
            {
                "k": self.key,
                "a": self.answers,
                "n": self.nonce,
                "f": [form.action, form.kind, form.message, form.schema, form.fields, form.summary],
            },
            separators=(",", ":"),
        )

    @classmethod
    def parse(cls, text: str | None) -> _State | None:
        if text is None:
            return None
        data = json.loads(text)
        action, kind, message, schema, fields, summary = data["f"]
        form = Form(action, kind, message, schema, tuple(fields), summary)
        return cls(data["k"], form, dict(data["a"]), data["n"])


def _can_elicit(ctx: ServerRequestContext[Any]) -> bool:
    """Whether the client declared form elicitation (an empty declaration means forms)."""
    capabilities = ctx.session.client_capabilities
    elicitation = capabilities.elicitation if capabilities is not None else None
    return elicitation is not None and (elicitation.form is not None or elicitation.url is None)


def _elicit_request(form: Form) -> ElicitRequest:
    return ElicitRequest(
        params=ElicitRequestFormParams(message=form.message, requested_schema=form.schema)
    )


def _result(reply: ToolReply) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=reply.text)],
        structured_content=reply.structured,
        is_error=reply.is_error,
    )


def _replayed(name: str) -> ToolReply:
    return ToolReply.of(
        brief_name(name),
        {
            "status": "rejected",
            "problems": ["this form answer was already used"],
            "instruction": "Call the tool again to get a fresh form.",
        },
        is_error=True,
    )


# --- transports ----------------------------------------------------------------------------------


async def serve_stdio(server: Server[Any], *, tools_changed: bool = False) -> None:
    """Serve ``server`` on this process's stdin and stdout until stdin closes. Nothing else may
    write to stdout meanwhile; log to stderr. ``tools_changed``: declare that the tool list
    changes (a server with a surface)."""
    from mcp.server.lowlevel.server import NotificationOptions
    from mcp.server.stdio import stdio_server

    options = server.create_initialization_options(NotificationOptions(tools_changed=tools_changed))
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, options)


def create_mcp_app(
    service: ToolService,
    *,
    allowed_hosts: Sequence[str] = (),
    bearer_token: str | None = None,
    state_keys: Sequence[str | bytes] = (),
    json_response: bool = False,
    path: str = "/mcp",
) -> Starlette:
    """A Starlette app serving ``service``'s tools over streamable HTTP at ``path``, stateless
    (any worker can answer any request; conversations live in ``service.store``).

    - ``allowed_hosts``: the ``Host`` names it answers besides loopback (``crm.example.com``,
      any port). A request for any other host gets 421, which stops DNS rebinding.
    - ``bearer_token``: the secret every request must send as ``Authorization: Bearer``;
      otherwise 401. With no token configured, only requests from loopback to a loopback host
      are served and all others get 401.
    - ``state_keys``: see :func:`create_mcp_server`; give every worker the same ones.
    - ``json_response``: answer with one JSON body instead of an SSE stream.

    The app's lifespan runs the SDK's session manager, and requests fail without it. Served
    alone (uvicorn), it runs by itself. Mounted in another Starlette app, the mount's lifespan
    does not run, so run it from the host app's lifespan::

        mcp_app = create_mcp_app(service, bearer_token=token)

        @contextlib.asynccontextmanager
        async def lifespan(app):
            async with mcp_app.router.lifespan_context(mcp_app):
                yield

        app = Starlette(routes=[*my_routes, Mount("/", app=mcp_app)], lifespan=lifespan)

    (Mount it at ``/`` so the endpoint stays at ``path``; a mount at ``/mcp`` would need a
    trailing slash that clients do not send.) The app does not close ``service``.
    """
    if bearer_token is not None and len(bearer_token) < MIN_TOKEN_CHARS:
        raise ValueError(
            f"the MCP bearer token (ZOHO_TOOLS_MCP_TOKEN) must be at least {MIN_TOKEN_CHARS} "
            "characters; generate one with "
            '`python -c "import secrets; print(secrets.token_urlsafe(32))"`'
        )
    server = create_mcp_server(service, state_keys=state_keys)
    hosts = [name for host in allowed_hosts for name in (host, f"{host}:*")]
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[*(f"{name}:*" for name in _LOOPBACK_NAMES), *_LOOPBACK_NAMES, *hosts],
        allowed_origins=[
            *(f"http://{name}:*" for name in _LOOPBACK_NAMES),
            *(f"https://{host}" for host in allowed_hosts),
        ],
    )
    verifier = _StaticToken(bearer_token) if bearer_token else None
    app = server.streamable_http_app(
        streamable_http_path=path,
        stateless_http=True,
        json_response=json_response,
        transport_security=security,
        token_verifier=verifier,
    )
    if verifier is not None:
        # The SDK checks bearer tokens only with a full OAuth setup (issuer, metadata); a static
        # secret needs just its two middlewares. Added last, the authentication runs first.
        app.add_middleware(AuthContextMiddleware)
        app.add_middleware(AuthenticationMiddleware, backend=BearerAuthBackend(verifier))
    app.add_middleware(_Gate, security=security, open_on_loopback=verifier is None)
    return app


#: The shortest bearer token the HTTP endpoint accepts as its secret.
MIN_TOKEN_CHARS = 16


class _StaticToken:
    """A :class:`~mcp.server.auth.provider.TokenVerifier` for one configured secret."""

    def __init__(self, token: str) -> None:
        self._token = token.encode()

    async def verify_token(self, token: str) -> AccessToken | None:
        if not hmac.compare_digest(token.encode("utf-8", "replace"), self._token):
            return None
        # The same principal for every holder of the secret: sealed requestState is bound to it.
        return AccessToken(token="configured-secret", client_id=SERVER_NAME, scopes=[])


class _Gate:
    """The checks before anything else: the ``Host`` allowlist (421), then, when no bearer token
    is configured, loopback only (401)."""

    def __init__(
        self, app: ASGIApp, *, security: TransportSecuritySettings, open_on_loopback: bool
    ) -> None:
        self.app = app
        self.hosts = TransportSecurityMiddleware(security)
        self.open_on_loopback = open_on_loopback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refused = await self.hosts.validate_request(request)
        if refused is None and self.open_on_loopback and not _loopback(request):
            refused = JSONResponse(
                {
                    "error": "unauthorized",
                    "error_description": "this MCP endpoint has no bearer token configured, so "
                    "it serves loopback only: set ZOHO_TOOLS_MCP_TOKEN on the server",
                },
                status_code=401,
            )
        if refused is not None:
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _loopback(request: Request) -> bool:
    """Whether ``request`` came from this machine and names this machine as its host."""
    host = request.url.hostname or ""
    client = request.client.host if request.client else ""
    return is_loopback(host) and is_loopback(client)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address, IPv6 in brackets or not) is this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
