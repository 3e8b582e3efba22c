"""The HTTP app of ``zoho-tools serve``: the tool webhooks voice platforms call during a call.

Routes:

- ``POST /vapi``: Vapi's server messages. ``tool-calls`` (``message.toolCallList``) runs every
  call of the message as one turn and answers ``{"results": [{"name", "toolCallId", "result"}]}``
  (``error`` instead of ``result`` for a failed call), HTTP 200. ``end-of-call-report`` logs the
  call in Zoho (``log_call`` with the call's real start, duration and summary) when the employee
  has ``log_calls: true``, once however often it is delivered. Other messages get ``{}``.
- ``POST /retell``: a Retell custom function, ``{"name", "args", "call"}`` (or the arguments at
  the root with ``args_at_root``); answers the reply as JSON.
- ``POST /elevenlabs/{action}``: an ElevenLabs server tool; the body is the action's arguments.
  The caller and the conversation come from the dynamic variables ``system__caller_id`` and
  ``system__conversation_id``, configured as the headers ``X-Caller-Id`` and
  ``X-Conversation-Id`` or as body properties of those names.
- ``GET /healthz``: 200 once the app is ready to serve, 503 before and while shutting down.
- ``/mcp``: an optional ASGI app (the MCP endpoint), given the request path unchanged.

Every webhook goes the same way: the body is read (at most :data:`MAX_BODY_BYTES`), verified on
its raw bytes with the platform's :class:`~zoho_tools.server.signatures.Verifier` (401 and
nothing run if it fails), parsed, mapped by the platform's reader to a :class:`Turn` (the tool
calls, the conversation key ``<platform>:<call id>`` and the call variables), run by the
:class:`~zoho_tools.server.latency.BudgetedRunner` and answered in the platform's shape.

Call variables (``caller_phone``, ``call_id``) come only from the platform's call data, never from
the model's arguments.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from zoho_tools.config import DEFAULT_VOICE_BUDGET
from zoho_tools.errors import ZohoToolsError
from zoho_tools.orchestrator import ToolCall
from zoho_tools.replies import ToolReply, internal_error
from zoho_tools.server.latency import BudgetedRunner
from zoho_tools.server.signatures import (
    AnyOf,
    Clock,
    HeaderSecret,
    RetellSignature,
    TimestampedHmac,
    Verifier,
    verified,
)

if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from zoho_tools.config import Settings
    from zoho_tools.server.service import ToolService

logger = logging.getLogger("zoho_tools.server")

#: The largest webhook body read (Retell sends the whole transcript with every call).
MAX_BODY_BYTES = 2_000_000
#: The most tool calls one Vapi message may carry.
MAX_CALLS = 32
#: The longest call id or phone number taken from a platform.
MAX_ID_CHARS = 200
#: The longest call summary logged in Zoho (Zoho's multi-line field limit).
MAX_SUMMARY_CHARS = 32000
#: The id under which a call's end-of-call log is run: once per conversation.
CALL_LOG_ID = "end-of-call-report"

PLATFORMS = ("vapi", "retell", "elevenlabs")

#: Vapi ``endedReason`` values for a call nobody answered (logged as missed).
_UNANSWERED = frozenset({"customer-did-not-answer", "customer-busy"})

Answer = Callable[[Sequence[ToolCall], Sequence[ToolReply]], Response]


class BadRequest(ZohoToolsError, ValueError):
    """A verified request whose body is not the platform's shape; answered 400."""


@dataclass(frozen=True, slots=True)
class Turn:
    """What one webhook request asks for: ``calls`` to run in the conversation ``key`` with the
    call ``variables`` the platform vouches for, and how to ``answer`` with their replies."""

    key: str
    calls: list[ToolCall]
    variables: dict[str, str]
    answer: Answer


Reader = Callable[[Any, bytes, Request, "ToolService"], Turn]


@dataclass
class _App:
    service: ToolService
    runner: BudgetedRunner
    verifiers: Mapping[str, Verifier | None]
    require_auth: bool
    ready: bool = field(default=False)


