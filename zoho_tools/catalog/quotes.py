"""Quotes: priced offers made of line items, each referencing a product."""

from __future__ import annotations

from zoho_tools.catalog._modules import QUOTES
from zoho_tools.catalog._shapes import (
    create_action,
    delete_action,
    linked,
    search_action,
    update_action,
)
from zoho_tools.templates import Param

QUOTE_STAGES = (
    "Draft",
    "Negotiation",
    "Delivered",
    "On Hold",
    "Confirmed",
    "Closed Won",
    "Closed Lost",
)

search_quote = search_action(
    QUOTES,
    description="Find quotes by subject.",
)

create_quote = create_action(
    QUOTES,
    description="Create a quote for products.",
    params=(
        Param(name="subject", required=True, ask="What should the quote be called?"),
        Param(
            name="items",
            type="items",
            required=True,
            ask="Which products, and how many of each?",
            item_params=(
                Param(name="product_id", type="id", required=True),
                Param(name="quantity", type="number", default=1, minimum=0.01),
                # Zoho takes the product's unit price when no list price is sent.
                Param(name="list_price", type="number", minimum=0),
            ),
            item_template={
                "Product_Name": {"id": "{{product_id}}"},
                "Quantity": "{{quantity}}",
                "List_Price": "{{list_price}}",
            },
        ),
        linked("contact", "Contacts"),
        linked("account", "Accounts"),
        linked("deal", "Deals"),
    ),
    record={
        "Subject": "{{subject}}",
        "Quoted_Items": "{{items}}",
        "Contact_Name": {"id": "{{contact}}"},
        "Account_Name": {"id": "{{account}}"},
        "Deal_Name": {"id": "{{deal}}"},
    },
)

update_quote = update_action(
    QUOTES,
    description="Update a quote.",
    params=(
        Param(name="subject"),
        Param(name="stage", enum=QUOTE_STAGES),
    ),
    record={"Subject": "{{subject}}", "Quote_Stage": "{{stage}}"},
)

delete_quote = delete_action(QUOTES, description="Delete a quote.")

ACTIONS = (search_quote, create_quote, update_quote, delete_quote)
