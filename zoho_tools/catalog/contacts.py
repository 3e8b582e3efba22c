"""Contacts: the people a business deals with. A caller is usually found here by phone number."""

from __future__ import annotations

from zoho_tools.catalog._modules import ACCOUNTS, CASES, CONTACTS, DEALS, EVENTS, LEADS
from zoho_tools.catalog._shapes import (
    OWNER,
    SEARCH_SCOPE,
    create_action,
    delete_action,
    linked,
    owner,
    search_action,
    update_action,
)
from zoho_tools.templates import ActionTemplate, Param

# A plan of several searches (zoho_tools.identify), declared here like any other action: the
# first request is the contact search by phone; Leads, Accounts and the open items follow.
identify_caller = ActionTemplate(
    name="identify_caller",
    title="Identify caller",
    description="The caller by number: who, account, open cases and deals, meetings.",
    category="contacts",
    module=CONTACTS.api_name,
    method="GET",
    path=f"/{CONTACTS.api_name}/search",
    params=(
        Param(
            name="phone",
            type="phone",
            required=True,
            ask="What number are you calling from?",
            default="{{caller_phone}}",
        ),
    ),
    query={"phone": "{{phone}}"},
    read_only=True,
    idempotent=True,
    scopes=(
        *(m.scope_for("READ") for m in (CONTACTS, LEADS, ACCOUNTS, CASES, DEALS, EVENTS)),
        SEARCH_SCOPE,
    ),
    fields=("id", "module", "name", "account_id", "account_name"),
)

search_contact = search_action(
    CONTACTS,
    description="Find contacts by name, phone or email.",
    by_caller="What name, phone number or email should I look up?",
)

create_contact = create_action(
    CONTACTS,
    description="Create a contact (a person).",
    params=(
        Param(name="first_name"),
        Param(name="last_name", required=True, ask="What's the caller's last name?"),
        Param(name="phone", type="phone", default="{{caller_phone}}"),
        Param(name="email", type="email"),
        linked("account", "Accounts"),
        owner(),
    ),
    record={
        "First_Name": "{{first_name}}",
        "Last_Name": "{{last_name}}",
        "Phone": "{{phone}}",
        "Email": "{{email}}",
        "Account_Name": {"id": "{{account}}"},
        **OWNER,
    },
)

update_contact = update_action(
    CONTACTS,
    description="Update a contact.",
    params=(
        Param(name="first_name"),
        Param(name="last_name"),
        Param(name="phone", type="phone"),
        Param(name="email", type="email"),
        owner(),
    ),
    record={
        "First_Name": "{{first_name}}",
        "Last_Name": "{{last_name}}",
        "Phone": "{{phone}}",
        "Email": "{{email}}",
        **OWNER,
    },
)

delete_contact = delete_action(CONTACTS, description="Delete a contact.")

ACTIONS = (identify_caller, search_contact, create_contact, update_contact, delete_contact)
