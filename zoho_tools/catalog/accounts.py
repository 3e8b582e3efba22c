"""Accounts: the companies (or households) that contacts and deals belong to."""

from __future__ import annotations

from zoho_tools.catalog._modules import ACCOUNTS
from zoho_tools.catalog._shapes import (
    OWNER,
    create_action,
    delete_action,
    owner,
    search_action,
    update_action,
)
from zoho_tools.templates import Param

search_account = search_action(
    ACCOUNTS,
    description="Find accounts (companies) by name, phone or email.",
    by_caller="What company name or phone number should I look up?",
)

create_account = create_action(
    ACCOUNTS,
    description="Create an account (a company).",
    params=(
        Param(
            name="account_name",
            required=True,
            ask="What's the name of the company?",
        ),
        Param(name="phone", type="phone"),
        Param(name="website"),
        owner(),
    ),
    record={
        "Account_Name": "{{account_name}}",
        "Phone": "{{phone}}",
        "Website": "{{website}}",
        **OWNER,
    },
)

update_account = update_action(
    ACCOUNTS,
    description="Update an account.",
    params=(
        Param(name="account_name"),
        Param(name="phone", type="phone"),
        Param(name="website"),
        owner(),
    ),
    record={
        "Account_Name": "{{account_name}}",
        "Phone": "{{phone}}",
        "Website": "{{website}}",
        **OWNER,
    },
)

delete_account = delete_action(ACCOUNTS, description="Delete an account.")

ACTIONS = (search_account, create_account, update_account, delete_account)
