"""Several tenants (Zoho orgs) behind one HTTP server: each at its own path prefix.

A request for tenant ``acme`` goes to ``/t/acme/...`` (for MCP: ``/t/acme/mcp``) and is served
by that tenant's app: its connection, its actions, its bearer token. A tenant's token opens only
its own prefix, so the path names the tenant and the token proves the caller may use it.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.routing import BaseRoute

#: Where a tenant's endpoints live: ``/t/<name>``.
TENANT_PREFIX = "/t"


def tenant_path(name: str, path: str) -> str:
    """The path of ``path`` (e.g. ``/mcp``) for tenant ``name``."""
    return f"{TENANT_PREFIX}/{name}{path}"


def tenants_app(apps: Mapping[str, Starlette], *, routes: Sequence[BaseRoute] = ()) -> Starlette:
    """One app serving each of ``apps`` (by tenant name) under ``/t/<name>``, and ``routes``
    (e.g. ``/healthz``); anything else is 404. Its lifespan runs every tenant app's lifespan (a
    mounted app's own does not run)."""
    from starlette.applications import Starlette
    from starlette.routing import Mount

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            for app in apps.values():
                await stack.enter_async_context(app.router.lifespan_context(app))
            yield

    mounts = [Mount(f"{TENANT_PREFIX}/{name}", app=app) for name, app in apps.items()]
    return Starlette(routes=[*routes, *mounts], lifespan=lifespan)
