"""One result type for every outcome of an action, and the reading of Zoho's answers into it.

An :class:`ActionResult` is what the model acts on. It is ``ok`` (a created/updated/deleted id, or
records), ``empty`` (Zoho's 204: no match, which is an answer, not a failure) or ``error``, with
Zoho's ``code``, the ``field`` concerned (the action's parameter name where one maps to Zoho's
``api_name``), Zoho's ``message`` and a ``hint`` telling the model what to do next.

Record lists are trimmed to the fields the action declares worth showing, and to a handful of
records with a total count: long tool results cost tokens and accuracy on every later turn. The
untrimmed records stay on the result for ``{{action.field}}`` chaining.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from zoho_tools.catalog._modules import NAME_FIELDS
from zoho_tools.rendering import RenderedRequest
from zoho_tools.templates import ActionTemplate

Status = Literal["ok", "empty", "error"]

#: Codes we add for outcomes Zoho itself has no code for.
OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN"
NETWORK_ERROR = "NETWORK_ERROR"
RATE_LIMITED = "TOO_MANY_REQUESTS"
SERVER_ERROR = "ZOHO_UNAVAILABLE"
NOT_CONNECTED = "NOT_CONNECTED"
AUTH_THROTTLED = "TOKEN_REFRESH_THROTTLED"
MISSING_VARIABLE = "MISSING_VARIABLE"
UNSAFE_REQUEST = "UNSAFE_REQUEST"
#: No record has the id an action was given: a direct lookup's 204, or a write Zoho refused
#: because "the id given seems to be invalid" (Zoho's INVALID_DATA about the record itself).
RECORD_NOT_FOUND = "RECORD_NOT_FOUND"

#: How many records a result shows the model; the count says how many there were.
DEFAULT_MAX_RECORDS = 5


@dataclass(frozen=True, slots=True)
class ActionResult:
    """The outcome of one action. ``data`` is what the model sees (through
    :func:`zoho_tools.replies.reply_for`); ``records`` keeps everything."""

    action: str
    status: Status
    message: str = ""
    data: Any = None
    count: int | None = None
    more_records: bool = False
    code: str | None = None
    field: str | None = None
    hint: str | None = None
    http_status: int | None = None
    request: RenderedRequest | None = None
    #: How many times the request was sent (more than one after a retried fault).
    attempts: int = 1
    records: Any = dataclasses.field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def chain_value(self) -> Any:
        """What ``{{action...}}`` resolves against: the full records, or the write's details."""
        return self.records if self.records is not None else self.data

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready values, for a conversation kept between requests. The sent
        ``request`` is left out: it is a trace of the past, and nothing later reads it."""
        return {
            f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "request"
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ActionResult:
        """The inverse of :meth:`to_dict` (``request`` is ``None``); unknown keys are ignored."""
        names = {f.name for f in dataclasses.fields(cls)} - {"request"}
        return cls(**{k: v for k, v in data.items() if k in names})


def error_result(
    action: str,
    code: str,
    message: str,
    *,
    hint: str | None = None,
    field: str | None = None,
    http_status: int | None = None,
    request: RenderedRequest | None = None,
    data: Any = None,
) -> ActionResult:
    return ActionResult(
        action=action,
        status="error",
        code=code,
        message=message,
        hint=hint or hint_for(code, field),
        field=field,
        http_status=http_status,
        request=request,
        data=data,
    )


_HINTS: dict[str, str] = {
    "MANDATORY_NOT_FOUND": "Ask the caller for {field}, then repeat the call with it.",
    "INVALID_DATA": "Correct {field} and repeat the call.",
    "DUPLICATE_DATA": (
        "A record with this {field} already exists (see data.id). Tell the caller and offer to "
        "update that record instead of creating a new one."
    ),
    "RECORD_NOT_FOUND": "No record has that id. Search for the record first and use its id.",
    "NO_PERMISSION": (
        "The connected Zoho user is not allowed to do this. Tell the caller a colleague will "
        "follow up; do not retry."
    ),
    "OAUTH_SCOPE_MISMATCH": (
        "The Zoho connection lacks the permission (scope) for this action; the operator must "
        "reconnect with `zoho-tools connect`. Tell the caller a colleague will follow up."
    ),
    "AUTHENTICATION_FAILURE": (
        "The Zoho connection is not valid; the operator must reconnect with `zoho-tools "
        "connect`. Tell the caller a colleague will follow up; do not retry."
    ),
    "INVALID_TOKEN": (
        "The Zoho token was refused even after a refresh; the operator must reconnect with "
        "`zoho-tools connect`. Tell the caller a colleague will follow up; do not retry."
    ),
    NOT_CONNECTED: (
        "Zoho is not connected; the operator must run `zoho-tools connect`. Tell the caller a "
        "colleague will follow up; do not retry."
    ),
    AUTH_THROTTLED: (
        "Zoho is refusing new access tokens for a few minutes. Tell the caller it will be done "
        "shortly; try again later, not now."
    ),
    RATE_LIMITED: (
        "Zoho is busy (rate limited). Try once more in a minute, or tell the caller it will be "
        "done shortly."
    ),
    SERVER_ERROR: "Zoho is not answering right now. Try once more later; do not loop.",
    NETWORK_ERROR: "Zoho could not be reached. Try once more later; do not loop.",
    OUTCOME_UNKNOWN: (
        "The request may or may not have reached Zoho. Do NOT repeat it yet: search for the "
        "record first, and repeat it only if the search shows it was not done."
    ),
    "INVALID_QUERY": "The search is malformed: {message}. Simplify the search term.",
    "DEPENDENT_MISMATCH": "Zoho refused a combination of values: {message}. Correct it and retry.",
    "LIMIT_EXCEEDED": "Too many values in one request: {message}.",
    "INVALID_MODULE": "That module does not exist in this Zoho org.",
    "NOT_SUPPORTED": "Zoho does not support this for that module.",
    MISSING_VARIABLE: (
        "A {{placeholder}} could not be filled: {message}. Run the action it refers to first, "
        "or send the value itself."
    ),
}


def hint_for(code: str, field: str | None = None, message: str = "") -> str | None:
    template = _HINTS.get(code)
    if template is None:
        return None
    return (
        template.replace("{field}", field or "the field named in the error")
        .replace("{message}", message.rstrip(".") or code)
        .replace("{{placeholder}}", "{{...}}")
    )


# --- reading Zoho's answers ---------------------------------------------------------------------


def from_response(
    template: ActionTemplate,
    request: RenderedRequest,
    status_code: int,
    body: Any,
    *,
    max_records: int = DEFAULT_MAX_RECORDS,
) -> ActionResult:
    """Read Zoho's answer to ``request`` (already decoded from JSON; ``None`` for no body)."""
    base = ActionResult(action=template.name, status="ok", http_status=status_code, request=request)
    if status_code == 204 or body in (None, "", {}):
        if status_code >= 400:
            return _request_error(template, base, status_code, {})
        return _empty(template, base)
    if not isinstance(body, Mapping):
        return replace(
            base,
            status="error",
            code="UNEXPECTED_RESPONSE",
            message=f"Zoho answered HTTP {status_code} with a body that is not a JSON object",
            hint="Try once more later.",
        )
    records = body.get(template.records_key)
    if isinstance(records, list) and records and _is_write_result(records[0]):
        return _write_result(template, base, records[0])
    if status_code >= 400 or (body.get("status") == "error" and "code" in body):
        return _request_error(template, base, status_code, body)
    if isinstance(records, list):
        return _records(template, base, records, body.get("info") or {}, max_records)
    # Some endpoints answer with a single object (e.g. a write with a status at the top level).
    return replace(base, data=_trim_record(template, body), records=body)


