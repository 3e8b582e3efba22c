"""Calls: the log of phone calls. A voice agent logs the call it is on."""

from __future__ import annotations

from zoho_tools.catalog._modules import CALLS
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

CALL_TYPES = ("Inbound", "Outbound", "Missed")

search_call = search_action(
    CALLS,
    description="Find logged calls by subject.",
)

log_call = create_action(
    CALLS,
    name="log_call",
    title="Log call",
    description="Log a phone call, by default this one.",
    params=(
        Param(name="subject", required=True, ask="What was the call about?"),
        Param(
            name="call_type",
            enum=CALL_TYPES,
            required=True,
            ask="Was the call inbound, outbound or missed?",
        ),
        Param(
            name="start_time",
            type="datetime",
            required=True,
            ask="When did the call start?",
            default="{{call_started_at}}",
        ),
        Param(
            name="duration",
            type="duration",
            required=True,
            ask="How long did the call last?",
            default="{{call_duration}}",
        ),
        linked("contact", "Contacts"),
        *related_to(),
        Param(name="description", type="text"),
    ),
    record={
        "Subject": "{{subject}}",
        "Call_Type": "{{call_type}}",
        "Call_Start_Time": "{{start_time}}",
        "Call_Duration": "{{duration}}",
        "Who_Id": {"id": "{{contact}}"},
        **RELATED_TO,
        "Description": "{{description}}",
    },
)

# Zoho refuses to change Call_Type after the fact, so it is not offered here.
update_call = update_action(
    CALLS,
    description="Update a logged call.",
    params=(
        Param(name="subject"),
        Param(name="description", type="text"),
    ),
    record={"Subject": "{{subject}}", "Description": "{{description}}"},
)

delete_call = delete_action(CALLS, description="Delete a logged call.")

ACTIONS = (search_call, log_call, update_call, delete_call)