def create_app(
    service: ToolService,
    *,
    verifiers: Mapping[str, Verifier | None] | None = None,
    require_auth: bool = False,
    budget: float = DEFAULT_VOICE_BUDGET,
    mcp_app: ASGIApp | None = None,
) -> Starlette:
    """The webhook app for ``service`` (see the module docstring). It owns ``service`` and
    closes it on shutdown.

    - ``verifiers``: each platform's check (:func:`verifiers_from_settings`); a platform with
      none accepts unsigned requests, unless ``require_auth`` (a server reachable from outside),
      where it refuses every request with 401.
    - ``budget``: seconds a request may take before answering "still processing".
    - ``mcp_app``: an ASGI app answering ``/mcp`` (its own lifespan is run with this app's).
    """
    state = _App(
        service=service,
        runner=BudgetedRunner(service, budget),
        verifiers=dict(verifiers or {}),
        require_auth=require_auth,
    )

    def webhook(platform: str, read: Reader) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            return await _serve(request, platform, read, state)

        return endpoint

    async def health(request: Request) -> Response:
        if not state.ready:
            return JSONResponse({"status": "starting"}, status_code=503)
        return JSONResponse({"status": "ok"})

    routes = [
        Route("/healthz", health, methods=["GET"]),
        Route("/vapi", webhook("vapi", read_vapi), methods=["POST"]),
        Route("/retell", webhook("retell", read_retell), methods=["POST"]),
        Route("/elevenlabs/{action}", webhook("elevenlabs", read_elevenlabs), methods=["POST"]),
    ]
    if mcp_app is not None:
        # A Route with an ASGI app passes the request through untouched (path included), so an
        # MCP app routing "/mcp" itself works as it is.
        routes.append(Route("/mcp", mcp_app))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            stack.push_async_callback(service.aclose)
            stack.push_async_callback(state.runner.aclose)
            if isinstance(mcp_app, Starlette):
                # Starlette does not run a routed app's lifespan; the MCP app needs its own.
                await stack.enter_async_context(mcp_app.router.lifespan_context(mcp_app))
            state.ready = True
            try:
                yield
            finally:
                state.ready = False

    return Starlette(routes=routes, lifespan=lifespan)


def verifiers_from_settings(
    settings: Settings, *, clock: Clock = time.time
) -> dict[str, Verifier | None]:
    """Each platform's check, from the configured secrets (None where none is configured):
    Vapi's bearer token, ``X-Vapi-Secret`` or HMAC; Retell's signature; ElevenLabs' secret as
    ``Authorization: Bearer`` or ``X-ElevenLabs-Secret``."""
    verifiers: dict[str, Verifier | None] = dict.fromkeys(PLATFORMS)
    if settings.vapi_secret is not None:
        secret = settings.vapi_secret.get_secret_value()
        verifiers["vapi"] = AnyOf(
            (HeaderSecret.of(secret, "x-vapi-secret"), TimestampedHmac.of(secret, clock=clock))
        )
    if settings.retell_api_key is not None:
        verifiers["retell"] = RetellSignature.of(
            settings.retell_api_key.get_secret_value(), clock=clock
        )
    if settings.elevenlabs_secret is not None:
        verifiers["elevenlabs"] = HeaderSecret.of(
            settings.elevenlabs_secret.get_secret_value(), "x-elevenlabs-secret"
        )
    return verifiers


# --- the one path of a webhook request ------------------------------------------------------------


async def _serve(request: Request, platform: str, read: Reader, state: _App) -> Response:
    body = await _body(request)
    if body is None:
        return _refused(413, f"the body is larger than {MAX_BODY_BYTES} bytes")
    verifier = state.verifiers.get(platform)
    if verifier is None and state.require_auth:
        logger.warning("refused a %s request: no %s secret is configured", platform, platform)
        return _refused(401, "unauthorized")
    if verifier is not None and not verified(verifier, request.headers, body):
        logger.warning("refused a %s request with a missing or wrong signature", platform)
        return _refused(401, "unauthorized")
    try:
        payload = json.loads(body, parse_constant=_no_constant) if body.strip() else None
        turn = read(payload, body, request, state.service)
    except (ValueError, RecursionError) as exc:
        # BadRequest, malformed JSON or JSON nested too deep to parse.
        reason = str(exc) if isinstance(exc, BadRequest) else "the body is not valid JSON"
        return _refused(400, reason)
    if not turn.calls:
        return turn.answer([], [])
    try:
        replies = await state.runner.run(turn.key, turn.calls, turn.variables)
    except Exception:
        # The service answers every call, even one that crashed; this is the store failing.
        logger.exception("a %s turn of %s failed", platform, turn.key)
        replies = [internal_error(str(call.name)[:64]) for call in turn.calls]
    return turn.answer(turn.calls, replies)


