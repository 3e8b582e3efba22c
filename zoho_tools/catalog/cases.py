"""Cases: support tickets. A caller reporting a problem opens a case."""

from __future__ import annotations

from zoho_tools.catalog._modules import CASES
from zoho_tools.catalog._shapes import (
    OWNER,
    create_action,
    delete_action,
    linked,
    owner,
    search_action,
    update_action,
)
from zoho_tools.templates import Param

CASE_STATUSES = ("New", "Escalated", "On Hold", "Closed")
CASE_ORIGINS = ("Phone", "Email", "Web")
CASE_PRIORITIES = ("High", "Medium", "Low")

search_case = search_action(
    CASES,
    description="Find support cases by subject or number.",
)

create_case = create_action(
    CASES,
    description="Open a support case.",
    params=(
        Param(name="subject", required=True, ask="In a few words, what is the problem?"),
        Param(name="description", type="text"),
        linked("contact", "Contacts"),
        Param(name="priority", enum=CASE_PRIORITIES),
        Param(
            name="status",
            enum=CASE_STATUSES,
            required=True,
            ask="What status should the case have?",
            default="New",
        ),
        Param(
            name="origin",
            enum=CASE_ORIGINS,
            required=True,
            ask="How did the case come in: phone, email or web?",
            default="Phone",
        ),
        owner(),
    ),
    record={
        "Subject": "{{subject}}",
        "Description": "{{description}}",
        # Zoho's Cases module calls its Contact lookup ``Related_To``.
        "Related_To": {"id": "{{contact}}"},
        "Priority": "{{priority}}",
        "Status": "{{status}}",
        "Case_Origin": "{{origin}}",
        **OWNER,
    },
)

update_case = update_action(
    CASES,
    description="Update a case.",
    params=(
        Param(name="status", enum=CASE_STATUSES),
        Param(name="priority", enum=CASE_PRIORITIES),
        Param(name="description", type="text"),
        owner(),
    ),
    record={
        "Status": "{{status}}",
        "Priority": "{{priority}}",
        "Description": "{{description}}",
        **OWNER,
    },
)

delete_case = delete_action(CASES, description="Delete a case.")

ACTIONS = (search_case, create_case, update_case, delete_case)
