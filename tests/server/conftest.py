"""Pieces shared by the server tests: no machine configuration, a tool service on the demo
sandbox (optionally slowed down by a gate), the webhook app served in-process, signatures computed
here independently of the product, the platforms' payloads in their published shapes, and a
scripted MCP user who answers forms (elicitation requests) and remembers what they saw."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, Literal

import httpx
import pytest
from starlette.applications import Starlette

from tests.auth.conftest import isolated_config  # noqa: F401  (autouse here too)
from tests.clocks import Clock
from zoho_tools.config import load_settings
from zoho_tools.connection import Backend, demo_variables, sandbox_executor
from zoho_tools.orchestrator import Employee
from zoho_tools.sandbox import Sandbox
from zoho_tools.server.service import ToolService, load_service
from zoho_tools.server.signatures import Verifier
from zoho_tools.server.state import MemoryConversationStore

VAPI_SECRET = "vapi-SECRET-7f3a"
RETELL_KEY = "key_retell-SECRET-91c2"
ELEVENLABS_SECRET = "el-SECRET-5d8e"
#: Epoch seconds of the tests' wall clock (signatures are checked against it).
NOW = 1_800_000_000.0
CALLER = "+15551234567"  # John Smith of Acme Corp in the demo org


@pytest.fixture
def wall() -> Clock:
    return Clock(NOW)


class Gate(httpx.AsyncBaseTransport):
    """The sandbox's transport, holding every CRM request until the test opens the gate (token
    requests pass: only Zoho's API is slow)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.open = asyncio.Event()
        self.open.set()
        self.waiting = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/crm/"):
            self.waiting += 1
            await self.open.wait()
            self.waiting -= 1
        return await self.inner.handle_async_request(request)


def sandbox_service(sandbox: Sandbox, *, gate: Gate | None = None, **options: Any) -> ToolService:
    """A service on ``sandbox`` authenticated as a real client, through ``gate`` if given."""
    from zoho_tools.catalog import CATALOG
    from zoho_tools.normalize import Locale

    executor = sandbox_executor(sandbox, transport=gate)
    backend = Backend(executor, "sandbox", sandbox=sandbox, variables=demo_variables(sandbox))
    return ToolService(
        backend=backend,
        catalog=CATALOG,
        employee=options.pop("employee", Employee()),
        locale=Locale(),
        **options,
    )


@pytest.fixture
def gate(sb: Sandbox) -> Gate:
    return Gate(sb.async_transport())


@pytest.fixture
async def service(sb: Sandbox, gate: Gate) -> AsyncIterator[ToolService]:
    """A service whose employee logs calls; closed after the test (again, if an app did)."""
    service = sandbox_service(sb, gate=gate, log_calls=True)
    yield service
    await service.aclose()


def all_verifiers(clock: Clock) -> dict[str, Verifier | None]:
    from pydantic import SecretStr

    from zoho_tools.config import Settings
    from zoho_tools.server.webhooks import verifiers_from_settings

    settings = Settings(
        vapi_secret=SecretStr(VAPI_SECRET),
        retell_api_key=SecretStr(RETELL_KEY),
        elevenlabs_secret=SecretStr(ELEVENLABS_SECRET),
    )
    return verifiers_from_settings(settings, clock=clock)


