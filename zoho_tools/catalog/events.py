"""Events (Zoho's Meetings): appointments in the team's calendar, such as a callback slot."""

from __future__ import annotations

from zoho_tools.catalog._modules import EVENTS
from zoho_tools.catalog._shapes import (
    RELATED_TO,
    create_action,
    delete_action,
    linked,
    related_to,
    search_action,
    update_action,
)
from zoho_tools.templates import DerivedDefault, Param

PARTICIPANT_TYPES = ("contact", "lead", "user")

search_event = search_action(
    EVENTS,
    description="Find meetings by title.",
)

create_event = create_action(
    EVENTS,
    description="Schedule a meeting.",
    params=(
        Param(name="title", required=True, ask="What is the meeting about?"),
        Param(name="start", type="datetime", required=True, ask="When should it start?"),
        # Zoho needs an end; a caller rarely states one.
        Param(
            name="end",
            type="datetime",
            required=True,
            ask="When should it end?",
            default=DerivedDefault(source="start", minutes=30),
        ),
        # Zoho v7 takes a meeting's reminder as [{"unit": 15, "period": "minutes"}] (0-60).
        Param(
            name="remind_minutes",
            type="integer",
            default=15,
            minimum=0,
            maximum=60,
        ),
        linked("contact", "Contacts"),
        *related_to(),
        # v7's form: [{"type": "contact", "participant": "<id>"}]; users are team members.
        Param(
            name="participants",
            type="items",
            item_params=(
                Param(name="type", enum=PARTICIPANT_TYPES, required=True),
                Param(name="id", type="id", required=True),
            ),
            item_template={"type": "{{type}}", "participant": "{{id}}"},
        ),
    ),
    record={
        "Event_Title": "{{title}}",
        "Start_DateTime": "{{start}}",
        "End_DateTime": "{{end}}",
        "Remind_At": [{"unit": "{{remind_minutes}}", "period": "minutes"}],
        "Who_Id": {"id": "{{contact}}"},
        **RELATED_TO,
        "Participants": "{{participants}}",
    },
)

# A new start without a new end can put the end first, which Zoho refuses; the description asks
# the model to send both when it moves a meeting.
update_event = update_action(
    EVENTS,
    description="Update a meeting; to move it, send start and end.",
    params=(
        Param(name="title"),
        Param(name="start", type="datetime"),
        Param(name="end", type="datetime"),
    ),
    record={
        "Event_Title": "{{title}}",
        "Start_DateTime": "{{start}}",
        "End_DateTime": "{{end}}",
    },
)

delete_event = delete_action(EVENTS, description="Delete a meeting.")

ACTIONS = (search_event, create_event, update_event, delete_event)
