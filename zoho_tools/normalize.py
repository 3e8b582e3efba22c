"""Turn what a model or a caller said into the exact value Zoho accepts, or say what is wrong.

Every function takes a raw value (any JSON type: models send numbers for strings and strings for
numbers) and returns the value in Zoho's format, or raises :class:`ValueProblem` whose message tells
the model precisely what to send instead. Pure and I/O-free.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from zoho_tools.errors import RequestBuildError
from zoho_tools.zoho import is_record_id


class ValueProblem(RequestBuildError, ValueError):
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
#: The longest value of a Zoho single-line field, and of a multi-line one (a description, a note).
MAX_STRING_CHARS = 255
MAX_TEXT_CHARS = 32000
#: The years accepted in dates (Zoho refuses earlier ones; datetime ends at 9999).
MIN_YEAR, MAX_YEAR = 1900, 9999
#: The longest call duration accepted, in minutes (a whole day).
MAX_DURATION_MINUTES = 24 * 60


#: Control characters (C0, DEL, C1) and invisible format characters that a value may carry
#: around or inside it; tabs and line breaks inside a text are kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u2060\ufeff]")
#: How much of a bad value an error message quotes.
BRIEF_CHARS = 40


def brief(value: Any) -> str:
    """``value`` quoted for an error message, cut to a short prefix: a hostile 300,000-character
    value must not come back whole."""
    if isinstance(value, str) and len(value) > BRIEF_CHARS:
        return f"{value[:BRIEF_CHARS]!r}… ({len(value):,} characters)"
    if isinstance(value, dict | list | tuple):
        return f"{_json_type(value)} of {len(value)}"
    try:
        text = repr(value)
    except ValueError:  # an integer too long to print
        return "a very long number"
    return text if len(text) <= BRIEF_CHARS else f"{text[:BRIEF_CHARS]}…"


def brief_name(name: str) -> str:
    """A name the model sent, cut short enough to quote."""
    return name if len(name) <= BRIEF_CHARS else f"{name[:BRIEF_CHARS]}…"


def has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone UTF-16 surrogate (from a JSON escape such as ``\\ud800``),
    which no UTF-8 transport can send."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


def is_blank(value: Any) -> bool:
    """Text with nothing in it but whitespace and control characters."""
    return isinstance(value, str) and not _CONTROL.sub("", value).strip()


def _text(value: Any, what: str) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        raise ValueProblem(f"{what} must be text, not {_json_type(value)}")
    text = str(value)
    return _CONTROL.sub("", text).strip() if _CONTROL.search(text) else text.strip()


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


def string(value: Any, *, max_length: int = MAX_STRING_CHARS, min_length: int | None = None) -> str:
    text = _text(value, "the value")
    if min_length and len(text) < min_length:
        raise ValueProblem(f"needs at least {min_length} characters, got {brief(text)}")
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
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,18}\s*", value):
        return int(value)
    raise ValueProblem(f"must be a whole number, got {brief(value)}")


def number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise ValueProblem("must be a number, not a boolean")
    if isinstance(value, int | float) and math.isfinite(value):
        return value
    if isinstance(value, str) and len(value) <= 40:
        cleaned = value.strip().replace(",", "").lstrip("$€£")
        try:
            parsed = float(cleaned)
        except ValueError:
            pass
        else:
            if math.isfinite(parsed):
                return int(parsed) if parsed.is_integer() else parsed
    raise ValueProblem(f"must be a number such as 1500 or 19.99, got {brief(value)}")


def within(value: int | float, minimum: float | None, maximum: float | None) -> int | float:
    """``value`` if it lies in the declared range (Zoho refuses the rest)."""
    if minimum is not None and value < minimum:
        raise ValueProblem(f"must be at least {minimum:g}, got {brief(value)}")
    if maximum is not None and value > maximum:
        raise ValueProblem(f"must be at most {maximum:g}, got {brief(value)}")
    return value


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "yes", "1"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"false", "no", "0"}:
        return False
    raise ValueProblem(f"must be true or false, got {brief(value)}")


def choice(value: Any, allowed: tuple[str, ...]) -> str:
    """One of ``allowed``, matched without regard to case, spaces or underscores."""
    text = _text(value, "the value")
    folded = _fold(text)
    for option in allowed:
        if _fold(option) == folded:
            return option
    raise ValueProblem(f"{brief(text)} is not allowed; use one of: {', '.join(allowed)}")


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text).lower()


def record_id(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if is_record_id(value):
        return str(value)
    raise ValueProblem(
        f"{brief(value)} is not a Zoho record id (a string of digits such as "
        "'5725767000000524157'); look the record up with a search action first"
    )


def email(value: Any) -> str:
    text = _text(value, "an email")
    if not _EMAIL.fullmatch(text):
        raise ValueProblem(f"{brief(text)} is not an email address like name@example.com")
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def phone(value: Any, locale: Locale) -> str:
    """A phone number in E.164 (``+15551234567``); national numbers take the locale's country."""
    text = _text(value, "a phone number")
    e164 = _e164(text, locale.country) if len(text) <= 40 else None
    if e164 is None:
        raise ValueProblem(
            f"{brief(text)} is not a phone number; send it with its country code, e.g. +15551234567"
        )
    return e164


