"""Indexes that let ``phone=``, ``email=`` and ``word=`` searches skip most records.

A :class:`SearchIndex` narrows a search to *candidates*; the search's own predicate still
decides, so an index can only make a search faster, never change its answer. It follows its
module's record collection as records are written and deleted (as a
:class:`~zoho_tools.sandbox.store.Observer`), is built on first use, and is dropped when a
failed transaction reloads the collection.

- Phones are keyed on their last seven digits: two numbers that :func:`phones_match` are equal,
  or one ends with the other and the shorter has at least seven digits, so they share that key.
- Emails are keyed on their case-folded text (``email=`` is an exact match).
- Word search matches substrings, which no small index answers exactly; each record's text
  fields are kept case-folded, and all records' texts are joined into one string in which
  ``str.find`` (C speed) finds the records holding the query's longest word.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from typing import Any

from zoho_tools.sandbox import metadata
from zoho_tools.sandbox.metadata import ModuleDefinition
from zoho_tools.sandbox.store import Collection

Record = dict[str, Any]

#: Separates fields in a record's search text: no word of a query contains it, so no match
#: spans two fields.
_FIELD_BREAK = "\x00"
#: Separates records in the string word searches scan; a match across it is checked away.
_RECORD_BREAK = "\x01"
_PHONE_KEY_DIGITS = 7


def _contains_all(text: str, words: list[str]) -> bool:
    """Whether every word occurs in ``text`` within one of its fields."""
    if any(_FIELD_BREAK in word for word in words):  # such a word would span two fields
        fields = text.split(_FIELD_BREAK)
        return all(any(word in field for field in fields) for word in words)
    return all(word in text for word in words)


def phone_key(digits: str) -> str:
    """The index key of a phone number's digits (see the module docstring)."""
    return digits[-_PHONE_KEY_DIGITS:]


class SearchIndex:
    """Candidate records of one module for phone, email and word searches."""

    def __init__(self, module: ModuleDefinition, records: Collection) -> None:
        self._records = records
        self._phone_fields = [f.api_name for f in module.fields if f.data_type == metadata.PHONE]
        self._email_fields = [f.api_name for f in module.fields if f.data_type == metadata.EMAIL]
        self._text_fields = [f.api_name for f in module.fields if f.data_type in metadata.TEXT_LIKE]
        self._built = False
        self._phones: defaultdict[str, set[str]] = defaultdict(set)
        self._emails: defaultdict[str, set[str]] = defaultdict(set)
        self._texts: dict[str, str] = {}
        self._corpus: tuple[str, list[int], list[str]] | None = None
        # Creation order of each id, to hand candidates back in the collection's order.
        self._order: dict[str, int] = {}
        self._next = 0
        records.observe(self)

    # --- queries ----------------------------------------------------------------------------

    def by_phone(self, digits: str) -> list[Record]:
        """Records with a phone number sharing ``digits``' key, in creation order."""
        self._build()
        return self._in_order(self._phones.get(phone_key(digits), ()))

    def by_email(self, email: str) -> list[Record]:
        """Records with an email equal to ``email`` (case-insensitive), in creation order."""
        self._build()
        return self._in_order(self._emails.get(email.strip().casefold(), ()))

    def by_words(self, words: list[str]) -> list[Record]:
        """Records in whose text fields every one of ``words`` (case-folded) occurs, each
        within one field, in creation order."""
        self._build()
        if not words:
            return []
        corpus, starts, keys = self._corpus_index()
        # Find the longest word (likely the rarest) in one string with str.find, which runs at
        # C speed, and check the other words only in the records it occurs in.
        longest = max(words, key=len)
        candidates: set[str] = set()
        at = corpus.find(longest)
        while at != -1:
            record = bisect.bisect_right(starts, at) - 1
            candidates.add(keys[record])
            # Skip to the next record: one occurrence is enough to make it a candidate.
            at = corpus.find(
                longest, starts[record + 1] if record + 1 < len(starts) else len(corpus)
            )
        matching = [key for key in candidates if _contains_all(self._texts[key], words)]
        return self._in_order(matching)

    def _corpus_index(self) -> tuple[str, list[int], list[str]]:
        """Every record's search text in one string, with where each starts and its id.
        Built on the first word search after a change (writes only drop it)."""
        if self._corpus is None:
            keys = list(self._texts)
            starts: list[int] = []
            offset = 0
            for key in keys:
                starts.append(offset)
                offset += len(self._texts[key]) + len(_RECORD_BREAK)
            self._corpus = (_RECORD_BREAK.join(self._texts[key] for key in keys), starts, keys)
        return self._corpus

    # --- upkeep (Observer) ------------------------------------------------------------------

    def changed(self, key: str, old: Any, new: Any) -> None:
        if not self._built:
            return
        if old is not None:
            self._remove(key, old)
        if new is not None:
            self._add(key, new)

    def reset(self) -> None:
        self._built = False
        self._phones.clear()
        self._emails.clear()
        self._texts.clear()
        self._corpus = None
        self._order.clear()
        self._next = 0

    def _build(self) -> None:
        if self._built:
            return
        for key, record in self._records.items():
            self._add(key, record)
        self._built = True

    def _add(self, key: str, record: Record) -> None:
        from zoho_tools.sandbox.search import phone_digits

        if key not in self._order:
            self._order[key] = self._next
            self._next += 1
        for name in self._phone_fields:
            value = record.get(name)
            if isinstance(value, str) and (digits := phone_digits(value)):
                self._phones[phone_key(digits)].add(key)
        for name in self._email_fields:
            value = record.get(name)
            if isinstance(value, str) and value.strip():
                self._emails[value.strip().casefold()].add(key)
        self._corpus = None
        self._texts[key] = _FIELD_BREAK.join(
            str(record[name]).casefold()
            for name in self._text_fields
            if record.get(name) is not None
        )

    def _remove(self, key: str, record: Record) -> None:
        from zoho_tools.sandbox.search import phone_digits

        for name in self._phone_fields:
            value = record.get(name)
            if isinstance(value, str) and (digits := phone_digits(value)):
                self._phones[phone_key(digits)].discard(key)
        for name in self._email_fields:
            value = record.get(name)
            if isinstance(value, str) and value.strip():
                self._emails[value.strip().casefold()].discard(key)
        self._texts.pop(key, None)
        self._corpus = None
        if key not in self._records:  # deleted, not updated: an update keeps its place
            self._order.pop(key, None)

    def _in_order(self, keys: Any) -> list[Record]:
        ordered = sorted(keys, key=self._order.__getitem__)
        return [self._records[key] for key in ordered]