#: Fields that may name a record of a module not known, most telling first (a lookup's value is
#: its ``{"name", "id"}``).
_LIKELY_NAME_FIELDS = ("Full_Name", "Account_Name", "Deal_Name", "Subject", "Event_Title",
                       "Product_Name", "Appointment_Name", "Solution_Title", "Note_Title",
                       "full_name", "name")  # fmt: skip


def display_name(record: Any, module: str | None = None) -> str:
    """A readable name for a Zoho record (for read-backs and transcripts), or ``""``.

    Give the record's ``module`` (an API name, or ``"users"``) when it is known: the module's own
    name field then comes first, so a deal is named by its ``Deal_Name`` rather than by the
    ``Account_Name`` it also carries. Without it, the first of the likely name fields is taken.
    """
    if not isinstance(record, Mapping):
        return ""
    own = NAME_FIELDS.get(module) if module is not None else None
    for key in (own, *_LIKELY_NAME_FIELDS) if own else _LIKELY_NAME_FIELDS:
        value = record.get(key)
        if isinstance(value, Mapping):
            value = value.get("name")
        if value:
            return str(value)
    first, last = record.get("First_Name"), record.get("Last_Name")
    return " ".join(str(part) for part in (first, last) if part)


def _is_lookup(template: ActionTemplate) -> bool:
    """A read of one record by id (``get_contact``): 204 means no such record."""
    return bool(template.path_placeholders) and template.read_only