@lru_cache(maxsize=1024)
def _e164(text: str, country: str) -> str | None:
    """Cached: the caller's own number is normalised on most calls of a conversation."""
    import phonenumbers  # imported here: its metadata is only needed when a number is given

    try:
        parsed = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def date_value(value: Any, locale: Locale) -> str:
    """Zoho Date: ``yyyy-MM-dd``. A full ISO datetime is accepted and cut to its local date."""
    text = _text(value, "a date")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueProblem(f"{brief(text)} is not a real calendar date") from None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].+", text):
        return _parse_datetime(text, locale).date().isoformat()
    raise ValueProblem(f"{brief(text)} is not a date in yyyy-MM-dd form (e.g. 2026-12-31)")


def datetime_value(value: Any, locale: Locale) -> str:
    """Zoho DateTime ``yyyy-MM-ddTHH:mm:ss±HH:mm``; without an offset, the locale's time zone."""
    text = _text(value, "a date and time")
    return _format_datetime(_parse_datetime(text, locale), locale)


def _parse_datetime(text: str, locale: Locale) -> datetime:
    candidate = text.replace(" ", "T", 1) if re.match(r"\d{4}-\d{2}-\d{2} ", text) else text
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", candidate):
        raise ValueProblem(
            f"{brief(text)} has no time; send yyyy-MM-ddTHH:mm:ss (e.g. {text}T14:00:00)"
        )
    try:
        parsed = datetime.fromisoformat(candidate) if len(candidate) <= 40 else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueProblem(
            f"{brief(text)} is not an ISO 8601 date and time; send yyyy-MM-ddTHH:mm:ss, "
            "with an offset such as -05:00 if you know it (e.g. 2026-12-31T14:00:00)"
        )
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise ValueProblem(
            f"{brief(text)} is out of range: send a year from {MIN_YEAR} to {MAX_YEAR}"
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=locale.zone)
    return parsed.replace(microsecond=0)


def _format_datetime(moment: datetime, locale: Locale) -> str:
    try:
        return moment.astimezone(locale.zone).isoformat(timespec="seconds")
    except (OverflowError, ValueError):  # at the very edge of datetime's range
        raise ValueProblem(f"{moment.isoformat()} is out of range; send a realistic date") from None


def shift(value: str, minutes: int, locale: Locale) -> str:
    """A Zoho DateTime (or Date) ``minutes`` later (earlier when negative)."""
    try:
        moment = _parse_datetime(value, locale) + timedelta(minutes=minutes)
    except OverflowError:
        raise ValueProblem(f"{brief(value)} is out of range; send a realistic date") from None
    return _format_datetime(moment, locale)


def duration(value: Any) -> str:
    """Zoho call duration ``mm:ss``. Accepts ``m:ss``, ``h:mm:ss`` or a number of minutes."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value) or not 0 <= value <= MAX_DURATION_MINUTES:
            raise ValueProblem(
                f"must be from 0 to {MAX_DURATION_MINUTES} minutes, got {brief(value)}"
            )
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
            raise ValueProblem(
                f"{brief(text)} is not a duration; send minutes:seconds such as 05:30"
            )
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
    if not searchable(text):
        raise ValueProblem(
            f"{brief(text)} is too short: Zoho needs at least 2 letters or digits to search"
        )
    if len(text) > MAX_STRING_CHARS:
        raise ValueProblem(
            f"is {len(text):,} characters long; search with at most {MAX_STRING_CHARS}"
        )
    if re.search(r"[()\\]", text):
        raise ValueProblem(f"{brief(text)} has characters Zoho cannot search; send plain words")
    return text


def searchable(term: str) -> bool:
    """Whether Zoho's word search takes ``term``: it needs two letters or digits."""
    count = 0
    for char in term:
        if char.isalnum():
            count += 1
            if count == 2:
                return True
    return False
