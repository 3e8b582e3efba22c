"""Who may call the webhooks: the voice platforms' authentication, checked on the raw body.

Every check is a :class:`Verifier`: given a request's headers and its body exactly as received
(bytes, before any JSON parsing, since re-serialising changes what was signed), it says yes or no.
They fail closed: a missing or malformed header, an unparseable timestamp, a stale signature or
any unexpected input is a no, never an exception. Secrets are compared in constant time
(:func:`hmac.compare_digest`) and never appear in a repr, a log or an error.

- :class:`HeaderSecret`: the shared secret itself in a header: ``Authorization: Bearer <secret>``
  or a named header such as Vapi's ``X-Vapi-Secret``. Vapi's bearer credential and ElevenLabs'
  secret request headers.
- :class:`RetellSignature`: ``X-Retell-Signature: v=<ms>,d=<hex>``, where ``d`` is the HMAC-SHA256
  of the body followed by the timestamp, keyed with the Retell API key; at most five minutes off
  (the algorithm of ``retell-sdk``'s ``Retell.verify``).
- :class:`TimestampedHmac`: Vapi's HMAC credential with its defaults: ``x-signature`` holding the
  hex HMAC-SHA256 of ``"{timestamp}.{body}"`` (optionally prefixed ``sha256=``), ``x-timestamp``
  holding the timestamp (seconds or milliseconds: Vapi does not document which).
- :class:`AnyOf`: one of several (Vapi's three ways).

Clocks are injectable (``clock`` returns seconds since the epoch) so freshness can be tested.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

logger = logging.getLogger("zoho_tools.server")

#: Seconds since the epoch; ``time.time`` unless a test says otherwise.
Clock = Callable[[], float]

#: How far a signed timestamp may be from now, either way (Retell's own tolerance).
DEFAULT_TOLERANCE = 5 * 60.0

_RETELL = re.compile(r"v=(\d{1,16}),d=([0-9a-f]{64})")
_DIGITS = re.compile(r"\d{1,16}")
# A millisecond timestamp has 13 digits until the year 2286; seconds have 10.
_MILLISECONDS_FROM = 10**11


class Verifier(Protocol):
    """Whether a request is authentic. ``headers`` is case-insensitive (Starlette's
    ``Headers``); ``body`` is the raw body. Never raises."""

    def verify(self, headers: Mapping[str, str], body: bytes) -> bool: ...


def _secret(value: str) -> bytes:
    if not value:
        raise ValueError("a webhook secret must not be empty")
    return value.encode()


@dataclass(frozen=True)
class HeaderSecret:
    """The secret sent as is: ``Authorization: Bearer <secret>``, or the whole value of one of
    ``headers``."""

    secret: bytes = field(repr=False)
    headers: tuple[str, ...] = ()

    @classmethod
    def of(cls, secret: str, *headers: str) -> HeaderSecret:
        return cls(_secret(secret), tuple(headers))

    def verify(self, headers: Mapping[str, str], body: bytes) -> bool:
        offered: list[str] = []
        scheme, _, token = (headers.get("authorization") or "").partition(" ")
        if scheme.lower() == "bearer":
            offered.append(token.strip())
        offered.extend(headers.get(name) or "" for name in self.headers)
        # Every candidate is compared, so the time taken says nothing about which one matched.
        matches = [_same(value.encode(), self.secret) for value in offered if value]
        return any(matches)


@dataclass(frozen=True)
class RetellSignature:
    """Retell's ``X-Retell-Signature`` (see the module docstring)."""

    api_key: bytes = field(repr=False)
    clock: Clock = time.time
    tolerance: float = DEFAULT_TOLERANCE
    header: str = "x-retell-signature"

    @classmethod
    def of(cls, api_key: str, *, clock: Clock = time.time) -> RetellSignature:
        return cls(_secret(api_key), clock)

    def verify(self, headers: Mapping[str, str], body: bytes) -> bool:
        match = _RETELL.fullmatch((headers.get(self.header) or "").strip())
        if match is None:
            return False
        stamp, digest = match.groups()
        if abs(self.clock() * 1000 - int(stamp)) > self.tolerance * 1000:
            return False
        expected = hmac.new(self.api_key, body + stamp.encode(), hashlib.sha256).hexdigest()
        return _same(digest.encode(), expected.encode())


@dataclass(frozen=True)
class TimestampedHmac:
    """Vapi's HMAC credential with its default settings (see the module docstring)."""

    secret: bytes = field(repr=False)
    clock: Clock = time.time
    tolerance: float = DEFAULT_TOLERANCE
    signature_header: str = "x-signature"
    timestamp_header: str = "x-timestamp"

    @classmethod
    def of(cls, secret: str, *, clock: Clock = time.time) -> TimestampedHmac:
        return cls(_secret(secret), clock)

    def verify(self, headers: Mapping[str, str], body: bytes) -> bool:
        signature = (headers.get(self.signature_header) or "").strip().lower()
        stamp = (headers.get(self.timestamp_header) or "").strip()
        if not signature or _DIGITS.fullmatch(stamp) is None:
            return False
        moment = int(stamp) / 1000 if int(stamp) >= _MILLISECONDS_FROM else int(stamp)
        if abs(self.clock() - moment) > self.tolerance:
            return False
        signed = stamp.encode() + b"." + body
        expected = hmac.new(self.secret, signed, hashlib.sha256).hexdigest()
        signature = signature.removeprefix("sha256=")
        return _same(signature.encode(), expected.encode())


@dataclass(frozen=True)
class AnyOf:
    """Authentic if any of ``verifiers`` says so."""

    verifiers: tuple[Verifier, ...]

    def verify(self, headers: Mapping[str, str], body: bytes) -> bool:
        return any(verified(v, headers, body) for v in self.verifiers)


def verified(verifier: Verifier, headers: Mapping[str, str], body: bytes) -> bool:
    """``verifier``'s answer, and no for anything it raised (failing closed)."""
    try:
        return verifier.verify(headers, body) is True
    except Exception:
        logger.exception("a webhook signature check failed; the request is refused")
        return False


def _same(given: bytes, expected: bytes) -> bool:
    return hmac.compare_digest(given, expected)
