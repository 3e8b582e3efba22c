"""``GET /{module}/search``: criteria, email, phone and word search (reference, section 4).

Criteria syntax: ``(({api_name}:{operator}:{value})and/or({api_name}:{operator}:{value}))``; a
single bare condition without parentheses is accepted too (Zoho's own sample sends one).
``and`` binds tighter than ``or`` when both appear at one level; ``and``/``or`` are
case-insensitive and may be surrounded by spaces. In values, ``\\(``, ``\\)``, ``\\,`` and
``\\\\`` are escaped characters; ``in`` and ``between`` values split on unescaped commas.
At most 10 conditions, ``in`` at most 100 values, ``between`` exactly two.

Operators per type (Zoho's table): date/datetime/integer/double/currency and ``id``: equals,
not_equal, greater_equal, greater_than, less_equal, less_than, between, in; boolean: equals,
not_equal; textarea: equals, not_equal, starts_with; lookups/owner: equals, not_equal, in;
picklist/autonumber: equals, not_equal, in; text/email/phone/website: equals, not_equal,
starts_with, in. Anything else is ``INVALID_QUERY`` (HTTP 400, "invalid query formed" or
"invalid operator found") with ``details`` naming the ``api_name``, the ``operator`` and a
``reason``. The limit of 10 conditions is also ``INVALID_QUERY`` (the code is [UNVERIFIED]).

Semantics: on text fields ``equals`` means *contains* (case-insensitive), as Zoho documents;
``not_equal`` is its negation; ``in`` is exact (case-insensitive); lookups match the id or the
record's name (``Account_Name.id`` / ``Account_Name.name`` pick one). Empty fields match only
``not_equal``.

Phone matching ([UNVERIFIED]: how a real org normalises numbers is not documented): numbers are
compared on their digits only, ignoring formatting, an extension and leading zeros, and match
when equal or when one is the other preceded by a 1-3 digit country code (needing at least 7
digits on the shorter side), unless both are written internationally (``+``/``00``): then
their digits must be equal. So a caller's E.164 ``+15551234567`` finds a contact stored as
``(555) 123-4567``, and ``5551234567`` finds one stored as ``+1 555 123 4567``. This applies
to ``phone=`` and to criteria ``equals``/``in`` on phone fields.

``email=`` is an exact, case-insensitive match on every email field; ``word=`` needs at least
two letters or digits (else ``INVALID_DATA``) and matches records in which every word of it
occurs in some text field. Precedence: criteria > email > phone > word; none given is
``EXPECTED_PARAM_MISSING`` "mandatory param missing".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zoho_tools.sandbox import metadata
from zoho_tools.sandbox.data import OrgData, Record
from zoho_tools.sandbox.errors import ApiError, invalid_param
from zoho_tools.sandbox.fieldtypes import as_number, is_email
from zoho_tools.sandbox.metadata import Field, ModuleDefinition
from zoho_tools.sandbox.timefmt import from_storage, parse_date, parse_datetime

Predicate = Callable[[Record], bool]

MAX_CONDITIONS = 10
MAX_IN_VALUES = 100
#: Deepest nesting of parentheses in criteria: far beyond what 10 conditions need, and far
#: below what would exhaust the parser's recursion.
MAX_NESTING = 32

_ORDERED = (
    "equals",
    "not_equal",
    "greater_equal",
    "greater_than",
    "less_equal",
    "less_than",
    "between",
    "in",
)
_OPERATORS: Mapping[str, tuple[str, ...]] = {
    metadata.DATE: _ORDERED,
    metadata.DATETIME: _ORDERED,
    metadata.INTEGER: _ORDERED,
    metadata.DOUBLE: _ORDERED,
    metadata.CURRENCY: _ORDERED,
    "bigint": _ORDERED,
    metadata.BOOLEAN: ("equals", "not_equal"),
    metadata.TEXTAREA: ("equals", "not_equal", "starts_with"),
    metadata.LOOKUP: ("equals", "not_equal", "in"),
    metadata.OWNERLOOKUP: ("equals", "not_equal", "in"),
    metadata.MULTI_MODULE: ("equals", "not_equal", "in"),
    metadata.PICKLIST: ("equals", "not_equal", "in"),
    metadata.AUTONUMBER: ("equals", "not_equal", "in"),
    metadata.TEXT: ("equals", "not_equal", "starts_with", "in"),
    metadata.EMAIL: ("equals", "not_equal", "starts_with", "in"),
    metadata.PHONE: ("equals", "not_equal", "starts_with", "in"),
    metadata.WEBSITE: ("equals", "not_equal", "starts_with", "in"),
}
_ID_FIELD = metadata.Field(api_name="id", label="Record Id", data_type="bigint")


# --- errors -------------------------------------------------------------------------------------


def invalid_query(
    reason: str, *, api_name: str | None = None, operator: str | None = None
) -> ApiError:
    details: dict[str, Any] = {}
    if operator is not None:
        details["operator"] = operator
    details["reason"] = reason
    if api_name is not None:
        details["api_name"] = api_name
    message = "invalid operator found" if operator is not None else "invalid query formed"
    return ApiError(400, "INVALID_QUERY", message, details)


# --- parsing --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Condition:
    api_name: str
    operator: str
    values: tuple[str, ...]  # unescaped; split on unescaped commas
    raw_value: str  # unescaped, not split


@dataclass(frozen=True, slots=True)
class Group:
    operator: str  # "and" | "or"
    children: tuple[Node, ...]


Node = Condition | Group


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0

    def parse(self) -> Node:
        self._skip_spaces()
        node = self._expr() if self._peek() == "(" else self._condition(closing=False)
        self._skip_spaces()
        if self.pos != len(self.text):
            raise invalid_query(f"unexpected text at position {self.pos}")
        return node

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _skip_spaces(self) -> None:
        while self._peek() == " ":
            self.pos += 1

    def _expect(self, char: str) -> None:
        self._skip_spaces()
        if self._peek() != char:
            raise invalid_query(f"expected {char!r} at position {self.pos}")
        self.pos += 1

    def _expr(self) -> Node:
        terms, operators = [self._term()], []
        while True:
            self._skip_spaces()
            word = re.match(r"(and|or)\s*\(", self.text[self.pos :], re.IGNORECASE)
            if word is None:
                break
            operators.append(word[1].lower())
            self.pos += len(word[1])
            terms.append(self._term())
        return _combine(terms, operators)

    def _term(self) -> Node:
        self._expect("(")
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise invalid_query(f"parentheses nested deeper than {MAX_NESTING} levels")
        self._skip_spaces()
        node = self._expr() if self._peek() == "(" else self._condition(closing=True)
        self._expect(")")
        self.depth -= 1
        return node

    def _condition(self, *, closing: bool) -> Condition:
        head = re.match(r"\s*([A-Za-z0-9_$.]+)\s*:\s*([a-z_]+)\s*:", self.text[self.pos :])
        if head is None:
            raise invalid_query(f"expected api_name:operator:value at position {self.pos}")
        self.pos += head.end()
        parts, current, chars = [], [], []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\" and self.pos + 1 < len(self.text):
                current.append(self.text[self.pos + 1])
                chars.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if char == ")" and closing:
                break
            if char == ",":
                parts.append("".join(current))
                current = []
            else:
                current.append(char)
            chars.append(char)
            self.pos += 1
        parts.append("".join(current))
        # Spaces around values are layout, not content: "( Last_Name:equals:Smith )".
        values = tuple(part.strip() for part in parts)
        return Condition(head[1], head[2], values, "".join(chars).strip())


def _combine(terms: list[Node], operators: list[str]) -> Node:
    if not operators:
        return terms[0]
    # "and" binds tighter: split the chain at each "or".
    alternatives: list[list[Node]] = [[terms[0]]]
    for operator, term in zip(operators, terms[1:], strict=True):
        if operator == "or":
            alternatives.append([term])
        else:
            alternatives[-1].append(term)
    ands: list[Node] = [a[0] if len(a) == 1 else Group("and", tuple(a)) for a in alternatives]
    return ands[0] if len(ands) == 1 else Group("or", tuple(ands))


def parse_criteria(text: str) -> Node:
    """Parse a criteria string (raises ``INVALID_QUERY``)."""
    if not text.strip():
        raise invalid_query("empty criteria")
    node = _Parser(text).parse()
    if _count(node) > MAX_CONDITIONS:
        raise invalid_query(f"a maximum of {MAX_CONDITIONS} criteria are allowed")
    return node


def _count(node: Node) -> int:
    if isinstance(node, Condition):
        return 1
    return sum(_count(child) for child in node.children)


# --- compiling to predicates ----------------------------------------------------------------


def compile_criteria(org: OrgData, module: ModuleDefinition, node: Node) -> Predicate:
    """A predicate over stored records (raises ``INVALID_QUERY`` for bad fields/values)."""
    if isinstance(node, Group):
        children = [compile_criteria(org, module, child) for child in node.children]
        if node.operator == "and":
            return lambda record: all(child(record) for child in children)
        return lambda record: any(child(record) for child in children)
    return _condition_predicate(org, module, node)


def _condition_predicate(org: OrgData, module: ModuleDefinition, cond: Condition) -> Predicate:
    base, _, part = cond.api_name.partition(".")
    f = _ID_FIELD if base == "id" else module.field(base)
    if f is None or f.data_type not in _OPERATORS or (part and part not in ("id", "name")):
        raise invalid_query(
            "the field is not available for search in the module", api_name=cond.api_name
        )
    if cond.operator not in _OPERATORS[f.data_type]:
        raise invalid_query(
            "The operator is not valid for the field type",
            api_name=cond.api_name,
            operator=cond.operator,
        )
    values = _values(cond)
    key = _key_function(org, f, part)
    converted = [_convert(f, value, cond.api_name) for value in values]
    test = _operator_test(f, cond.operator, converted)
    name = "id" if f is _ID_FIELD else f.api_name
    return lambda record: test(key(record.get(name)))


def _values(cond: Condition) -> tuple[str, ...]:
    if cond.operator == "in":
        if len(cond.values) > MAX_IN_VALUES:
            raise invalid_query(
                f"a maximum of {MAX_IN_VALUES} values are allowed", api_name=cond.api_name
            )
        return cond.values
    if cond.operator == "between":
        if len(cond.values) != 2:
            raise invalid_query("between needs two values", api_name=cond.api_name)
        return cond.values
    return (cond.raw_value,)


def _convert(f: Field, value: str, api_name: str) -> Any:
    """A criteria value in the comparable form of the field's stored values."""
    converted: Any
    if f.data_type in (metadata.INTEGER, metadata.DOUBLE, metadata.CURRENCY):
        converted = as_number(value)
    elif f.data_type == metadata.DATE:
        converted = value if parse_date(value) else None
    elif f.data_type == metadata.DATETIME:
        converted = parse_datetime(value)
    elif f.data_type == metadata.BOOLEAN:
        converted = {"true": True, "false": False}.get(value.lower())
    elif f is _ID_FIELD:
        converted = int(value) if value.isdigit() else None
    else:
        converted = value.casefold()
    if converted is None:
        raise invalid_query("the value does not match the field type", api_name=api_name)
    return converted


