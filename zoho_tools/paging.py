"""Paging past the first page: the ``page_token`` of a reply and the ``next_page`` action.

A search or list asks Zoho for a page of records and shows the model the first few of them
(:data:`~zoho_tools.results.DEFAULT_MAX_RECORDS`). When there are more, the reply carries a
``page_token``; the model passes it to ``next_page`` and gets the records after the ones it was
shown, as the answer of the same action, so ``{{search_contact.id}}`` then names a record of
that page. Pages after the first are as long as what a reply shows, so none is skipped.

The token is the request itself: the action, its checked arguments, the page and its size, as
base64url JSON. The orchestrator checks a ``next_page`` call as the action it continues (enabled
for this agent, arguments valid), so a made-up token can do nothing that action could not; and
it needs nothing stored, so it works on a stateless server too.

Zoho pages its search and list APIs with ``page`` (from 1) and ``per_page``, up to 2,000
records (:data:`MAX_PAGED_RECORDS`). Its opaque ``page_token`` (``info.next_page_token``) is
for going past 2,000 records of ``GET /{module}``, a listing that no built-in action makes.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zoho_tools.errors import RequestBuildError
from zoho_tools.rendering import ActionRequest
from zoho_tools.templates import ActionTemplate

#: The action that continues a search or list.
NEXT_PAGE = "next_page"
#: The most records Zoho's search (and page-numbered listing) answers: page times per_page.
MAX_PAGED_RECORDS = 2_000
#: Zoho's largest ``per_page``.
MAX_PER_PAGE = 200
#: Longer than any token a reply carries (the arguments of one search are short).
MAX_TOKEN_CHARS = 4_096


def page_size(template: ActionTemplate) -> int | None:
    """The records per page of an action that Zoho pages (a ``GET`` with a literal
    ``per_page``: every search, ``list_users``), else None."""
    size = template.query.get("per_page")
    if template.method != "GET" or not isinstance(size, int) or isinstance(size, bool):
        return None
    return size if size > 0 else None


def page_token(request: ActionRequest, shown: int) -> str | None:
    """The token for the records after the ``shown`` first ones of ``request``'s page (None
    when the action is not paged or Zoho would not answer that page)."""
    size = request.per_page or page_size(request.template)
    if size is None or shown <= 0:
        return None
    after = (request.page - 1) * size + shown  # records seen so far
    if after % shown or after >= MAX_PAGED_RECORDS:
        return None  # a page of ``shown`` cannot start there, or Zoho would not answer it
    payload = {
        "action": request.template.name,
        "arguments": dict(request.arguments),
        "page": after // shown + 1,
        "per_page": shown,
    }
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, default=str)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


@dataclass(frozen=True, slots=True)
class PageRequest:
    """What a ``page_token`` asks for: page ``page`` (of ``per_page`` records) of ``action``
    with ``arguments``."""

    action: str
    arguments: Mapping[str, Any]
    page: int
    per_page: int


class BadPageToken(RequestBuildError, ValueError):
    """The text given as a ``page_token`` is not one that a reply gave."""


def read_token(token: object) -> PageRequest:
    """The request a token stands for; :class:`BadPageToken` if it is not a token."""
    if not isinstance(token, str) or not token.strip() or len(token) > MAX_TOKEN_CHARS:
        raise BadPageToken("is not a page_token from an earlier answer")
    text = token.strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        payload = json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadPageToken("is not a page_token from an earlier answer") from None
    action, arguments, page, per_page = (
        (payload.get(key) for key in ("action", "arguments", "page", "per_page"))
        if isinstance(payload, dict)
        else (None, None, None, None)
    )
    page, per_page = _count(page, 2, MAX_PAGED_RECORDS), _count(per_page, 1, MAX_PER_PAGE)
    if (
        not isinstance(action, str)
        or not isinstance(arguments, dict)
        or page is None
        or per_page is None
    ):
        raise BadPageToken("is not a page_token from an earlier answer")
    return PageRequest(action, arguments, page, per_page)


def _count(value: object, least: int, most: int) -> int | None:
    """``value`` if it is a whole number from ``least`` to ``most`` (not a bool), else None."""
    if isinstance(value, int) and not isinstance(value, bool) and least <= value <= most:
        return value
    return None
