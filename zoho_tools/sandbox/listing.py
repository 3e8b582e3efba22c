"""Query parameters shared by list endpoints: ``page``, ``per_page``, ``fields``, sorting.

Zoho's limits (reference, section 5): ``per_page`` at most 200 (default 200), ``fields`` at most
50 names, and page-based access to the first 2000 records only. Out-of-range ``page`` or
``per_page`` values are ``INVALID_DATA`` with ``details.param_name`` ([UNVERIFIED]).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from zoho_tools.sandbox.errors import ApiError, invalid_param, required_param_missing

T = TypeVar("T")

MAX_PER_PAGE = 200
MAX_FIELDS = 50
MAX_PAGED_RECORDS = 2000


@dataclass(frozen=True, slots=True)
class Page:
    number: int
    size: int

    def slice(self, items: Sequence[T]) -> tuple[list[T], bool]:
        """This page of ``items`` and whether more records follow."""
        start = (self.number - 1) * self.size
        return list(items[start : start + self.size]), len(items) > start + self.size

    def info(self, count: int, more: bool) -> dict[str, Any]:
        return {"per_page": self.size, "count": count, "page": self.number, "more_records": more}


def _positive_int(params: Mapping[str, str], name: str, default: int, maximum: int | None) -> int:
    text = params.get(name)
    if text is None:
        return default
    if not text.strip().isdigit() or int(text) < 1 or (maximum is not None and int(text) > maximum):
        raise invalid_param(name)
    return int(text)


def page_params(params: Mapping[str, str], *, limit_error: ApiError) -> Page:
    """``page``/``per_page``; ``limit_error`` for a page starting past record 2000."""
    page = Page(
        _positive_int(params, "page", 1, None),
        _positive_int(params, "per_page", MAX_PER_PAGE, MAX_PER_PAGE),
    )
    if (page.number - 1) * page.size >= MAX_PAGED_RECORDS:
        raise limit_error
    return page


def fields_param(params: Mapping[str, str], *, required: bool) -> list[str] | None:
    """The ``fields`` API names (``REQUIRED_PARAM_MISSING`` when required and absent)."""
    text = params.get("fields")
    if text is None or not text.strip():
        if required:
            raise required_param_missing("fields")
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    if len(names) > MAX_FIELDS:
        raise ApiError(400, "LIMIT_EXCEEDED", "Fields limit exceeded", {"limit": MAX_FIELDS})
    return names


def ids_param(params: Mapping[str, str]) -> list[str] | None:
    text = params.get("ids")
    if text is None:
        return None
    return [i.strip() for i in text.split(",") if i.strip()]


def choice_param(params: Mapping[str, str], name: str, choices: Sequence[str], default: str) -> str:
    value = params.get(name, default)
    if value not in choices:
        raise invalid_param(name)
    return value
