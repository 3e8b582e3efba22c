"""The tool side of zoho-tools as a service, shared by the MCP server and the voice webhooks.

:func:`load_service` makes the same choices as ``zoho-tools chat``: the embedded sandbox unless
``use_org``, the actions of an AI employee file, custom actions, the locale. A
:class:`ToolService` then runs the tool calls of any request against the conversation of the call
they belong to::

    replies = await service.run("vapi:call-1", calls, variables={"caller_phone": "+1555..."})

``variables`` are the call variables the platform vouches for (the caller's number, the call id):
they come from the request's trusted part, never from the model's arguments, and are refreshed on
every request of the call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zoho_tools.agent.loop import run_tool_calls
from zoho_tools.catalog import Catalog
from zoho_tools.normalize import Locale
from zoho_tools.orchestrator import Conversation, Employee, ToolCall
from zoho_tools.replies import ToolReply
from zoho_tools.server.state import ConversationStore, MemoryConversationStore

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from zoho_tools.config import Settings
    from zoho_tools.connection import Backend


@dataclass
class ToolService:
    """A backend, the actions an employee may use, and the conversations of the calls."""

    backend: Backend
    catalog: Catalog
    employee: Employee
    locale: Locale
    store: ConversationStore = field(default_factory=MemoryConversationStore)
    #: Whether a call is logged in Zoho when the platform reports its end (the employee's
    #: ``log_calls``).
    log_calls: bool = False

    @property
    def tools(self) -> Catalog:
        """The actions this service offers (the employee's, or all of the catalog)."""
        if self.employee.actions is None:
            return self.catalog
        return self.catalog.select(names=sorted(self.employee.actions))

    def new_conversation(self, variables: Mapping[str, Any] | None = None) -> Conversation:
        return Conversation(
            catalog=self.catalog,
            employee=self.employee,
            variables={**self.backend.variables, **(variables or {})},
            locale=self.locale,
        )

    async def run(
        self,
        key: str,
        calls: Sequence[ToolCall],
        *,
        variables: Mapping[str, Any] | None = None,
    ) -> list[ToolReply]:
        """Run the tool calls of one request in the conversation ``key``; a reply per call, in
        order. A call whose id was answered before in this conversation (a platform's retry) gets
        that answer again and is not run twice."""
        trusted = {k: v for k, v in (variables or {}).items() if v not in (None, "")}
        await self.backend.ready()
        async with self.store.session(key, lambda: self.new_conversation(trusted)) as session:
            session.conversation.variables.update(trusted)
            fresh = [c for c in calls if c.id is None or c.id not in session.replies]
            events = await run_tool_calls(session.conversation, self.backend.executor, fresh)
            for event in events:
                if event.call.id is not None:
                    session.replies[event.call.id] = event.reply
            answered = {id(event.call): event.reply for event in events}
            return [
                answered[id(call)] if id(call) in answered else session.replies[str(call.id)]
                for call in calls
            ]

    async def aclose(self) -> None:
        await self.backend.aclose()


def load_service(
    settings: Settings,
    *,
    use_org: bool = False,
    employee_file: str | Path | None = None,
    custom_file: str | Path | None = None,
    time_zone: str | None = None,
    redis: Redis | None = None,
    tenant: str | None = None,
    notice: Callable[[str], Any] | None = None,
) -> ToolService:
    """The service the command line's ``--org``, ``--employee``, ``--custom`` and
    ``--time-zone`` describe. With ``redis``, the org's tokens (with ``use_org``) and the calls'
    conversations are kept there, under ``tenant`` (None: the one org of a service without
    tenants), else in the token file and in memory. The backend comes from
    :func:`~zoho_tools.connection.open_backend`. Raises ``CustomActionError``,
    ``EmployeeError``, ``NotConnected`` or ``ValueError`` with a message for the user."""
    from zoho_tools.catalog import CATALOG
    from zoho_tools.connection import open_backend
    from zoho_tools.custom_actions import load_custom_actions
    from zoho_tools.employee import EmployeeSpec, load_employee

    catalog = CATALOG.with_actions(load_custom_actions(custom_file)) if custom_file else CATALOG
    spec = load_employee(employee_file) if employee_file else EmployeeSpec()
    employee = spec.build(catalog)
    locale = Locale(
        time_zone=time_zone or spec.time_zone or settings.time_zone,
        country=spec.country or settings.country,
    )
    conversations: ConversationStore = MemoryConversationStore()
    if redis is not None:
        from zoho_tools.server.redis_state import RedisConversationStore
        from zoho_tools.shared import DEFAULT_TENANT

        conversations = RedisConversationStore(redis, tenant=tenant or DEFAULT_TENANT)
    options: dict[str, Any] = {} if notice is None else {"notice": notice}
    backend = open_backend(settings, use_org=use_org, redis=redis, tenant=tenant, **options)
    return ToolService(
        backend=backend,
        catalog=catalog,
        employee=employee,
        locale=locale,
        store=conversations,
        log_calls=spec.log_calls,
    )


def load_tenants(
    settings: Settings,
    names: Sequence[str],
    *,
    use_org: bool = False,
    redis: Redis | None = None,
    employee_file: str | Path | None = None,
    custom_file: str | Path | None = None,
    time_zone: str | None = None,
    notice: Callable[[str], Any] | None = None,
) -> dict[str, ToolService]:
    """A service per tenant: each with its own connection (:meth:`Settings.tenant`: region,
    client, token file, or its tokens in ``redis``), its own employee, custom actions and locale
    (its table's, else the given ones), and its calls' conversations in ``redis`` under its
    name (else in memory). Raises as :func:`load_service`."""
    services: dict[str, ToolService] = {}
    for name in names:
        own = settings.tenants.get(name)
        services[name] = load_service(
            settings.tenant(name),
            use_org=use_org,
            employee_file=(own.employee if own else None) or employee_file,
            custom_file=(own.custom if own else None) or custom_file,
            time_zone=(own.time_zone if own else None) or time_zone,
            redis=redis,
            tenant=name,
            notice=notice,
        )
    return services
