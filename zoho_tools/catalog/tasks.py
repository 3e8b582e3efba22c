"""Tasks: to-dos for the team, such as a call back the caller asked for."""

from __future__ import annotations

from zoho_tools.catalog._modules import TASKS
from zoho_tools.catalog._shapes import (
    RELATED_TO,
    by_name,
    create_action,
    delete_action,
    related_to,
    search_action,
    update_action,
)
from zoho_tools.templates import Param

TASK_STATUSES = ("Not Started", "In Progress", "Waiting for input", "Deferred", "Completed")

search_task = search_action(
    TASKS,
    description="Find tasks by subject.",
    query=Param(name="query", description="Subject words", required=True, min_length=2),
)

create_task = create_action(
    TASKS,
    description="Create a task for the team.",
    params=(
        Param(name="subject", required=True, ask="What should the task say?"),
        Param(name="due_date", type="date"),
        *by_name(
            Param(name="contact_id", type="id", description="Who it is about"),
            "contact_name",
            "Contacts",
        ),
        *related_to(),
    ),
    record={
        "Subject": "{{subject}}",
        "Due_Date": "{{due_date}}",
        "Who_Id": {"id": "{{contact_id}}"},
        **RELATED_TO,
    },
)

update_task = update_action(
    TASKS,
    description="Change a task's given fields.",
    params=(
        Param(name="status", enum=TASK_STATUSES),
        Param(name="due_date", type="date"),
    ),
    record={"Status": "{{status}}", "Due_Date": "{{due_date}}"},
)

delete_task = delete_action(TASKS, description="Delete a task.")

ACTIONS = (search_task, create_task, update_task, delete_task)
