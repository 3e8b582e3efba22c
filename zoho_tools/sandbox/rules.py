"""Module rules: checks across fields and values Zoho computes, run after field validation.

Each rule sees the record as it will be stored (``merged``), the changes of this write (which
it may extend with computed values) and whether this is an insert. Rules documented by Zoho:

- Contacts/Leads: ``Full_Name`` is "First_Name Last_Name" (read-only).
- Deals: ``Probability`` outside 0-100 is ``INVALID_DATA`` "Given Probability is not valid";
  a new Stage without a Probability takes the stage's default; ``Expected_Revenue`` is
  Amount x Probability / 100.
- Calls: ``Call_Type`` cannot be updated (``INVALID_DATA``; the sandbox rejects the key even
  with the same value); a zero duration on an Inbound/Outbound call is ``DEPENDENT_MISMATCH``
  "Call Duration can not be zero."; ``Call_Duration_in_seconds`` is computed.
- Appointments__s: an owner who is not a member of the service is ``INVALID_DATA``; status
  Scheduled with a start time in the past is ``DEPENDENT_MISMATCH`` (the default status is
  Scheduled, so a past appointment must say Completed/Overdue/Cancelled); the end time and
  duration come from the service (30 minutes when the service has none).
- Quotes: ``Sub_Total`` and ``Grand_Total`` are computed from the line items.

And one the sandbox adds ([UNVERIFIED] wording): Events whose ``End_DateTime`` is before
``Start_DateTime`` are ``DEPENDENT_MISMATCH``.

Not modelled: an appointment Location that differs from its service's, service opening hours,
reschedule/cancel bookkeeping, pipelines other than the standard one, workflows and blueprints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from zoho_tools.sandbox import errors
from zoho_tools.sandbox.errors import RecordError
from zoho_tools.sandbox.fieldtypes import WriteContext, duration_seconds
from zoho_tools.sandbox.metadata import STAGE_PROBABILITY
from zoho_tools.sandbox.timefmt import from_storage, to_storage

DEFAULT_APPOINTMENT_MINUTES = 30


@dataclass(frozen=True)
class RuleInput:
    merged: Mapping[str, Any]
    changes: dict[str, Any]
    raw: Mapping[str, Any]
    path: str
    ctx: WriteContext
    insert: bool

    def touched(self, *names: str) -> bool:
        """Whether this write sets any of ``names`` (always true for an insert)."""
        return self.insert or any(name in self.changes for name in names)


def _person(r: RuleInput) -> None:
    if r.touched("First_Name", "Last_Name"):
        parts = (r.merged.get("First_Name"), r.merged.get("Last_Name"))
        r.changes["Full_Name"] = " ".join(p for p in parts if p)


def _deal(r: RuleInput) -> None:
    probability = r.changes.get("Probability")
    if probability is not None and not 0 <= probability <= 100:
        raise errors.invalid_value(
            "Probability", f"{r.path}.Probability", "Given Probability is not valid"
        )
    if "Stage" in r.changes and "Probability" not in r.raw:
        r.changes["Probability"] = STAGE_PROBABILITY.get(r.changes["Stage"])
    if r.touched("Amount", "Probability", "Stage"):
        amount = r.merged.get("Amount")
        chance = r.changes.get("Probability", r.merged.get("Probability"))
        revenue = None if amount is None or chance is None else round(amount * chance / 100, 2)
        r.changes["Expected_Revenue"] = revenue


def _call(r: RuleInput) -> None:
    if not r.insert and "Call_Type" in r.changes:
        raise errors.invalid_value(
            "Call_Type", f"{r.path}.Call_Type", "Call Type cannot be updated"
        )
    duration = r.merged.get("Call_Duration")
    if not r.touched("Call_Duration"):
        return
    seconds = None if duration is None else duration_seconds(duration)
    r.changes["Call_Duration_in_seconds"] = seconds
    if seconds == 0 and r.merged.get("Call_Type") in ("Inbound", "Outbound"):
        raise errors.dependent_mismatch(
            "Call_Duration", f"{r.path}.Call_Duration", "Call Duration can not be zero."
        )


def _event(r: RuleInput) -> None:
    start, end = r.merged.get("Start_DateTime"), r.merged.get("End_DateTime")
    if r.touched("Start_DateTime", "End_DateTime") and start and end and end < start:
        raise errors.dependent_mismatch(
            "End_DateTime",
            f"{r.path}.End_DateTime",
            "End_DateTime should be greater than Start_DateTime",
        )


def _appointment(r: RuleInput) -> None:
    service = r.ctx.org.get("Services__s", r.merged["Service_Name"]) or {}
    owner = r.merged.get("Owner")
    members = service.get("Members") or []
    if r.touched("Owner", "Service_Name") and members and owner not in members:
        raise errors.invalid_reference("Owner", f"{r.path}.Owner", str(owner), "invalid data")
    start = from_storage(r.merged["Appointment_Start_Time"])
    if (
        r.touched("Status", "Appointment_Start_Time")
        and r.merged.get("Status") == "Scheduled"
        and start < r.ctx.now
    ):
        raise errors.dependent_mismatch(
            "Appointment_Start_Time",
            f"{r.path}.Appointment_Start_Time",
            "You cannot schedule an appointment for a past date and time",
        )
    if r.touched("Appointment_Start_Time", "Service_Name"):
        minutes = service.get("Duration") or DEFAULT_APPOINTMENT_MINUTES
        r.changes["Duration"] = minutes
        r.changes["Appointment_End_Time"] = to_storage(start + timedelta(minutes=minutes))


def _quote(r: RuleInput) -> None:
    if r.touched("Quoted_Items", "Discount", "Tax", "Adjustment"):
        items = r.merged.get("Quoted_Items") or []
        sub_total = round(sum(float(item["Net_Total"]) for item in items), 2)
        extras = -(r.merged.get("Discount") or 0) + (r.merged.get("Tax") or 0)
        r.changes["Sub_Total"] = sub_total
        r.changes["Grand_Total"] = round(sub_total + extras + (r.merged.get("Adjustment") or 0), 2)


RULES: Mapping[str, Callable[[RuleInput], None]] = {
    "Contacts": _person,
    "Leads": _person,
    "Deals": _deal,
    "Calls": _call,
    "Events": _event,
    "Appointments__s": _appointment,
    "Quotes": _quote,
}


def apply_rules(module: str, rule_input: RuleInput) -> None:
    """Run ``module``'s rule, if it has one (raises :class:`RecordError`)."""
    rule = RULES.get(module)
    if rule is not None:
        rule(rule_input)


__all__ = ["RULES", "RecordError", "RuleInput", "apply_rules"]