def _is_write_result(item: Any) -> bool:
    return isinstance(item, Mapping) and "code" in item and "status" in item


def _empty(template: ActionTemplate, base: ActionResult) -> ActionResult:
    if _is_lookup(template):
        # Not an empty answer: the model asked for a record by an id that names none.
        return replace(
            base,
            status="error",
            code=RECORD_NOT_FOUND,
            message="No record with that id.",
            hint=_HINTS[RECORD_NOT_FOUND],
        )
    return replace(
        base,
        status="empty",
        count=0,
        message="No matching records.",
        hint="Nothing matched. Ask the caller to spell it or give another detail; "
        "offer to create a new record if appropriate.",
    )


def _write_result(
    template: ActionTemplate, base: ActionResult, item: Mapping[str, Any]
) -> ActionResult:
    details = item.get("details") or {}
    code = str(item.get("code", ""))
    message = str(item.get("message", ""))
    if item.get("status") == "success":
        data = {"id": details.get("id")} if isinstance(details, Mapping) else None
        return replace(base, message=message, data=data, records=details)
    field = _param_for(template, details.get("api_name") if isinstance(details, Mapping) else None)
    hint = _hint_for_record_error(code, field, message, details)
    if hint == _HINTS[RECORD_NOT_FOUND] and field is None:
        code = RECORD_NOT_FOUND  # Zoho says INVALID_DATA; the record's id is what is wrong
    data = None
    if code == "DUPLICATE_DATA" and isinstance(details, Mapping):
        duplicate = details.get("duplicate_record") or details
        data = {k: duplicate[k] for k in ("id", "module") if k in duplicate} or None
    return replace(
        base, status="error", code=code, message=message, field=field, hint=hint, data=data
    )


def _hint_for_record_error(
    code: str, field: str | None, message: str, details: Mapping[str, Any]
) -> str | None:
    if code == "INVALID_DATA":
        if "id given seems to be invalid" in message or (details.get("id") and not field):
            return _HINTS["RECORD_NOT_FOUND"]
        expected = details.get("expected_data_type")
        if expected:
            return f"Send {field or 'the field'} as {_describe_type(str(expected))}, then retry."
        maximum = details.get("maximum_length")
        if maximum:
            return f"Shorten {field or 'the field'} to at most {maximum} characters, then retry."
    return hint_for(code, field, message)


def _describe_type(expected: str) -> str:
    return {
        "date": "a date yyyy-MM-dd",
        "datetime": "a date and time yyyy-MM-ddTHH:mm:ss±HH:mm",
        "jsonobject": 'an object {"id": "<record id>"}',
        "integer": "a whole number",
        "double": "a number",
        "boolean": "true or false",
        "email": "an email address",
    }.get(expected, f"{expected}")