def _key_function(org: OrgData, f: Field, part: str) -> Callable[[Any], Any]:
    """How a stored value becomes comparable with converted criteria values."""
    if f is _ID_FIELD:
        return lambda value: int(value)
    if f.data_type == metadata.DATETIME:
        return lambda value: None if value is None else from_storage(value)
    if f.data_type in (metadata.LOOKUP, metadata.OWNERLOOKUP, metadata.MULTI_MODULE):
        return _reference_key(org, f, part)
    if f.data_type in metadata.TEXT_LIKE or f.data_type == metadata.PICKLIST:
        return lambda value: None if value is None else str(value).casefold()
    return lambda value: value


def _reference_key(org: OrgData, f: Field, part: str) -> Callable[[Any], Any]:
    def key(value: Any) -> Any:
        if value is None:
            return None
        record_id = value["id"] if isinstance(value, dict) else str(value)
        if f.data_type == metadata.OWNERLOOKUP:
            user = org.user(record_id) or {}
            name = user.get("full_name")
        else:
            found = org.find(record_id, f.targets)
            name = None if found is None else org.display_name(*found)
        names = {"id": (record_id,), "name": (name,)}.get(part, (record_id, name))
        return tuple(str(n).casefold() for n in names if n is not None)

    return key


def _operator_test(f: Field, operator: str, values: Sequence[Any]) -> Callable[[Any], bool]:
    is_reference = f.data_type in (metadata.LOOKUP, metadata.OWNERLOOKUP, metadata.MULTI_MODULE)
    is_phone = f.data_type == metadata.PHONE
    contains = f.data_type in (metadata.TEXT, metadata.TEXTAREA, metadata.EMAIL, metadata.WEBSITE)

    def equal(stored: Any, wanted: Any, *, partial: bool) -> bool:
        if is_reference:
            return wanted in stored
        if is_phone:
            return phones_match(wanted, stored) or (partial and wanted in stored)
        if partial and contains:
            return bool(wanted in stored)
        return bool(stored == wanted)

    first = values[0]
    tests: dict[str, Callable[[Any], bool]] = {
        "equals": lambda s: equal(s, first, partial=True),
        "not_equal": lambda s: not equal(s, first, partial=True),
        "in": lambda s: any(equal(s, v, partial=False) for v in values),
        "starts_with": lambda s: str(s).startswith(first),
        "greater_than": lambda s: s > first,
        "greater_equal": lambda s: s >= first,
        "less_than": lambda s: s < first,
        "less_equal": lambda s: s <= first,
        "between": lambda s: first <= s <= values[-1],
    }
    test = tests[operator]
    if operator == "not_equal":
        return lambda stored: stored is None or test(stored)
    return lambda stored: stored is not None and test(stored)


