"""``zoho-tools sandbox``: run the embedded Zoho CRM simulator."""

from __future__ import annotations

import click


@click.group()
def sandbox() -> None:
    """The embedded Zoho CRM v7 sandbox."""
