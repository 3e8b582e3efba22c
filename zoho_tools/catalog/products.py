"""Products: what the business sells; quotes reference them."""

from __future__ import annotations

from zoho_tools.catalog._modules import PRODUCTS
from zoho_tools.catalog._shapes import create_action, delete_action, search_action, update_action
from zoho_tools.templates import Param

search_product = search_action(
    PRODUCTS,
    description="Find products by name or code.",
)

create_product = create_action(
    PRODUCTS,
    description="Create a product.",
    params=(
        Param(name="product_name", required=True, ask="What is the product called?"),
        Param(name="code"),
        Param(name="price", type="number", minimum=0),
    ),
    record={
        "Product_Name": "{{product_name}}",
        "Product_Code": "{{code}}",
        "Unit_Price": "{{price}}",
    },
)

update_product = update_action(
    PRODUCTS,
    description="Update a product.",
    params=(
        Param(name="product_name"),
        Param(name="price", type="number", minimum=0),
    ),
    record={"Product_Name": "{{product_name}}", "Unit_Price": "{{price}}"},
)

delete_product = delete_action(PRODUCTS, description="Delete a product.")

ACTIONS = (search_product, create_product, update_product, delete_product)
