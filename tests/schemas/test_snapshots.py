"""Snapshots of a representative set of tools in every format: schema drift is a reviewable diff.

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


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_representative_tools(format_name: str, snapshot_json: Any) -> None:
    assert export(CATALOG, format_name, actions=REPRESENTATIVE) == snapshot_json
