"""Contacts: the people a business deals with. A caller is usually found here by phone number."""

from __future__ import annotations

from zoho_tools.catalog._modules import ACCOUNTS, CASES, CONTACTS, DEALS, EVENTS, LEADS
from zoho_tools.catalog._shapes import (
    OWNER,
    SEARCH_SCOPE,
    by_name,
    create_action,
    delete_action,
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
    description="The caller by their number: who, their account, open cases and deals, meetings.",
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
    query=Param(
        name="query",
        type="search_term",
        description="Name, phone or email",
        required=True,
        ask="What name, phone number or email should I look up?",
        default="{{caller_phone}}",
    ),
)

create_contact = create_action(
    CONTACTS,
    description="Create a contact (a person).",
    params=(
        Param(name="first_name"),
        Param(name="last_name", required=True, ask="What's the caller's last name?"),
        Param(name="phone", type="phone", default="{{caller_phone}}"),
        Param(name="email", type="email"),
        *by_name(
            Param(name="account_id", type="id", description="Their company's account"),
            "account_name",
            "Accounts",
        ),
        owner(),
    ),
    record={
        "First_Name": "{{first_name}}",
        "Last_Name": "{{last_name}}",
        "Phone": "{{phone}}",
        "Email": "{{email}}",
        "Account_Name": {"id": "{{account_id}}"},
        **OWNER,
    },
)

update_contact = update_action(
    CONTACTS,
    description="Change a contact's given fields.",
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