# --- phone, email and word search ------------------------------------------------------------

_EXTENSION = re.compile(r"\s*(?:x|ext\.?)\s*\d+\s*$", re.IGNORECASE)


def phone_digits(value: str) -> str:
    """The digits of a phone number without extension and leading zeros."""
    return re.sub(r"\D", "", _EXTENSION.sub("", value)).lstrip("0")


def _international(value: str) -> bool:
    text = value.strip()
    return text.startswith(("+", "00"))


def phones_match(query: str, stored: str) -> bool:
    """Whether a stored number matches a queried one (see the module docstring)."""
    wanted, digits = phone_digits(query), phone_digits(stored)
    if not digits or not wanted:
        return False
    if digits == wanted:
        return True
    if _international(query) and _international(stored):
        return False  # both carry a country code, and they differ
    short, long = sorted((digits, wanted), key=len)
    return len(short) >= 7 and long.endswith(short) and len(long) - len(short) <= 3


def _fields_of(module: ModuleDefinition, *types: str) -> list[str]:
    return [f.api_name for f in module.fields if f.data_type in types]


def _email_predicate(module: ModuleDefinition, email: str) -> Predicate:
    wanted, names = email.strip().casefold(), _fields_of(module, metadata.EMAIL)
    return lambda r: any(str(r.get(n) or "").casefold() == wanted for n in names)


