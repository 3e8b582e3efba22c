"""Facts about Zoho CRM itself that several layers share (never about our templates)."""

from __future__ import annotations

import re

API_VERSION = "v7"

#: API names of the standard Zoho CRM modules that records live in. A value substituted into a
#: request path must be one of these (or a record id), so no input can redirect a request.
MODULES: frozenset[str] = frozenset(
    {
        "Leads",
        "Contacts",
        "Accounts",
        "Deals",
        "Cases",
        "Tasks",
        "Calls",
        "Events",
        "Notes",
        "Products",
        "Quotes",
        "Sales_Orders",
        "Purchase_Orders",
        "Invoices",
        "Vendors",
        "Price_Books",
        "Campaigns",
        "Solutions",
        "Appointments__s",
        "Services__s",
        "Attachments",
    }
)

#: A Zoho record id: a long string of digits (19 in practice; we accept any length).
RECORD_ID = re.compile(r"^[0-9]{1,30}$")


def is_record_id(value: object) -> bool:
    return isinstance(value, str) and RECORD_ID.fullmatch(value) is not None