def _request_error(
    template: ActionTemplate, base: ActionResult, status_code: int, body: Mapping[str, Any]
) -> ActionResult:
    # Zoho's legacy 429 body carries a numeric "code" and the real one in "error".
    code = next(
        (str(c) for c in (body.get("code"), body.get("error")) if isinstance(c, str) and c),
        _code_for_status(status_code),
    )
    message = str(body.get("message") or body.get("error_info") or f"HTTP {status_code}")
    raw_details = body.get("details")
    details: Mapping[str, Any] = raw_details if isinstance(raw_details, Mapping) else {}
    field = _param_for(template, details.get("api_name") or details.get("param_name"))
    return replace(
        base,
        status="error",
        code=code,
        message=message,
        field=field,
        hint=_hint_for_record_error(code, field, message, details),
    )


def _code_for_status(status_code: int) -> str:
    if status_code == 429:
        return RATE_LIMITED
    if status_code >= 500:
        return SERVER_ERROR
    if status_code == 401:
        return "AUTHENTICATION_FAILURE"
    return "HTTP_ERROR"


def _records(
    template: ActionTemplate,
    base: ActionResult,
    records: list[Any],
    info: Mapping[str, Any],
    max_records: int,
) -> ActionResult:
    single = _is_lookup(template) and len(records) == 1
    # A record asked for by id is shown whole (bounded); lists show the fields worth showing.
    trim = _full_record if single else _trim_record
    shown = [trim(template, record) for record in records[:max_records]]
    more = bool(info.get("more_records")) or len(records) > max_records
    return replace(
        base,
        data=shown[0] if single else shown,
        count=None if single else len(records),
        more_records=more and not single,
        records=records[0] if single else records,
        message="" if single else f"{len(records)} record(s) found",
    )


def _trim_record(template: ActionTemplate, record: Any) -> Any:
    if not template.fields or not isinstance(record, Mapping):
        return record
    keep = ("id", *template.fields)
    return {key: record[key] for key in keep if record.get(key) not in (None, "", [])}


#: The most fields a record asked for by id shows (a real org's record has a hundred or more).
MAX_RECORD_FIELDS = 40
#: The most items of a list field (tags, participants, line items) such a record shows.
MAX_LIST_ITEMS = 5
# Bookkeeping fields of every record: no help on the phone.
_NOISE = frozenset({"Created_By", "Modified_By", "Created_Time", "Last_Activity_Time",
                    "Record_Image", "Layout", "Locked__s", "Unsubscribed_Mode",
                    "Unsubscribed_Time", "Change_Log_Time__s"})  # fmt: skip


def _full_record(template: ActionTemplate, record: Any) -> Any:
    """Every field of ``record`` that has a value, lookups as their name and id, lists cut to
    :data:`MAX_LIST_ITEMS`, at most :data:`MAX_RECORD_FIELDS` fields (``more_fields`` counts the
    rest); Zoho's ``$``-prefixed internals and bookkeeping fields are left out."""
    if not isinstance(record, Mapping):
        return record
    shown: dict[str, Any] = {}
    left = 0
    for key, value in record.items():
        if not isinstance(key, str) or key.startswith("$") or key in _NOISE:
            continue
        value = _brief_value(value)
        if value in (None, "", [], {}):
            continue
        if len(shown) >= MAX_RECORD_FIELDS:
            left += 1
            continue
        shown[key] = value
    if left:
        shown["more_fields"] = left
    return shown


def _brief_value(value: Any) -> Any:
    if isinstance(value, Mapping):
        if "name" in value or "id" in value:  # a lookup or a user
            return {k: value[k] for k in ("name", "id") if value.get(k) not in (None, "")}
        return {k: v for k, v in list(value.items())[:MAX_LIST_ITEMS] if not str(k).startswith("$")}
    if isinstance(value, list):
        return [_brief_value(item) for item in value[:MAX_LIST_ITEMS]]
    return value


def _param_for(template: ActionTemplate, api_name: Any) -> str | None:
    """The action parameter that fills Zoho field ``api_name`` (or the api_name itself)."""
    if not api_name:
        return None
    for param, json_path in template.field_map().items():
        if json_path.rsplit(".", 1)[-1] == api_name or f".{api_name}." in f"{json_path}.":
            return param
    return str(api_name)
