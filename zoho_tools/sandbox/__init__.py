"""An embedded Zoho CRM v7/v8 sandbox: the REST API and its OAuth server, with no network.

    from zoho_tools.sandbox import Sandbox

    sb = Sandbox(seed="demo")                       # in memory; Sandbox(path="demo.db") persists
    token = sb.issue_token()["access_token"]
    with httpx.Client(transport=sb.transport(), base_url=sb.base_url) as client:
        client.get("/crm/v7/Contacts/search", params={"phone": "+15551234567"},
                   headers={"Authorization": f"Zoho-oauthtoken {token}"})

It models Zoho, not this package's templates: module and field metadata are its own
(:mod:`~zoho_tools.sandbox.metadata`), so a client sending a wrong field, type or shape gets
Zoho's error. Behaviour and the decisions taken where Zoho is undocumented are described in
the docstrings of :mod:`.core` (handling, credits), :mod:`.oauth`, :mod:`.scopes`,
:mod:`.validation`, :mod:`.fieldtypes`, :mod:`.rules`, :mod:`.search`, :mod:`.listing`,
:mod:`.api_records`, :mod:`.api_tags`, :mod:`.faults`, :mod:`.timefmt` and :mod:`.seed`.
"""

from zoho_tools.sandbox.core import DEFAULT_BASE_URL, LoggedRequest, RequestLog, Sandbox
from zoho_tools.sandbox.errors import RecordError
from zoho_tools.sandbox.faults import Faults
from zoho_tools.sandbox.oauth import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from zoho_tools.sandbox.scopes import DEFAULT_SCOPES
from zoho_tools.sandbox.server import SandboxServer
from zoho_tools.sandbox.transport import AsyncSandboxTransport, SandboxTransport

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_SCOPES",
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "AsyncSandboxTransport",
    "Faults",
    "LoggedRequest",
    "RecordError",
    "RequestLog",
    "Sandbox",
    "SandboxServer",
    "SandboxTransport",
]