@asynccontextmanager
async def serving(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """``app`` started (its lifespan run) and an HTTP client talking to it in-process."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


@pytest.fixture
async def client(service: ToolService, wall: Clock) -> AsyncIterator[httpx.AsyncClient]:
    """The webhook app with every platform's secret configured, on the tests' wall clock."""
    from zoho_tools.server.webhooks import create_app

    app = create_app(service, verifiers=all_verifiers(wall), require_auth=True, budget=5.0)
    async with serving(app) as http:
        yield http


# --- signatures, computed here from the platforms' published algorithms -----------------------


def retell_signature(body: bytes, key: str = RETELL_KEY, *, ms: int | None = None) -> str:
    """``v=<ms>,d=<hex HMAC-SHA256(key, body + ms)>`` (retell-sdk ``webhook_auth``)."""
    stamp = str(int(NOW * 1000) if ms is None else ms)
    digest = hmac.new(key.encode(), body + stamp.encode(), hashlib.sha256).hexdigest()
    return f"v={stamp},d={digest}"


def vapi_hmac(
    body: bytes, secret: str = VAPI_SECRET, *, stamp: str | None = None
) -> dict[str, str]:
    """Vapi's HMAC credential with its defaults: hex HMAC-SHA256 of ``"{timestamp}.{body}"``."""
    stamp = stamp or str(int(NOW))
    signed = stamp.encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return {"x-signature": digest, "x-timestamp": stamp}


def encoded(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


# --- payloads -----------------------------------------------------------------------------------


def vapi_call(call_id: str, number: str = CALLER) -> dict[str, Any]:
    """A ``Call`` as Vapi's OpenAPI describes it (``id``, ``orgId``, ``createdAt``,
    ``updatedAt`` required; the caller in ``customer.number``)."""
    return {
        "id": call_id,
        "orgId": "0a9e6b1c-org",
        "createdAt": "2026-12-03T13:00:00.000Z",
        "updatedAt": "2026-12-03T13:00:05.000Z",
        "type": "inboundPhoneCall",
        "status": "in-progress",
        "phoneCallProvider": "twilio",
        "phoneCallProviderId": "CA0f3e9d1c2b",
        "phoneCallTransport": "pstn",
        "customer": {"number": number},
    }


def vapi_tool_calls(
    call_id: str, *calls: tuple[str, str, Any], number: str = CALLER
) -> dict[str, Any]:
    """A ``ServerMessageToolCalls`` body: ``(tool call id, name, arguments)`` per call, the
    arguments as a JSON string (``ToolCall.function.arguments``) unless given otherwise."""
    tool_calls: list[dict[str, Any]] = [
        {
            "id": call_id_,
            "type": "function",
            "function": {
                "name": name,
                "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments),
            },
        }
        for call_id_, name, arguments in calls
    ]
    return {
        "message": {
            "timestamp": int(NOW * 1000),
            "type": "tool-calls",
            "toolCallList": tool_calls,
            "toolWithToolCallList": [
                {
                    "type": "function",
                    "function": {
                        "name": call["function"]["name"],
                        "parameters": {"type": "object", "properties": {}},
                    },
                    "server": {"url": "https://example.invalid/vapi"},
                    "toolCall": call,
                }
                for call in tool_calls
            ],
            "artifact": {"messages": []},
            "assistant": {"name": "Ava"},
            "customer": {"number": number},
            "call": vapi_call(call_id, number),
        }
    }


def vapi_end_of_call(
    call_id: str, *, summary: str = "Order problem; case opened."
) -> dict[str, Any]:
    """A ``ServerMessageEndOfCallReport`` (``endedReason``, ``artifact`` and ``analysis``
    required; ``startedAt``/``endedAt`` ISO 8601)."""
    return {
        "message": {
            "timestamp": int(NOW * 1000),
            "type": "end-of-call-report",
            "endedReason": "customer-ended-call",
            "cost": 0.12,
            "artifact": {"transcript": "AI: Hello...", "messages": []},
            "analysis": {"summary": summary, "successEvaluation": "true"},
            "startedAt": "2026-12-03T13:00:00.000Z",
            "endedAt": "2026-12-03T13:03:25.000Z",
            "customer": {"number": CALLER},
            "call": {**vapi_call(call_id), "status": "ended"},
        }
    }


def retell_function(
    call_id: str, name: str, args: Mapping[str, Any], *, direction: str = "inbound"
) -> dict[str, Any]:
    """A Retell custom function body ``{name, args, call}``; ``call`` is a ``PhoneCallResponse``
    (``call_id``, ``agent_id``, ``agent_version``, ``call_status``, ``call_type``, ``direction``,
    ``from_number``, ``to_number`` required)."""
    inbound = direction == "inbound"
    return {
        "name": name,
        "args": dict(args),
        "call": {
            "call_type": "phone_call",
            "call_id": call_id,
            "agent_id": "agent_3b1f",
            "agent_version": 4,
            "call_status": "ongoing",
            "direction": direction,
            "from_number": CALLER if inbound else "+14155550100",
            "to_number": "+14155550100" if inbound else CALLER,
            "start_timestamp": int(NOW * 1000),
            "retell_llm_dynamic_variables": {"customer_name": "John"},
            "transcript": "Agent: Hi, this is Ava.\nUser: I need help with my order.",
            "transcript_object": [
                {"role": "agent", "content": "Hi, this is Ava.", "words": []},
            ],
        },
    }


def make_service() -> ToolService:
    """A service on a demo sandbox of its own (as each worker process has)."""
    return load_service(load_settings(), notice=lambda _: None)


def conversations_kept(service: ToolService) -> int:
    """How many conversations ``service`` keeps in its (in-memory) store."""
    assert isinstance(service.store, MemoryConversationStore), service.store
    return len(service.store)


def contact_id(service: ToolService) -> str:
    """The id of John Smith, the demo org's contact."""
    assert service.backend.sandbox is not None
    [contact] = service.backend.sandbox.find("Contacts", Last_Name="Smith")
    return str(contact["id"])


class User:
    """Answers each form with the next of ``answers``: a content dict, ``"decline"`` or
    ``"cancel"``, or ``"error"`` for a client that fails to show it."""

    def __init__(self, *answers: dict[str, Any] | Literal["decline", "cancel", "error"]) -> None:
        self.answers = list(answers)
        self.forms: list[Any] = []

    async def __call__(self, context: Any, params: Any) -> Any:
        from mcp.types import ElicitResult, ErrorData

        self.forms.append(params)
        answer = self.answers.pop(0)
        if answer == "error":  # a client that cannot show the form after all
            return ErrorData(code=-32603, message="no form today")
        if isinstance(answer, str):
            return ElicitResult(action=answer)
        return ElicitResult(action="accept", content=answer)