def _phone_predicate(module: ModuleDefinition, phone: str) -> Predicate:
    names = _fields_of(module, metadata.PHONE)
    return lambda r: any(r.get(n) and phones_match(phone, r[n]) for n in names)


def _words(word: str) -> list[str]:
    if sum(ch.isalnum() for ch in word) < 2:
        raise invalid_param(
            "word",
            "The search value contains special characters "
            "or does not contain at least two characters",
        )
    return word.casefold().split()


def search_records(
    org: OrgData, module: ModuleDefinition, params: Mapping[str, str]
) -> list[Record]:
    """The records a search request asks for, in creation order (raises Zoho's errors for bad
    parameters). Phone, email and word searches go through the module's
    :class:`~zoho_tools.sandbox.index.SearchIndex`; criteria are checked on every record."""
    index = org.search_index(module)
    if "criteria" in params:
        predicate = compile_criteria(org, module, parse_criteria(params["criteria"]))
        return [r for r in org.records(module.api_name).values() if predicate(r)]
    if "email" in params:
        email = params["email"]
        if not is_email(email.strip()):
            raise invalid_param("email")
        return [r for r in index.by_email(email) if _email_predicate(module, email)(r)]
    if "phone" in params:
        phone = params["phone"]
        digits = phone_digits(phone)
        if not digits:
            raise invalid_param("phone")
        matches = _phone_predicate(module, phone)
        return [r for r in index.by_phone(digits) if matches(r)]
    if "word" in params:
        return index.by_words(_words(params["word"]))
    raise ApiError(400, "EXPECTED_PARAM_MISSING", "mandatory param missing", {})
