"""Direct lookups: one record by id, whole (bounded), with fields a search leaves out."""

from __future__ import annotations

from zoho_tools.catalog._modules import ACCOUNTS, CASES, CONTACTS, DEALS, LEADS, NOTES
from zoho_tools.catalog._shapes import SEARCH_SCOPE, get_action

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

ACTIONS = (get_contact, get_lead, get_account, get_deal, get_case)
