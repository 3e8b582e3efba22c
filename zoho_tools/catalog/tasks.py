"""Tasks: to-dos for the team, such as a call back the caller asked for."""

from __future__ import annotations

from zoho_tools.catalog._modules import TASKS
from zoho_tools.catalog._shapes import (
    RELATED_TO,
    create_action,
    delete_action,
    linked,
    related_to,
    search_action,
    update_action,
)
from zoho_tools.templates import Param

TASK_STATUSES = ("Not Started", "In Progress", "Waiting for input", "Deferred", "Completed")

search_task = search_action(
    TASKS,
    description="Find tasks by subject.",
)

create_task = create_action(
    TASKS,
    description="Create a task for the team.",
    params=(
        Param(name="subject", required=True, ask="What should the task say?"),
        Param(name="due_date", type="date"),
        linked("contact", "Contacts"),
        *related_to(),
    ),
    record={
        "Subject": "{{subject}}",
        "Due_Date": "{{due_date}}",
        "Who_Id": {"id": "{{contact}}"},
        **RELATED_TO,
    },
)

update_task = update_action(
    TASKS,
    description="Update a task.",
    params=(
        Param(name="status", enum=TASK_STATUSES),
        Param(name="due_date", type="date"),
    ),
    record={"Status": "{{status}}", "Due_Date": "{{due_date}}"},
)

delete_task = delete_action(TASKS, description="Delete a task.")

ACTIONS = (search_task, create_task, update_task, delete_task)