def _no_constant(name: str) -> Any:
    """Refuses ``NaN`` and ``Infinity``, which Python's parser accepts and JSON does not."""
    raise ValueError(f"{name} is not JSON")


async def _body(request: Request) -> bytes | None:
    """The raw body, or None when it exceeds :data:`MAX_BODY_BYTES` (not read further)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _refused(status: int, reason: str) -> Response:
    return JSONResponse({"error": reason}, status_code=status)


def _json(text: str) -> Response:
    """A reply's text (compact JSON already) as the response body."""
    return Response(text, media_type="application/json")


# --- Vapi -----------------------------------------------------------------------------------------


def read_vapi(payload: Any, body: bytes, request: Request, service: ToolService) -> Turn:
    """A Vapi server message (``{"message": {...}}``) as a turn."""
    message = _mapping(_mapping(payload, "the body").get("message"), "message")
    call = _field(message, "call")
    call_id = _text(call.get("id"))
    caller = _text(_field(call, "customer").get("number")) or _text(
        _field(message, "customer").get("number")
    )
    key, variables = _conversation("vapi", call_id, caller)
    kind = message.get("type")
    if kind == "tool-calls":
        items = message.get("toolCallList")
        if not isinstance(items, list) or len(items) > MAX_CALLS:
            raise BadRequest(f"message.toolCallList must be a list of at most {MAX_CALLS} calls")
        return Turn(key, [_vapi_call(item) for item in items], variables, _vapi_results)
    if kind == "end-of-call-report" and service.log_calls and call_id is not None:
        log, times = _call_log(message, call, caller)
        return Turn(key, [log], {**variables, **times}, _acknowledged)
    return Turn(key, [], variables, _acknowledged)


def _vapi_call(item: Any) -> ToolCall:
    """One item of ``toolCallList``: ``{id, type, function: {name, arguments}}`` (the OpenAPI
    shape) or ``{id, name, arguments | parameters}`` (the docs' examples)."""
    item = _mapping(item, "a toolCallList item")
    function = _field(item, "function")
    name = function.get("name", item.get("name"))
    arguments = function.get("arguments", item.get("arguments", item.get("parameters")))
    return ToolCall(name if isinstance(name, str) else "", arguments, _text(item.get("id")))


def _vapi_results(calls: Sequence[ToolCall], replies: Sequence[ToolReply]) -> Response:
    results = [
        {
            "name": call.name,
            "toolCallId": call.id or "",
            ("error" if reply.is_error else "result"): reply.text,
        }
        for call, reply in zip(calls, replies, strict=True)
    ]
    return JSONResponse({"results": results})


def _acknowledged(calls: Sequence[ToolCall], replies: Sequence[ToolReply]) -> Response:
    for reply in replies:
        log = logger.warning if reply.is_error else logger.info
        log("end of call: %s %s", reply.action, reply.status)
    return JSONResponse({})


def _call_log(
    message: Mapping[str, Any], call: Mapping[str, Any], caller: str | None
) -> tuple[ToolCall, dict[str, str]]:
    """The ``log_call`` of an end-of-call report, and the call variables its defaults use:
    ``call_started_at`` and ``call_duration`` as the platform measured them."""
    started = _moment(message.get("startedAt")) or _moment(call.get("startedAt"))
    ended = _moment(message.get("endedAt")) or _moment(call.get("endedAt"))
    seconds = message.get("durationSeconds")
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        seconds = (ended - started).total_seconds() if started and ended else None
    outbound = call.get("type") == "outboundPhoneCall"
    if _text(message.get("endedReason")) in _UNANSWERED:
        kind = "Missed"
    else:
        kind = "Outbound" if outbound else "Inbound"
    subject = f"{kind} call" + (f" {'to' if outbound else 'from'} {caller}" if caller else "")
    arguments: dict[str, Any] = {"subject": subject, "call_type": kind}
    summary = _text(_field(message, "analysis").get("summary"), MAX_SUMMARY_CHARS) or _text(
        message.get("summary"), MAX_SUMMARY_CHARS
    )
    if summary:
        arguments["description"] = summary
    times: dict[str, str] = {}
    if started is not None:
        times["call_started_at"] = started.isoformat("T", "seconds")
    if seconds is not None and 0 <= seconds < 24 * 60 * 60:
        whole = max(1, round(seconds))
        times["call_duration"] = f"{whole // 60:02d}:{whole % 60:02d}"
    return ToolCall("log_call", arguments, CALL_LOG_ID), times


