"""Zoho's date and time formats (reference, section 8).

- Date fields: ``yyyy-MM-dd``.
- DateTime fields: ``yyyy-MM-ddTHH:mm:ss±HH:mm``. A trailing ``Z`` is accepted as UTC
  ([UNVERIFIED] by Zoho; a public client reports ``...ssZ`` working). Fractional seconds
  and missing offsets are rejected (fractions were seen rejected; a naive time would be
  ambiguous), each with ``INVALID_DATA``/``expected_data_type: datetime``.
- Stored as UTC ISO strings (they sort correctly as text); returned, like Zoho, in the org's
  time zone with its offset (``America/New_York`` for the sandbox org).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ORG_TIME_ZONE = "America/New_York"

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[+-]\d{2}:\d{2}|Z)")


def _org_tz() -> tzinfo:
    try:
        return ZoneInfo(ORG_TIME_ZONE)
    except ZoneInfoNotFoundError:  # e.g. Windows without the tzdata package
        return timezone(timedelta(hours=-5), "EST")


ORG_TZ = _org_tz()


def parse_date(value: str) -> date | None:
    """The date in ``value`` if it is a valid ``yyyy-MM-dd``, else None."""
    if not _DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


#: Moments the sandbox keeps: a day inside Python's range on each side, so that showing one
#: in any time zone, or adding an appointment's duration, cannot overflow.
_EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
_LATEST = datetime(9999, 12, 30, tzinfo=UTC)


def parse_datetime(value: str) -> datetime | None:
    """The aware datetime in ``value`` if it is in Zoho's format and range, else None."""
    if not _DATETIME.fullmatch(value):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        in_range = _EARLIEST <= moment <= _LATEST
    except (ValueError, OverflowError):
        return None
    return moment if in_range else None


def to_storage(moment: datetime) -> str:
    """The stored form of an aware datetime: UTC, seconds precision."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def from_storage(stored: str) -> datetime:
    return datetime.fromisoformat(stored)


def to_display(stored: str) -> str:
    """A stored datetime as Zoho returns it: in the org's time zone, with the offset."""
    return from_storage(stored).astimezone(ORG_TZ).isoformat()


def utc_now(clock_value: float) -> datetime:
    return datetime.fromtimestamp(clock_value, tz=UTC).replace(microsecond=0)
