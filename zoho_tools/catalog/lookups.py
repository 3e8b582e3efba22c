"""Direct lookups: one record by id, whole (bounded), with fields a search leaves out; and the
next page of a search."""

from __future__ import annotations

from zoho_tools.catalog._modules import ACCOUNTS, CASES, CONTACTS, DEALS, LEADS, NOTES
from zoho_tools.catalog._shapes import SEARCH_SCOPE, get_action
from zoho_tools.paging import NEXT_PAGE
from zoho_tools.templates import ActionTemplate, Param

CATEGORY = "lookups"

# A plan (zoho_tools.plans): the contact, with its latest notes, its cases and deals.
get_contact = get_action(
    CONTACTS,
    description="Get a contact by id, with notes, cases and deals.",
    category=CATEGORY,
    extra_scopes=(
        *(module.scope_for("READ") for module in (NOTES, CASES, DEALS)),
        SEARCH_SCOPE,
    ),
)
get_lead = get_action(LEADS, description="Get a lead by id.", category=CATEGORY)
get_account = get_action(ACCOUNTS, description="Get an account by id.", category=CATEGORY)
get_deal = get_action(DEALS, description="Get a deal by id.", category=CATEGORY)
get_case = get_action(CASES, description="Get a case by id.", category=CATEGORY)

# Never sent as it stands: the orchestrator checks the token and sends the search (or list) it
# continues, with Zoho's ``page`` (zoho_tools.paging). Its scopes are that action's.
next_page = ActionTemplate(
    name=NEXT_PAGE,
    title="Next page",
    description="More results of a search.",
    category=CATEGORY,
    module=None,
    method="GET",
    path="/search",
    params=(Param(name="page_token", required=True),),
    read_only=True,
    idempotent=True,
)

ACTIONS = (get_contact, get_lead, get_account, get_deal, get_case, next_page)
