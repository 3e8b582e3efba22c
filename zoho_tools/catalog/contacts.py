"""Contacts: the people a business deals with. A caller is usually found here by phone number."""

from __future__ import annotations

from zoho_tools.catalog._modules import CONTACTS
from zoho_tools.catalog._shapes import create_action, delete_action, search_action, update_action
from zoho_tools.templates import Param

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
        Param(name="account_id", type="id", description="Their company's account"),
    ),
    record={
        "First_Name": "{{first_name}}",
        "Last_Name": "{{last_name}}",
        "Phone": "{{phone}}",
        "Email": "{{email}}",
        "Account_Name": {"id": "{{account_id}}"},
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
    ),
    record={
        "First_Name": "{{first_name}}",
        "Last_Name": "{{last_name}}",
        "Phone": "{{phone}}",
        "Email": "{{email}}",
    },
)

delete_contact = delete_action(CONTACTS, description="Delete a contact.")

ACTIONS = (search_contact, create_contact, update_contact, delete_contact)
