"""Notes: free text attached to a record (a contact, lead, account, deal or case).

Zoho v7 takes a note's parent as an object, ``{"module": {"api_name": ...}, "id": ...}``; the
model sees two plain parameters, ``parent_module`` and ``parent_id``.
"""

from __future__ import annotations

from zoho_tools.catalog._modules import NOTES, RECORD_MODULE_NAMES
from zoho_tools.catalog._shapes import create_action, delete_action, search_action, update_action
from zoho_tools.templates import Param

search_note = search_action(
    NOTES,
    description="Find notes by title or text.",
)

create_note = create_action(
    NOTES,
    description="Add a note to a record.",
    params=(
        Param(name="parent_module", enum=RECORD_MODULE_NAMES, required=True),
        Param(name="parent_id", type="id", required=True),
        Param(name="title"),  # Zoho's Note_Title is optional; the content is what matters
        Param(name="content", type="text", required=True, ask="What should the note say?"),
    ),
    record={
        "Parent_Id": {"module": {"api_name": "{{parent_module}}"}, "id": "{{parent_id}}"},
        "Note_Title": "{{title}}",
        "Note_Content": "{{content}}",
    },
)

update_note = update_action(
    NOTES,
    description="Update a note.",
    params=(
        Param(name="title"),
        Param(name="content", type="text"),
    ),
    record={"Note_Title": "{{title}}", "Note_Content": "{{content}}"},
)

delete_note = delete_action(NOTES, description="Delete a note.")

ACTIONS = (search_note, create_note, update_note, delete_note)