# --- Retell ---------------------------------------------------------------------------------------


def read_retell(payload: Any, body: bytes, request: Request, service: ToolService) -> Turn:
    """A Retell custom function call as a turn of one call.

    Retell sends no tool-call id, and retries a request that timed out (``max_retry``) with the
    same body, which carries the transcript so far: the body's digest serves as the id, so a
    retry is answered from the first reply while the same call made later (after more was said)
    runs again."""
    fields = _mapping(payload, "the body")
    call = _field(fields, "call")
    name = fields.get("name")
    if not isinstance(name, str):
        raise BadRequest("name must be the function's name")
    if "args" in fields:
        arguments = fields["args"]
    else:  # args_at_root: the arguments beside name and call
        arguments = {k: v for k, v in fields.items() if k not in ("name", "call")}
    outbound = call.get("direction") == "outbound"
    caller = _text(call.get("to_number" if outbound else "from_number"))
    key, variables = _conversation("retell", _text(call.get("call_id")), caller)
    delivery = "body:" + hashlib.sha256(body).hexdigest()[:32]
    return Turn(key, [ToolCall(name, arguments, delivery)], variables, _single)


def _single(calls: Sequence[ToolCall], replies: Sequence[ToolReply]) -> Response:
    (reply,) = replies
    return _json(reply.text)


# --- ElevenLabs -----------------------------------------------------------------------------------


def read_elevenlabs(payload: Any, body: bytes, request: Request, service: ToolService) -> Turn:
    """An ElevenLabs server tool call (the action in the path) as a turn of one call."""
    arguments = dict(_mapping({} if payload is None else payload, "the body"))
    # Popped whatever the headers say, so they never reach the action as unknown fields.
    caller = _dynamic(arguments.pop("system__caller_id", None))
    conversation = _dynamic(arguments.pop("system__conversation_id", None))
    caller = _dynamic(request.headers.get("x-caller-id")) or caller
    conversation = _dynamic(request.headers.get("x-conversation-id")) or conversation
    key, variables = _conversation("elevenlabs", conversation, caller)
    action = request.path_params["action"]
    return Turn(key, [ToolCall(action, arguments)], variables, _single)


def _dynamic(value: Any) -> str | None:
    """A dynamic variable's value; None when absent or left unresolved (``{{system__caller_id}}``
    on a web call, which has no caller number)."""
    text = _text(value)
    return None if text is None or "{{" in text else text


# --- reading untrusted JSON -----------------------------------------------------------------------


def _conversation(
    platform: str, call_id: str | None, caller: str | None
) -> tuple[str, dict[str, str]]:
    """The conversation key of a platform's call and its call variables. A request that names
    no call gets a conversation of its own (nothing carries over to another request)."""
    key = f"{platform}:{call_id}" if call_id else f"{platform}:once:{uuid.uuid4().hex}"
    variables = {"caller_phone": caller, "call_id": call_id}
    return key, {name: value for name, value in variables.items() if value}


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise BadRequest(f"{what} must be a JSON object")
    return value


def _field(parent: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """An optional object field; an absent or non-object one reads as empty."""
    value = parent.get(name)
    return value if isinstance(value, Mapping) else {}


def _text(value: Any, limit: int = MAX_ID_CHARS) -> str | None:
    """A non-blank string of at most ``limit`` characters, else None."""
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        return None
    return value.strip()


def _moment(value: Any) -> datetime | None:
    """An ISO 8601 time (``2026-12-03T13:00:00.000Z``), in UTC when it has no offset."""
    text = _text(value, 64)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
