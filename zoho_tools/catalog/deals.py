"""Deals: sales opportunities, each at a stage of the pipeline."""

from __future__ import annotations

from zoho_tools.catalog._modules import DEALS
from zoho_tools.catalog._shapes import (
    OWNER,
    create_action,
    delete_action,
    linked,
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
)

create_deal = create_action(
    DEALS,
    description="Create a deal (sales opportunity).",
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
        linked("account", "Accounts"),
        linked("contact", "Contacts"),
        owner(),
    ),
    record={
        "Deal_Name": "{{deal_name}}",
        "Stage": "{{stage}}",
        "Closing_Date": "{{closing_date}}",
        "Amount": "{{amount}}",
        "Account_Name": {"id": "{{account}}"},
        "Contact_Name": {"id": "{{contact}}"},
        **OWNER,
    },
)

update_deal = update_action(
    DEALS,
    description="Update a deal.",
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
