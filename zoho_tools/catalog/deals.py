"""Deals: sales opportunities, each at a stage of the pipeline."""

from __future__ import annotations

from zoho_tools.catalog._modules import DEALS
from zoho_tools.catalog._shapes import (
    OWNER,
    by_name,
    create_action,
    delete_action,
    owner,
    search_action,
    update_action,
)
from zoho_tools.templates import Param

#: Zoho's standard pipeline stages (an org can customise them; Zoho rejects unknown ones).
DEAL_STAGES = (
    "Qualification",
    "Needs Analysis",
    "Value Proposition",
    "Identify Decision Makers",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
    "Closed-Lost to Competition",
)

search_deal = search_action(
    DEALS,
    description="Find deals by name or account.",
    query=Param(name="query", description="Deal or account name", required=True, min_length=2),
)

create_deal = create_action(
    DEALS,
    description="Create a deal (a sales opportunity).",
    params=(
        Param(name="deal_name", required=True, ask="What should the deal be called?"),
        Param(
            name="stage",
            enum=DEAL_STAGES,
            required=True,
            ask="What stage is the deal at?",
        ),
        Param(
            name="closing_date",
            type="date",
            required=True,
            ask="When do you expect the deal to close?",
        ),
        Param(name="amount", type="number", minimum=0),
        *by_name(Param(name="account_id", type="id"), "account_name", "Accounts"),
        *by_name(Param(name="contact_id", type="id"), "contact_name", "Contacts"),
        owner(),
    ),
    record={
        "Deal_Name": "{{deal_name}}",
        "Stage": "{{stage}}",
        "Closing_Date": "{{closing_date}}",
        "Amount": "{{amount}}",
        "Account_Name": {"id": "{{account_id}}"},
        "Contact_Name": {"id": "{{contact_id}}"},
        **OWNER,
    },
)

update_deal = update_action(
    DEALS,
    description="Change a deal's given fields.",
    params=(
        Param(name="stage", enum=DEAL_STAGES),
        Param(name="amount", type="number", minimum=0),
        Param(name="closing_date", type="date"),
        owner(),
    ),
    record={
        "Stage": "{{stage}}",
        "Amount": "{{amount}}",
        "Closing_Date": "{{closing_date}}",
        **OWNER,
    },
)

delete_deal = delete_action(DEALS, description="Delete a deal.")

ACTIONS = (search_deal, create_deal, update_deal, delete_deal)
