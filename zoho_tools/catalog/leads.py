"""Leads: prospects not yet qualified. New callers who are not customers are usually leads."""

from __future__ import annotations

from zoho_tools.catalog._modules import LEADS
from zoho_tools.catalog._shapes import (
    OWNER,
    create_action,
    delete_action,
    owner,
    search_action,
    update_action,
)
from zoho_tools.templates import Param

search_lead = search_action(
    LEADS,
    description="Find leads by name, company, phone or email.",
    by_caller="What name, phone number or email should I look up?",
)

create_lead = create_action(
    LEADS,
    description="Create a lead (a prospect).",
    params=(
        Param(name="first_name"),
        Param(name="last_name", required=True, ask="What's the caller's last name?"),
        Param(name="company", required=True, ask="Which company is the caller with?"),
        Param(name="phone", type="phone", default="{{caller_phone}}"),
        Param(name="email", type="email"),
        owner(),
    ),
    record={
        "First_Name": "{{first_name}}",
        "Last_Name": "{{last_name}}",
        "Company": "{{company}}",
        "Phone": "{{phone}}",
        "Email": "{{email}}",
        **OWNER,
    },
)

update_lead = update_action(
    LEADS,
    description="Update a lead.",
    params=(
        Param(name="last_name"),
        Param(name="company"),
        Param(name="phone", type="phone"),
        Param(name="email", type="email"),
        owner(),
    ),
    record={
        "Last_Name": "{{last_name}}",
        "Company": "{{company}}",
        "Phone": "{{phone}}",
        "Email": "{{email}}",
        **OWNER,
    },
)

delete_lead = delete_action(LEADS, description="Delete a lead.")

ACTIONS = (search_lead, create_lead, update_lead, delete_lead)
