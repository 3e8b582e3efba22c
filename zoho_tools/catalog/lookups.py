"""Direct lookups: one record by id, with fields a search leaves out."""

from __future__ import annotations

from zoho_tools.catalog._modules import ACCOUNTS, CASES, CONTACTS, DEALS, LEADS
from zoho_tools.catalog._shapes import get_action

CATEGORY = "lookups"

get_contact = get_action(CONTACTS, description="Get a contact by id.", category=CATEGORY)
get_lead = get_action(LEADS, description="Get a lead by id.", category=CATEGORY)
get_account = get_action(ACCOUNTS, description="Get an account by id.", category=CATEGORY)
get_deal = get_action(DEALS, description="Get a deal by id.", category=CATEGORY)
get_case = get_action(CASES, description="Get a case by id.", category=CATEGORY)

ACTIONS = (get_contact, get_lead, get_account, get_deal, get_case)
