"""Turn what a model or a caller said into the exact value Zoho accepts, or say what is wrong.

Every function takes a raw value (any JSON type: models send numbers for strings and strings for
numbers) and returns the value in Zoho's format, or raises :class:`ValueProblem` whose message tells
the model precisely what to send instead. Pure and I/O-free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from zoho_tools.zoho import is_record_id


class ValueProblem(ValueError):
    """A value that cannot be used; the message says what to send instead."""


@dataclass(frozen=True)
class Locale:
    """Where the call happens: the time zone for times given without an offset, and the country
    whose numbering plan applies to phone numbers given without a country code."""

    time_zone: str = "UTC"
    country: str = "US"

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.time_zone!r}") from exc

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


SearchKind = Literal["word", "phone", "email"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE_CHARS = re.compile(r"^\+?[0-9\s().\-]+$")
_DURATION = re.compile(r"^(?:(\d{1,2}):)?(\d{1,4}):([0-5]\d)$")
_MINUTES = re.compile(r"^(\d{1,4})\s*(?:m|min|mins|minutes?)?$", re.IGNORECASE)
MAX_STRING = 255
MAX_TEXT = 32000


def _text(value: Any, what: str) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        raise ValueProblem(f"{what} must be text, not {_json_type(value)}")
    return str(value).strip()


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "text"


def string(value: Any, *, max_length: int = MAX_STRING, min_length: int | None = None) -> str:
    text = _text(value, "the value")
    if min_length and len(text) < min_length:
        raise ValueProblem(f"needs at least {min_length} characters, got {text!r}")
    if len(text) > max_length:
        raise ValueProblem(f"is {len(text)} characters long; Zoho allows {max_length}")
    return text


def integer(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueProblem("must be a whole number, not a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    raise ValueProblem(f"must be a whole number, got {value!r}")


def number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise ValueProblem("must be a number, not a boolean")
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        cleaned = value.strip().replace(",", "").lstrip("$€£")
        try:
            parsed = float(cleaned)
        except ValueError:
            pass
        else:
            return int(parsed) if parsed.is_integer() else parsed
    raise ValueProblem(f"must be a number such as 1500 or 19.99, got {value!r}")


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "yes", "1"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"false", "no", "0"}:
        return False
    raise ValueProblem(f"must be true or false, got {value!r}")


def choice(value: Any, allowed: tuple[str, ...]) -> str:
    """One of ``allowed``, matched without regard to case, spaces or underscores."""
    text = _text(value, "the value")
    folded = _fold(text)
    for option in allowed:
        if _fold(option) == folded:
            return option
    raise ValueProblem(f"{text!r} is not allowed; use one of: {', '.join(allowed)}")


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text).lower()


def record_id(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if is_record_id(value):
        return str(value)
    raise ValueProblem(
        f"{value!r} is not a Zoho record id (a string of digits such as "
        "'5725767000000524157'); look the record up with a search action first"
    )


def email(value: Any) -> str:
    text = _text(value, "an email")
    if not _EMAIL.fullmatch(text):
        raise ValueProblem(f"{text!r} is not an email address like name@example.com")
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def phone(value: Any, locale: Locale) -> str:
    """A phone number in E.164 (``+15551234567``); national numbers take the locale's country."""
    import phonenumbers  # imported here: its metadata is only needed when a number is given

    text = _text(value, "a phone number")
    try:
        parsed = phonenumbers.parse(text, locale.country)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_possible_number(parsed):
        raise ValueProblem(
            f"{text!r} is not a phone number; send it with its country code, e.g. +15551234567"
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def date_value(value: Any, locale: Locale) -> str:
    """Zoho Date: ``yyyy-MM-dd``. A full ISO datetime is accepted and cut to its local date."""
    text = _text(value, "a date")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueProblem(f"{text!r} is not a real calendar date") from None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].+", text):
        return _parse_datetime(text, locale).date().isoformat()
    raise ValueProblem(f"{text!r} is not a date in yyyy-MM-dd form (e.g. 2026-12-31)")


def datetime_value(value: Any, locale: Locale) -> str:
    """Zoho DateTime ``yyyy-MM-ddTHH:mm:ss±HH:mm``; without an offset, the locale's time zone."""
    text = _text(value, "a date and time")
    return _format_datetime(_parse_datetime(text, locale), locale)


def _parse_datetime(text: str, locale: Locale) -> datetime:
    candidate = text.replace(" ", "T", 1) if re.match(r"\d{4}-\d{2}-\d{2} ", text) else text
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", candidate):
        raise ValueProblem(f"{text!r} has no time; send yyyy-MM-ddTHH:mm:ss (e.g. {text}T14:00:00)")
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        raise ValueProblem(
            f"{text!r} is not an ISO 8601 date and time; send yyyy-MM-ddTHH:mm:ss, "
            "with an offset such as -05:00 if you know it (e.g. 2026-12-31T14:00:00)"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=locale.zone)
    return parsed.replace(microsecond=0)


def _format_datetime(moment: datetime, locale: Locale) -> str:
    return moment.astimezone(locale.zone).isoformat(timespec="seconds")


def shift(value: str, minutes: int, locale: Locale) -> str:
    """A Zoho DateTime (or Date) ``minutes`` later (earlier when negative)."""
    moment = _parse_datetime(value, locale) + timedelta(minutes=minutes)
    return _format_datetime(moment, locale)


def duration(value: Any) -> str:
    """Zoho call duration ``mm:ss``. Accepts ``m:ss``, ``h:mm:ss`` or a number of minutes."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < 0:
            raise ValueProblem("a duration cannot be negative")
        seconds = round(value * 60)
    else:
        text = _text(value, "a duration")
        match = _DURATION.fullmatch(text)
        minutes_only = _MINUTES.fullmatch(text)
        if match:
            hours, minutes, secs = (int(part or 0) for part in match.groups())
            seconds = hours * 3600 + minutes * 60 + secs
        elif minutes_only:
            seconds = int(minutes_only.group(1)) * 60
        else:
            raise ValueProblem(f"{text!r} is not a duration; send minutes:seconds such as 05:30")
    minutes, secs = divmod(seconds, 60)
    return f"{minutes:02d}:{secs:02d}"


def search_kind(term: str) -> SearchKind:
    """Which of Zoho's search parameters a term belongs to: ``email``, ``phone`` or ``word``."""
    if _EMAIL.fullmatch(term):
        return "email"
    if _PHONE_CHARS.fullmatch(term) and sum(ch.isdigit() for ch in term) >= 7:
        return "phone"
    return "word"


def search_term(value: Any, locale: Locale, *, routes: bool) -> str:
    """A search term: a phone number becomes E.164 and an email is checked when ``routes`` is
    set (the action can search by phone and email); anything else needs two characters."""
    text = _text(value, "a search term")
    kind = search_kind(text) if routes else "word"
    if kind == "phone":
        return phone(text, locale)
    if kind == "email":
        return email(text)
    if len(text.replace(" ", "")) < 2:
        raise ValueProblem(f"{text!r} is too short: Zoho needs at least 2 characters to search")
    if re.search(r"[()\\]", text):
        raise ValueProblem(f"{text!r} has characters Zoho cannot search; send plain words")
    return text
