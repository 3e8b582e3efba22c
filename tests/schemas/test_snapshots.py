"""Snapshots of the tools: schema drift is a reviewable diff.

Every action's whole declaration (the ``catalog`` format: category, method, path, parameters with
type, requirement, default and enum, the query and body templates) is one snapshot, one entry per
action in catalog order; a representative set of tools is snapshotted in each provider's format.

After an intended change, refresh them with ``pytest tests/schemas --snapshot-update`` and review
the diff of ``__snapshots__/`` like code.
"""

from __future__ import annotations

from typing import Any

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from zoho_tools.adapters import FORMATS, export
from zoho_tools.catalog import CATALOG

REPRESENTATIVE = [
    "search_contact",
    "create_contact",
    "delete_contact",
    "create_deal",
    "create_note",
    "create_quote",
    "schedule_appointment",
    "add_tag",
]


@pytest.fixture
def snapshot_json(snapshot: Any) -> Any:
    return snapshot.use_extension(JSONSnapshotExtension)


def test_every_action_declaration(snapshot_json: Any) -> None:
    declarations = export(CATALOG, "catalog")
    assert [entry["name"] for entry in declarations] == list(CATALOG)
    assert declarations == snapshot_json


@pytest.mark.parametrize("format_name", [name for name in FORMATS if name != "catalog"])
def test_representative_tools(format_name: str, snapshot_json: Any) -> None:
    assert export(CATALOG, format_name, actions=REPRESENTATIVE) == snapshot_json
